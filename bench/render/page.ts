/**
 * Runs inside headless Chromium. Measures (1) from importing the define entry to the flow's
 * first view painted and to its first interactive view (its statechart loaded; flow.ts), and (2)
 * <successor-activity> over 10,000 processes: first paint and the frames dropped while
 * scrolling to the end. The server is the in-memory contract fake with no added latency, so
 * the figures are the elements' own. The fake (which loads the whole core) is imported only
 * after (1), so (1) fetches what a host page fetches.
 */
import { measureFlow, nextFrame, until } from './flow.js';

type Fake = typeof import('../../packages/core/src/testing.js');

function scroller(root: ShadowRoot): HTMLElement | null {
  return (
    [...root.querySelectorAll<HTMLElement>('*')].find(
      (el) => el.scrollHeight > el.clientHeight + 10 && getComputedStyle(el).overflowY !== 'visible',
    ) ?? null
  );
}

async function main() {
  // (1) define → first view painted → interactive, the statechart loaded on demand.
  const flow = await measureFlow(() => import('../../packages/elements/src/define.js'));

  const { FakeSupportServices, makeUser, membership }: Fake = await import(
    '../../packages/core/src/testing.js'
  );
  const successor = makeUser({
    name: 'Sofía Gómez',
    email: 'sofia.gomez@example.com',
    ecosystems: [membership('Legado Gómez', 'administrator', true)],
  });
  const fake = new FakeSupportServices({ users: [successor], latencyMs: 0, pageSize: 100 });
  const legacy = successor.ecosystems[0];
  if (!legacy) throw new Error('no ecosystem');
  fake.seedProcesses(successor.id, legacy.id, 10_000);

  // A verified Ecosystem Admin session on the fake, as the flow would leave it.
  const options = { signal: new AbortController().signal };
  const session = await fake.createSession({ flow: 'ecosystem-admin', userId: successor.id }, options);
  await fake.sendCode(session.id, 'user', options);
  await fake.verifyCode(session.id, 'user', fake.lastCode('user'), options);
  await fake.selectEcosystem(session.id, legacy.id, options);
  await fake.sendCode(session.id, 'agent', options);
  await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), options);

  // (2) first paint of the list
  const listStart = performance.now();
  const activity = document.createElement('successor-activity') as HTMLElement & { services: unknown };
  activity.services = fake;
  activity.setAttribute('session-id', session.id);
  activity.style.setProperty('--waizant-activity-list-height', '600px');
  document.body.append(activity);
  const root = await until(() => activity.shadowRoot);
  await until(() => (scroller(root)?.querySelectorAll('button').length ?? 0) > 5 || null);
  await nextFrame();
  const firstPaint = performance.now() - listStart;
  const rowsInDom = root.querySelectorAll('button').length;

  // (3) scroll to the end, a screenful per frame, recording frame times
  const list = await until(() => scroller(root));
  const frames: number[] = [];
  let last = await nextFrame();
  const scrollStart = performance.now();
  while (performance.now() - scrollStart < 60_000) {
    list.scrollTop += list.clientHeight;
    const now = await nextFrame();
    frames.push(now - last);
    last = now;
    const shown = root.textContent ?? '';
    if (
      list.scrollTop + list.clientHeight >= list.scrollHeight - 2 &&
      /10[,.]?000 of 10[,.]?000|10000 of 10000/.test(shown)
    )
      break;
  }
  const budget = 1000 / 60;
  const dropped = frames.reduce((sum, delta) => sum + Math.max(0, Math.round(delta / budget) - 1), 0);
  const sorted = [...frames].sort((a, b) => a - b);
  (window as unknown as { results: unknown }).results = {
    ...flow,
    listFirstPaintMs: firstPaint,
    rowsInDomAfterFirstPaint: rowsInDom,
    scrollFrames: frames.length,
    scrollDurationMs: performance.now() - scrollStart,
    droppedFrames: dropped,
    frameP50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
    frameP95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    rowsInDomAtEnd: root.querySelectorAll('button').length,
  };
}

main().catch((error: unknown) => {
  (window as unknown as { results: unknown }).results = { error: String(error) };
});
