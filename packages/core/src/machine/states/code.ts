import { assign } from 'xstate';
import type { CodePurpose } from '../../contract/primitives.js';
import { resendDeadline, sessionCommand, sessionErrors } from '../session-transitions.js';
import { supportSetup } from '../setup.js';
import { agentPasskeyStates, switchToPasskey } from './passkey.js';

/**
 * One code step, the agent's or the user's: prompt, send, await (with the resend cooldown),
 * check. Only the agent's code is sent on arrival (Ecosystem Admin's "Send verification Code"),
 * so only its step drops that flag once the send has answered. The agent's step also holds the
 * passkey step-up when the session offers it (the choice, and the passkey's own states), and
 * after a passed e-mailed code may offer to set a passkey up.
 */
export function codeStep<P extends CodePurpose>(purpose: P) {
  const id = `${purpose}Code` as const;
  const actor = purpose === 'agent' ? ('AgentCode' as const) : ('UserCode' as const);
  const onArrival = purpose === 'agent';
  const disarm = onArrival ? (['disarmAgentCodeSend'] as const) : ([] as const);
  const agent = purpose === 'agent';
  const passed = [
    'storeSession',
    'clearPendingCode',
    agent ? 'markAgentVerified' : 'markUserVerified',
  ] as const;
  return supportSetup.createStateConfig({
    id,
    initial: 'prompt',
    meta: { view: id },
    states: {
      /** "A verification code will be sent to NAME": the agent confirms before it goes. */
      prompt: {
        meta: { codePhase: 'prompt' },
        always: [
          ...(agent ? [{ guard: 'passkeyChosen', target: 'passkey', actions: disarm } as const] : []),
          { guard: 'codeAlreadySent', target: 'awaiting', actions: disarm },
          ...(agent ? [{ guard: 'stepUpChoiceNeeded', target: 'choosing', actions: disarm } as const] : []),
          ...(onArrival
            ? [{ guard: 'sendAgentCodeOnArrival', target: 'sending', actions: 'clearError' } as const]
            : []),
        ],
        on: {
          'CODE.SEND': { target: 'sending', actions: ['clearError', 'newRequestKey'] },
          ...(agent ? switchToPasskey : {}),
        },
      },
      sending: {
        tags: 'pending',
        meta: { codePhase: 'sending' },
        invoke: {
          id: `send${actor}`,
          src: 'sendCode',
          input: sessionCommand(() => ({ purpose })),
          onDone: { target: 'awaiting', actions: [...disarm, 'storeSession'] },
          onError: sessionErrors(
            { locked: true, resync: true, also: disarm },
            { guard: 'codeAlreadySent', target: 'awaiting', actions: [...disarm, 'storeError'] },
            { target: 'prompt', actions: [...disarm, 'storeError'] },
          ),
        },
      },
      awaiting: {
        initial: 'coolingDown',
        meta: { codePhase: 'awaiting' },
        on: {
          ...(agent ? switchToPasskey : {}),
          'CODE.SUBMIT': {
            guard: 'codeWellFormed',
            target: 'checking',
            actions: ['clearError', 'newRequestKey', assign({ pendingCode: ({ event }) => event.code })],
          },
        },
        states: {
          coolingDown: {
            invoke: {
              id: `${id}ResendCooldown`,
              src: 'countdown',
              input: ({ context }) => resendDeadline(context),
            },
            on: { 'COUNTDOWN.DONE': 'resendable' },
          },
          resendable: {
            on: {
              'CODE.RESEND': {
                guard: 'resendsLeft',
                target: `#${id}.sending`,
                actions: ['clearError', 'newRequestKey'],
              },
            },
          },
        },
      },
      checking: {
        tags: 'pending',
        meta: { codePhase: 'checking' },
        invoke: {
          id: `verify${actor}`,
          src: 'verifyCode',
          input: sessionCommand((context) => ({ purpose, code: context.pendingCode ?? '' })),
          onDone: [
            // The e-mailed agent code passed: an agent without a passkey may set one up now.
            ...(agent
              ? [
                  {
                    guard: 'enrolmentOffered',
                    target: '#route',
                    actions: [...passed, 'offerEnrolment'],
                  } as const,
                ]
              : []),
            { target: '#route', actions: passed },
          ],
          onError: sessionErrors(
            { locked: true, resync: true },
            { target: 'awaiting', actions: ['storeError', 'applyAttemptsLeft', 'clearPendingCode'] },
          ),
        },
      },
      ...(agent ? agentPasskeyStates : {}),
    },
  });
}
