/**
 * Runs inside headless Chromium: from importing the kit (`load`) to the flow's first view
 * painted and to its first interactive view (search enabled once the statechart runs). No
 * `services`: the HTTP client is not fetched until a request, which this part never makes.
 */
export const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

export async function until<T>(probe: () => T | null | undefined, limitMs = 20_000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const found = probe();
    if (found) return found;
    if (performance.now() - start > limitMs) throw new Error('timed out waiting');
    await nextFrame();
  }
}

export interface FlowTimes {
  importAndDefineMs: number;
  defineToPaintMs: number;
  defineToInteractiveMs: number;
  importToInteractiveMs: number;
}

export async function measureFlow(load: () => Promise<unknown>): Promise<FlowTimes> {
  const t0 = performance.now();
  await load();
  const defined = performance.now();
  const flow = document.createElement('waizant-support-flow');
  flow.setAttribute('api-base', '/none');
  document.body.append(flow);
  await until(() => flow.shadowRoot?.querySelector('input[type="email"]'));
  await nextFrame();
  const painted = performance.now();
  await until(() => flow.shadowRoot?.querySelector('[data-action="search"]:not([disabled])'));
  await nextFrame();
  const interactive = performance.now();
  flow.remove();
  return {
    importAndDefineMs: defined - t0,
    defineToPaintMs: painted - defined,
    defineToInteractiveMs: interactive - defined,
    importToInteractiveMs: interactive - t0,
  };
}
