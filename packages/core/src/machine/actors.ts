import { fromCallback, fromPromise, type InputFrom, type OutputFrom, type PromiseActorLogic } from 'xstate';
import type { SupportSessionView } from '../contract/api.js';
import type { Flow } from '../contract/primitives.js';
import { SupportError } from '../contract/support-error.js';
import { isClosedStep } from '../rules/flow.js';
import type { SupportFlowOptions } from './facade.js';
import type { MachineActors } from './setup.js';
import { createTimerActors } from './timers.js';
import type { CallOptions, SessionResult, SupportEvent } from './types.js';

// Kept apart from the facade so that the facade's published types carry no XState type: the
// main and `./ui` entries expose the facade, `./machine` exposes these actors.

/** The machine's request actors (the ones that answer once), by name. */
type RequestName = {
  [K in keyof MachineActors]: MachineActors[K] extends PromiseActorLogic<infer _O, infer _I> ? K : never;
}[keyof MachineActors];

/** One request: its input as the machine declares it, the abort signal, its output as declared. */
type Requests = {
  [K in RequestName]: (
    input: InputFrom<MachineActors[K]>,
    signal: AbortSignal,
  ) => Promise<OutputFrom<MachineActors[K]>>;
};

/** The one wrapper: every request becomes a promise actor with the machine's own input and output types. */
function requestActors(requests: Requests) {
  const actors = {} as {
    [K in RequestName]: PromiseActorLogic<OutputFrom<MachineActors[K]>, InputFrom<MachineActors[K]>>;
  };
  for (const name of Object.keys(requests) as RequestName[]) {
    const run = requests[name] as (input: unknown, signal: AbortSignal) => Promise<unknown>;
    (actors as Record<RequestName, unknown>)[name] = fromPromise<unknown, unknown>(({ input, signal }) =>
      run(input, signal),
    );
  }
  return actors;
}

/**
 * The statechart's actors, built from plain async `services` functions (what
 * `createSupportFlow` provides to the machine).
 */
export function createSupportMachineActors(options: Omit<SupportFlowOptions, 'flow'> & { flow: Flow }) {
  const { services, flow } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.handoffPollMs ?? 2000;
  const sessionPollMs = options.sessionPollMs ?? 5000;
  const session = async (call: Promise<SupportSessionView>): Promise<SessionResult> => {
    const value = await call;
    return { session: value, receivedAt: now() };
  };
  const opts = (signal: AbortSignal, idempotencyKey?: string): CallOptions =>
    idempotencyKey ? { signal, idempotencyKey } : { signal };
  // Services without the passkey routes answer as a server in the default `email-code` mode.
  const passkeyRoute = <F>(route: F | undefined): F => {
    if (route) return route;
    throw new SupportError('step_up_not_allowed', 'This server does not offer passkeys.');
  };
  // No ceremony injected: the prompt ends as WebAuthn's own "not supported" does.
  const ceremony = () => {
    if (options.passkeys) return options.passkeys;
    throw new DOMException('Passkeys are not available here.', 'NotSupportedError');
  };
  return {
    ...createTimerActors(now),
    ...requestActors({
      lookup: (input, signal) => services.lookup({ email: input.email, flow }, opts(signal)),
      createSession: (input, signal) =>
        session(services.createSession({ flow, userId: input.userId }, opts(signal, input.requestKey))),
      getSession: (input, signal) => session(services.getSession(input.sessionId, opts(signal))),
      selectEcosystem: (input, signal) =>
        session(services.selectEcosystem(input.sessionId, input.ecosystemId, opts(signal, input.requestKey))),
      sendCode: (input, signal) =>
        session(services.sendCode(input.sessionId, input.purpose, opts(signal, input.requestKey))),
      verifyCode: (input, signal) =>
        session(
          services.verifyCode(input.sessionId, input.purpose, input.code, opts(signal, input.requestKey)),
        ),
      createHandoff: async (input, signal) => {
        const handoff = await services.createHandoff(
          input.sessionId,
          input.destination,
          opts(signal, input.requestKey),
        );
        return { handoff, receivedAt: now() };
      },
      emailQr: (input, signal) =>
        services.emailHandoff(input.sessionId, input.handoffId, input.token, opts(signal, input.requestKey)),
      touchSession: (input, signal) =>
        session(services.touch(input.sessionId, opts(signal, input.requestKey))),
      cancelSession: (input, signal) =>
        session(services.cancel(input.sessionId, input.reason, opts(signal, input.requestKey))),
      completeSession: (input, signal) =>
        session(services.complete(input.sessionId, opts(signal, input.requestKey))),
      listProcesses: (input, signal) =>
        services.listProcesses(
          input.sessionId,
          {
            ...(input.ecosystemId ? { ecosystemId: input.ecosystemId } : {}),
            ...(input.cursor ? { cursor: input.cursor } : {}),
          },
          opts(signal),
        ),
      getProcess: (input, signal) => services.getProcess(input.sessionId, input.processId, opts(signal)),
      agentPasskeyOptions: async (input, signal) =>
        passkeyRoute(services.agentPasskeyOptions?.bind(services))(
          input.sessionId,
          opts(signal, input.requestKey),
        ),
      verifyAgentPasskey: async (input, signal) =>
        session(
          passkeyRoute(services.verifyAgentPasskey?.bind(services))(
            input.sessionId,
            input.credential,
            opts(signal, input.requestKey),
          ),
        ),
      passkeyRegistrationOptions: async (input, signal) =>
        passkeyRoute(services.passkeyRegistrationOptions?.bind(services))(
          input.sessionId,
          opts(signal, input.requestKey),
        ),
      registerPasskey: async (input, signal) =>
        passkeyRoute(services.registerPasskey?.bind(services))(
          input.sessionId,
          input.credential,
          input.name,
          opts(signal, input.requestKey),
        ),
      passkeyPrompt: async (input, signal) => ceremony().authenticate(input.options, signal),
      passkeyCreate: async (input, signal) => ceremony().register(input.options, signal),
    }),
    watchHandoff: fromCallback<SupportEvent, InputFrom<MachineActors['watchHandoff']>>(
      ({ input, sendBack }) => {
        const controller = new AbortController();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const poll = async () => {
          try {
            const status = await services.getHandoff(
              input.sessionId,
              input.handoffId,
              opts(controller.signal),
            );
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
      },
    ),
    watchSession: fromCallback<SupportEvent, InputFrom<MachineActors['watchSession']>>(
      ({ input, sendBack }) => {
        const controller = new AbortController();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const poll = async () => {
          try {
            const read = await session(services.getSession(input.sessionId, opts(controller.signal)));
            if (controller.signal.aborted) return;
            // An open session changes nothing on screen: only a closed one is worth an event.
            if (isClosedStep(read.session.step)) return sendBack({ type: 'SESSION.POLLED', output: read });
          } catch {
            // A failed read (the network) ends nothing: the next tick asks again.
            if (controller.signal.aborted) return;
          }
          timer = setTimeout(poll, sessionPollMs);
        };
        timer = setTimeout(poll, sessionPollMs);
        return () => {
          controller.abort();
          clearTimeout(timer);
        };
      },
    ),
  };
}
