/**
 * The flow measurement alone (flow.ts), the statechart on demand as shipped; render.ts serves it
 * with the host's `modulepreload` hints for the statechart's chunks.
 */
import { measureFlow } from './flow.js';

measureFlow(() => import('../../packages/elements/src/define.js')).then(
  (flow) => {
    (window as unknown as { results: unknown }).results = flow;
  },
  (error: unknown) => {
    (window as unknown as { results: unknown }).results = { error: String(error) };
  },
);
