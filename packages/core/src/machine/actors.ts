import { fromCallback, fromPromise } from 'xstate';
import type { LookupResponse, SupportSessionView } from '../contract/api.js';
import type { Destination, Flow } from '../contract/primitives.js';
import type { SupportFlowOptions } from './facade.js';
import { createTimerActors } from './machine.js';
import type { CallOptions, SupportEvent } from './types.js';

// Kept apart from the facade so that the facade's published types carry no XState type: the
// main and `./ui` entries expose the facade, `./machine` exposes these actors.

/**
 * The statechart's actors, built from plain async `services` functions (what
 * `createSupportFlow` provides to the machine).
 */
export function createSupportMachineActors(options: Omit<SupportFlowOptions, 'flow'> & { flow: Flow }) {
  const { services, flow } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.handoffPollMs ?? 2000;
  const withTime = async <T>(call: Promise<T>) => {
    const value = await call;
    return { value, receivedAt: now() };
  };
  const session = async (call: Promise<SupportSessionView>) => {
    const { value, receivedAt } = await withTime(call);
    return { session: value, receivedAt };
  };
  const opts = (signal: AbortSignal, idempotencyKey?: string): CallOptions =>
    idempotencyKey ? { signal, idempotencyKey } : { signal };
  return {
    ...createTimerActors(now),
    lookup: fromPromise<LookupResponse, { email: string; requestKey: string }>(({ input, signal }) =>
      services.lookup({ email: input.email, flow }, opts(signal)),
    ),
    createSession: fromPromise(
      ({ input, signal }: { input: { userId: string; requestKey: string }; signal: AbortSignal }) =>
        session(services.createSession({ flow, userId: input.userId }, opts(signal, input.requestKey))),
    ),
    getSession: fromPromise(({ input, signal }: { input: { sessionId: string }; signal: AbortSignal }) =>
      session(services.getSession(input.sessionId, opts(signal))),
    ),
    selectEcosystem: fromPromise(
      ({
        input,
        signal,
      }: {
        input: { sessionId: string; ecosystemId: string; requestKey: string };
        signal: AbortSignal;
      }) =>
        session(services.selectEcosystem(input.sessionId, input.ecosystemId, opts(signal, input.requestKey))),
    ),
    sendCode: fromPromise(
      ({
        input,
        signal,
      }: {
        input: { sessionId: string; purpose: 'agent' | 'user'; requestKey: string };
        signal: AbortSignal;
      }) => session(services.sendCode(input.sessionId, input.purpose, opts(signal, input.requestKey))),
    ),
    verifyCode: fromPromise(
      ({
        input,
        signal,
      }: {
        input: { sessionId: string; purpose: 'agent' | 'user'; code: string; requestKey: string };
        signal: AbortSignal;
      }) =>
        session(
          services.verifyCode(input.sessionId, input.purpose, input.code, opts(signal, input.requestKey)),
        ),
    ),
    createHandoff: fromPromise(
      async ({
        input,
        signal,
      }: {
        input: { sessionId: string; destination: Destination; requestKey: string };
        signal: AbortSignal;
      }) => {
        const { value, receivedAt } = await withTime(
          services.createHandoff(input.sessionId, input.destination, opts(signal, input.requestKey)),
        );
        return { handoff: value, receivedAt };
      },
    ),
    watchHandoff: fromCallback<
      SupportEvent,
      { sessionId: string; handoffId: string; since: number; expireAfterMs: number }
    >(({ input, sendBack }) => {
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll = async () => {
        try {
          const status = await services.getHandoff(input.sessionId, input.handoffId, opts(controller.signal));
          if (status.state === 'claimed') return sendBack({ type: 'HANDOFF.CLAIMED' });
          if (status.state !== 'pending') return sendBack({ type: 'HANDOFF.EXPIRED' });
        } catch {
          if (controller.signal.aborted) return;
        }
        if (now() >= input.since + input.expireAfterMs) return sendBack({ type: 'HANDOFF.EXPIRED' });
        timer = setTimeout(poll, pollMs);
      };
      timer = setTimeout(poll, pollMs);
      return () => {
        controller.abort();
        clearTimeout(timer);
      };
    }),
    touchSession: fromPromise(
      ({ input, signal }: { input: { sessionId: string; requestKey: string }; signal: AbortSignal }) =>
        session(services.touch(input.sessionId, opts(signal, input.requestKey))),
    ),
    cancelSession: fromPromise(
      ({
        input,
        signal,
      }: {
        input: { sessionId: string; reason: string; requestKey: string };
        signal: AbortSignal;
      }) => session(services.cancel(input.sessionId, input.reason, opts(signal, input.requestKey))),
    ),
    completeSession: fromPromise(
      ({ input, signal }: { input: { sessionId: string; requestKey: string }; signal: AbortSignal }) =>
        session(services.complete(input.sessionId, opts(signal, input.requestKey))),
    ),
    listProcesses: fromPromise(
      ({
        input,
        signal,
      }: {
        input: { sessionId: string; ecosystemId: string | null; cursor: string | null };
        signal: AbortSignal;
      }) =>
        services.listProcesses(
          input.sessionId,
          {
            ...(input.ecosystemId ? { ecosystemId: input.ecosystemId } : {}),
            ...(input.cursor ? { cursor: input.cursor } : {}),
          },
          opts(signal),
        ),
    ),
    getProcess: fromPromise(
      ({ input, signal }: { input: { sessionId: string; processId: string }; signal: AbortSignal }) =>
        services.getProcess(input.sessionId, input.processId, opts(signal)),
    ),
  };
}
