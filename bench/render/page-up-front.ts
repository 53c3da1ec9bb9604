/**
 * The comparison page: the same flow measurement (flow.ts) with the statechart loaded up front,
 * imported beside the tags as before the split, so both figures come from the same run.
 */
import { measureFlow } from './flow.js';

measureFlow(() => import('./up-front.js')).then(
  (flow) => {
    (window as unknown as { results: unknown }).results = flow;
  },
  (error: unknown) => {
    (window as unknown as { results: unknown }).results = { error: String(error) };
  },
);
