import { lazy } from '../../base-element.js';

/**
 * The statechart and validators, fetched once per page. The contract is asked for first and
 * names the validators alone: a bundler that splits code gives it a small chunk of its own that
 * only imports the chunk with the validators (zod), shared with the statechart. It arrives before
 * the statechart's larger chunk, so the browser fetches the validators' chunk beside the
 * statechart's instead of after it (README, Performance).
 */
export const loadEngine = lazy(() => {
  const contract = import('./support-flow.contract.js');
  return Promise.all([import('./support-flow.engine.js'), contract]).then(([engine]) => engine);
});

/** How long a busy page may put off the preload before it starts anyway (ms). */
const IDLE_TIMEOUT_MS = 2000;

/**
 * Starts fetching the statechart once the page is idle after the tag is defined, so a flow that
 * connects later finds it loaded, without adding to the host's start-up; a flow that connects
 * sooner asks for it itself (the same request). Settles when the preload has (a failed one is
 * forgotten: the flow asks again and reports it).
 */
export function preloadEngineWhenIdle(): Promise<unknown> {
  return new Promise<void>((idle) => {
    if (typeof requestIdleCallback === 'function')
      requestIdleCallback(() => idle(), { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(idle, 0);
  }).then(() => loadEngine().catch(() => {}));
}
