import { assign } from 'xstate';
import { sessionCommand, sessionErrors } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** The agent chose the e-mailed code (from the choice, or from the passkey view). */
const chooseEmailCode = {
  guard: 'emailCodeOffered',
  target: '#agentCode.prompt',
  actions: ['clearError', 'clearPasskey', 'chooseEmailCode'],
} as const;

const choosePasskey = {
  guard: 'passkeyOffered',
  target: '#agentCode.passkey',
  actions: ['clearError', 'choosePasskey'],
} as const;

/**
 * The agent-code step's passkey states (issue #17), beside the e-mailed code's: the choice when
 * both are offered, then options → the browser's ceremony → the server's check. A passing
 * assertion moves the session on exactly as a passing agent code does.
 */
export const agentPasskeyStates = {
  /** "How do you want to verify?": shown when the server offers both ways. */
  choosing: supportSetup.createStateConfig({
    meta: { passkeyPhase: 'choosing' },
    on: { 'STEPUP.PASSKEY': choosePasskey, 'STEPUP.EMAIL': chooseEmailCode },
  }),
  passkey: supportSetup.createStateConfig({
    initial: 'ready',
    states: {
      /** "Use a passkey": the ceremony starts only on the agent's click (browsers want a gesture). */
      ready: {
        meta: { passkeyPhase: 'ready' },
        on: {
          'PASSKEY.START': { target: 'preparing', actions: ['clearError', 'clearPasskey', 'newRequestKey'] },
          'STEPUP.EMAIL': chooseEmailCode,
        },
      },
      preparing: {
        tags: 'pending',
        meta: { passkeyPhase: 'preparing' },
        invoke: {
          id: 'getAgentPasskeyOptions',
          src: 'agentPasskeyOptions',
          input: sessionCommand(),
          onDone: { target: 'prompting', actions: assign({ passkeyRequest: ({ event }) => event.output }) },
          onError: sessionErrors(
            { locked: true, resync: true },
            { target: 'ready', actions: ['storeError'] },
          ),
        },
      },
      prompting: {
        tags: 'pending',
        meta: { passkeyPhase: 'prompting' },
        invoke: {
          id: 'promptAgentPasskey',
          src: 'passkeyPrompt',
          input: ({ context }) => ({ options: context.passkeyRequest ?? { challenge: '' } }),
          onDone: {
            target: 'checking',
            actions: [
              'newRequestKey',
              assign({ pendingAssertion: ({ event }) => event.output, passkeyRequest: null }),
            ],
          },
          // Nothing reached the server: no attempt is spent, the agent may try again.
          onError: { target: 'ready', actions: ['clearPasskey', 'storePasskeyProblem'] },
        },
      },
      checking: {
        tags: 'pending',
        meta: { passkeyPhase: 'checking' },
        invoke: {
          id: 'verifyAgentPasskey',
          src: 'verifyAgentPasskey',
          input: sessionCommand((context) => ({
            credential: context.pendingAssertion ?? ({} as never),
          })),
          onDone: {
            target: '#route',
            actions: ['storeSession', 'clearPasskey', 'markAgentVerified'],
          },
          onError: sessionErrors(
            { locked: true, resync: true, also: ['clearPasskey'] },
            { target: 'ready', actions: ['clearPasskey', 'storeError'] },
          ),
        },
      },
    },
  }),
};

/** From the e-mailed code's states: "Use a passkey instead", when the server offers one. */
export const switchToPasskey = { 'STEPUP.PASSKEY': choosePasskey } as const;

/**
 * "Set up a passkey": offered once the agent passed the e-mailed code in this session and has
 * no passkey yet. Optional: **Not now** goes on as a passed code does; so does a saved passkey.
 */
export const passkeySetup = supportSetup.createStateConfig({
  id: 'passkeySetup',
  initial: 'offer',
  meta: { view: 'passkeySetup' },
  states: {
    offer: {
      meta: { passkeyPhase: 'ready' },
      on: {
        'PASSKEY.ENROL': {
          target: 'preparing',
          actions: [
            'clearError',
            'clearPasskey',
            'newRequestKey',
            assign({ passkeyName: ({ event }) => event.name?.trim() || null }),
          ],
        },
        'PASSKEY.SKIP': { target: '#route', actions: ['clearError', 'clearPasskey', 'closeEnrolment'] },
      },
    },
    preparing: {
      tags: 'pending',
      meta: { passkeyPhase: 'preparing' },
      invoke: {
        id: 'getPasskeyRegistrationOptions',
        src: 'passkeyRegistrationOptions',
        input: sessionCommand(),
        onDone: { target: 'creating', actions: assign({ passkeyCreation: ({ event }) => event.output }) },
        onError: sessionErrors({}, { target: 'offer', actions: ['storeError'] }),
      },
    },
    creating: {
      tags: 'pending',
      meta: { passkeyPhase: 'prompting' },
      invoke: {
        id: 'createPasskey',
        src: 'passkeyCreate',
        input: ({ context }) => ({ options: context.passkeyCreation ?? ({} as never) }),
        onDone: {
          target: 'registering',
          actions: [
            'newRequestKey',
            assign({ pendingAttestation: ({ event }) => event.output, passkeyCreation: null }),
          ],
        },
        onError: { target: 'offer', actions: ['clearPasskey', 'storePasskeyProblem'] },
      },
    },
    registering: {
      tags: 'pending',
      meta: { passkeyPhase: 'checking' },
      invoke: {
        id: 'registerPasskey',
        src: 'registerPasskey',
        input: sessionCommand((context) => ({
          credential: context.pendingAttestation ?? ({} as never),
          name: context.passkeyName ?? undefined,
        })),
        onDone: {
          target: '#route',
          actions: ['clearPasskey', 'closeEnrolment', assign({ passkeyName: null })],
        },
        onError: sessionErrors({}, { target: 'offer', actions: ['clearPasskey', 'storeError'] }),
      },
    },
  },
});
