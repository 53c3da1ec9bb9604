import { assign } from 'xstate';
import { sessionCommand, sessionErrors, sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** Sessions the server closed, by how: the final state each ends the flow in. */
const CLOSED_ENDINGS = [
  ['sessionClosedAsExpired', '#expired'],
  ['sessionClosedAsCancelled', '#cancelled'],
  ['sessionClosedAsLocked', '#lockedOut'],
  ['sessionClosedAsCompleted', '#completed'],
  ['sessionClosedAsEndedByUser', '#endedByUser'],
] as const;

/** Open sessions, by the server's step: where the agent goes on. */
const OPEN_STEPS = [
  ['atSelectEcosystem', 'steps.ecosystem'],
  ['atAgentCode', 'steps.agentCode'],
  // Right after the e-mailed agent code, before the user's: the optional passkey set-up.
  ['enrolmentPending', 'steps.passkeySetup'],
  ['atUserCode', 'steps.userCode'],
  ['verifiedForAssistance', 'steps.verified.assisting'],
  ['verifiedForActivity', 'steps.verified.activity'],
] as const;

function table<G extends string, T extends string>(rows: ReadonlyArray<readonly [G, T]>) {
  return rows.map(([guard, target]) => ({ guard, target }));
}

/** The server's step decides where the agent is; closed sessions end the flow. */
export const route = supportSetup.createStateConfig({
  id: 'route',
  tags: 'pending',
  meta: { view: 'loading' },
  always: [
    ...table(CLOSED_ENDINGS),
    {
      guard: 'sessionClosedAsIneligible',
      target: '#failed',
      actions: assign({
        error: ({ context }) => ({
          code: 'user_ineligible' as const,
          message: 'The user can no longer be assisted.',
          ...(context.session?.ineligibleReason
            ? { ineligibleReason: context.session.ineligibleReason }
            : {}),
        }),
      }),
    },
    ...table(OPEN_STEPS),
    {
      target: '#failed',
      actions: assign({
        error: { code: 'wrong_step', message: 'The session is at a step this flow did not reach.' },
      }),
    },
  ],
});

type StateConfig = Parameters<typeof supportSetup.createStateConfig>[0];
type InvokeConfig = Exclude<NonNullable<StateConfig['invoke']>, readonly unknown[]>;
/** Which actor to call and with what: one member per actor, so `src` and `input` stay paired. */
type ServerCall = InvokeConfig extends infer U
  ? U extends unknown
    ? Pick<U, Extract<'id' | 'src' | 'input', keyof U>>
    : never
  : never;

/**
 * A step that only waits on one server call about the session: pending, shown as `view`; the
 * session it answers is stored and routed on to `then`, and any error that is not one of the
 * session's shared endings fails the flow.
 */
function awaitingServer(id: string, view: 'loading' | 'finishing', call: ServerCall, then: string) {
  return supportSetup.createStateConfig({
    id,
    tags: 'pending',
    meta: { view },
    invoke: {
      ...call,
      onDone: { target: then, actions: 'storeSession' },
      onError: sessionErrors({}, { target: '#failed', actions: ['storeError'] }),
    },
  });
}

/** A command hit the wrong step (another tab moved on): re-read the session and route. */
export const resync = awaitingServer(
  'resync',
  'loading',
  { id: 'resyncSession', src: 'getSession', input: sessionQuery() },
  'route',
);

/** The agent finished: the server completes the session. */
export const finishing = awaitingServer(
  'finishing',
  'finishing',
  { id: 'completeSession', src: 'completeSession', input: sessionCommand() },
  '#completed',
);
