import { fromCallback } from 'xstate';
import type { SupportEvent } from './types.js';

/** Input of the timer actors: deadlines relative to `since` on the local clock (skew-free). */
export interface DeadlineInput {
  readonly since: number;
  readonly afterMs: number;
}
export interface InactivityInput {
  readonly since: number;
  readonly warnAfterMs: number;
  readonly expireAfterMs: number;
}

/** Fires `event` once `afterMs` has passed since `since`, by the local clock. */
function fireAfter(since: number, afterMs: number, fire: () => void, now: () => number): () => void {
  const timer = setTimeout(fire, Math.max(0, since + afterMs - now()));
  return () => clearTimeout(timer);
}

/** Real timers on `Date.now`; tests and hosts replace them through `provide`. */
export function createTimerActors(now: () => number = Date.now) {
  return {
    inactivityTimer: fromCallback<SupportEvent, InactivityInput>(({ input, sendBack }) => {
      const stopWarn = fireAfter(input.since, input.warnAfterMs, () => sendBack({ type: 'IDLE.WARN' }), now);
      const stopExpire = fireAfter(
        input.since,
        input.expireAfterMs,
        () => sendBack({ type: 'IDLE.DEADLINE' }),
        now,
      );
      return () => {
        stopWarn();
        stopExpire();
      };
    }),
    countdown: fromCallback<SupportEvent, DeadlineInput>(({ input, sendBack }) =>
      fireAfter(input.since, input.afterMs, () => sendBack({ type: 'COUNTDOWN.DONE' }), now),
    ),
  };
}
