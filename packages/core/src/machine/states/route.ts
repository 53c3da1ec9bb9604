import { assign } from 'xstate';
import { sessionCommand, sessionErrors, sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** The server's step decides where the agent is; closed sessions end the flow. */
export const route = supportSetup.createStateConfig({
  id: 'route',
  tags: 'pending',
  meta: { view: 'loading' },
  always: [
    { guard: 'sessionClosedAsExpired', target: '#expired' },
    { guard: 'sessionClosedAsCancelled', target: '#cancelled' },
    { guard: 'sessionClosedAsLocked', target: '#lockedOut' },
    { guard: 'sessionClosedAsCompleted', target: '#completed' },
    { guard: 'sessionClosedAsEndedByUser', target: '#endedByUser' },
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
    { guard: 'atSelectEcosystem', target: 'steps.ecosystem' },
    { guard: 'atAgentCode', target: 'steps.agentCode' },
    { guard: 'enrolmentPending', target: 'steps.passkeySetup' },
    { guard: 'atUserCode', target: 'steps.userCode' },
    { guard: 'verifiedForAssistance', target: 'steps.verified.assisting' },
    { guard: 'verifiedForActivity', target: 'steps.verified.activity' },
    {
      target: '#failed',
      actions: assign({
        error: { code: 'wrong_step', message: 'The session is at a step this flow did not reach.' },
      }),
    },
  ],
});

/** A command hit the wrong step (another tab moved on): re-read the session and route. */
export const resync = supportSetup.createStateConfig({
  id: 'resync',
  tags: 'pending',
  meta: { view: 'loading' },
  invoke: {
    id: 'resyncSession',
    src: 'getSession',
    input: sessionQuery(),
    onDone: { target: 'route', actions: 'storeSession' },
    onError: sessionErrors({}, { target: '#failed', actions: ['storeError'] }),
  },
});

/** The agent finished: the server completes the session. */
export const finishing = supportSetup.createStateConfig({
  id: 'finishing',
  tags: 'pending',
  meta: { view: 'finishing' },
  invoke: {
    id: 'completeSession',
    src: 'completeSession',
    input: sessionCommand(),
    onDone: { target: '#completed', actions: 'storeSession' },
    onError: sessionErrors({}, { target: '#failed', actions: ['storeError'] }),
  },
});
