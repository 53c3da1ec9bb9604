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

/**
 * Starts fetching the statechart as soon as the tag is defined, not once the page is idle: the
 * chunks are fetched and parsed off the main thread while the page and the flow's first view
 * are still being built, so a flow shown at once is interactive as soon as one that found them
 * loaded. A flow that connects uses the same request. A failed preload is forgotten: the flow
 * asks again and reports it.
 */
export function preloadEngine(): Promise<unknown> {
  return loadEngine().catch(() => {});
}
