import { lazy } from '../../base-element.js';

/**
 * The statechart and validators, fetched once per page. The second import names the contract
 * alone: a bundler that splits code gives it a chunk of its own that only imports the chunk
 * with the validators (zod), shared with the statechart. Asked for together, the browser
 * fetches that chunk beside the statechart's instead of after it, as it otherwise learns of it
 * only once the statechart's chunk has arrived and been parsed (README, Performance).
 */
export const loadEngine = lazy(() =>
  Promise.all([import('./support-flow.engine.js'), import('./support-flow.contract.js')]).then(
    ([engine]) => engine,
  ),
);

/** How long a busy page may put off the preload before it starts anyway (ms). */
const IDLE_TIMEOUT_MS = 2000;

/**
 * Starts fetching the statechart once the page is idle after the tag is defined, so a flow that
 * connects later finds it loaded; a flow that connects sooner asks for it itself (the same
 * request). A failed preload is forgotten: the flow asks again and reports it.
 */
export function preloadEngineWhenIdle(): void {
  const start = () => {
    loadEngine().catch(() => {});
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(start, 0);
}
