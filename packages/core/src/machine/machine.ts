import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { LookupResponse, ProcessDetail, ProcessPage } from '../contract/api.js';
import { type ErrorCode, isSupportError, SupportError } from '../contract/errors.js';
import type { CodePurpose, Destination } from '../contract/primitives.js';
import { CancelReason, DEFAULT_CODE_DIGITS, Email, verificationCode } from '../contract/primitives.js';
import { isDestinationAllowed, selectableEcosystems } from '../rules/flow.js';
import type {
  FlowError,
  HandoffResult,
  SessionResult,
  SupportContext,
  SupportEvent,
  SupportInput,
} from './types.js';

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

function unprovided(name: string): never {
  throw new SupportError('internal', `The support flow was created without its "${name}" actor.`);
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

const ms = (iso: string) => Date.parse(iso);

function toFlowError(error: unknown): FlowError {
  if (isSupportError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details?.attemptsLeft !== undefined ? { attemptsLeft: error.details.attemptsLeft } : {}),
      ...(error.details?.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.details.retryAfterSeconds }
        : {}),
      ...(error.details?.ineligibleReason ? { ineligibleReason: error.details.ineligibleReason } : {}),
    };
  }
  return { code: 'upstream_unavailable', message: 'The support service could not be reached.' };
}

function errorCodeOf(error: unknown): ErrorCode | null {
  return isSupportError(error) ? error.code : null;
}

/** 128 random bits, hex. `getRandomValues` (unlike `randomUUID`) also works on plain-http pages. */
function newRequestKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

type SessionCommandInput = { sessionId: string; requestKey: string };

const EMPTY_PROCESSES: SupportContext['processes'] = {
  ecosystemId: null,
  items: [],
  nextCursor: null,
  total: 0,
};

export const supportMachine = setup({
  types: {
    context: {} as SupportContext,
    events: {} as SupportEvent,
    input: {} as SupportInput,
  },
  actors: {
    lookup: fromPromise<LookupResponse, { email: string; requestKey: string }>(async () =>
      unprovided('lookup'),
    ),
    createSession: fromPromise<SessionResult, { userId: string; requestKey: string }>(async () =>
      unprovided('createSession'),
    ),
    getSession: fromPromise<SessionResult, { sessionId: string }>(async () => unprovided('getSession')),
    selectEcosystem: fromPromise<SessionResult, SessionCommandInput & { ecosystemId: string }>(async () =>
      unprovided('selectEcosystem'),
    ),
    sendCode: fromPromise<SessionResult, SessionCommandInput & { purpose: CodePurpose }>(async () =>
      unprovided('sendCode'),
    ),
    verifyCode: fromPromise<SessionResult, SessionCommandInput & { purpose: CodePurpose; code: string }>(
      async () => unprovided('verifyCode'),
    ),
    createHandoff: fromPromise<HandoffResult, SessionCommandInput & { destination: Destination }>(async () =>
      unprovided('createHandoff'),
    ),
    /** Watches a handoff until it is claimed or expires; sends HANDOFF.CLAIMED / HANDOFF.EXPIRED. */
    watchHandoff: fromCallback<
      SupportEvent,
      { sessionId: string; handoffId: string; since: number; expireAfterMs: number }
    >(() => unprovided('watchHandoff')),
    touchSession: fromPromise<SessionResult, SessionCommandInput>(async () => unprovided('touchSession')),
    cancelSession: fromPromise<SessionResult, SessionCommandInput & { reason: string }>(async () =>
      unprovided('cancelSession'),
    ),
    completeSession: fromPromise<SessionResult, SessionCommandInput>(async () =>
      unprovided('completeSession'),
    ),
    listProcesses: fromPromise<
      ProcessPage,
      { sessionId: string; ecosystemId: string | null; cursor: string | null }
    >(async () => unprovided('listProcesses')),
    getProcess: fromPromise<ProcessDetail, { sessionId: string; processId: string }>(async () =>
      unprovided('getProcess'),
    ),
    ...createTimerActors(),
  },
  guards: {
    emailWellFormed: ({ event }) => event.type === 'EMAIL.SUBMIT' && Email.safeParse(event.email).success,
    userFound: ({ event }) => (event as { output?: LookupResponse }).output?.found === true,
    eligible: ({ context }) => context.lookup?.found === true && context.lookup.eligible,
    ecosystemSelectable: ({ context, event }) =>
      event.type === 'ECOSYSTEM.SELECT' &&
      context.session !== null &&
      selectableEcosystems(context.flow, context.session.ecosystems).some((e) => e.id === event.ecosystemId),
    activityEcosystemSelectable: ({ context, event }) =>
      event.type === 'ACTIVITY.ECOSYSTEM' &&
      context.session !== null &&
      selectableEcosystems(context.flow, context.session.ecosystems).some((e) => e.id === event.ecosystemId),
    codeWellFormed: ({ context, event }) =>
      event.type === 'CODE.SUBMIT' && verificationCode(context.codeDigits).safeParse(event.code).success,
    codeAlreadySent: ({ context }) => context.session?.code != null,
    sendAgentCodeOnArrival: ({ context }) => context.sendAgentCodeOnArrival,
    resendsLeft: ({ context }) => (context.session?.code?.resendsLeft ?? 0) > 0,
    reasonValid: ({ event }) =>
      event.type === 'CANCEL.CONFIRM' && CancelReason.safeParse(event.reason).success,
    /** The role rule: which destinations this user's role in the chosen ecosystem allows. */
    destinationAllowed: ({ context, event }) =>
      event.type === 'DESTINATION.OPEN' &&
      context.session?.role != null &&
      isDestinationAllowed(context.session.role, event.destination),
    appAllowed: ({ context }) =>
      context.session?.role != null && isDestinationAllowed(context.session.role, 'app'),
    handoffIsApp: ({ event }) => (event as { output?: HandoffResult }).output?.handoff.destination === 'app',
    hasMoreProcesses: ({ context }) => context.processes.nextCursor !== null,
    // Routing by the server's step. `verified` also needs both codes seen passing in this flow.
    atSelectEcosystem: ({ context }) => context.session?.step === 'select_ecosystem',
    atAgentCode: ({ context }) => context.session?.step === 'agent_code',
    atUserCode: ({ context }) => context.session?.step === 'user_code',
    verifiedForAssistance: ({ context }) =>
      context.session?.step === 'verified' &&
      context.flow === 'technical-assistance' &&
      context.verified.agent &&
      context.verified.user,
    verifiedForActivity: ({ context }) =>
      context.session?.step === 'verified' &&
      context.flow === 'ecosystem-admin' &&
      context.verified.agent &&
      context.verified.user,
    sessionClosedAsExpired: ({ context }) => context.session?.step === 'expired',
    sessionClosedAsCancelled: ({ context }) => context.session?.step === 'cancelled',
    sessionClosedAsLocked: ({ context }) => context.session?.step === 'locked',
    sessionClosedAsCompleted: ({ context }) => context.session?.step === 'completed',
    sessionClosedAsIneligible: ({ context }) => context.session?.step === 'ineligible',
    errorIsExpiry: ({ event }) => errorCodeOf((event as { error?: unknown }).error) === 'session_expired',
    // A session closed for an ineligible user ends in `failed` too; the facade shows it as its own view.
    errorIsClosed: ({ event }) => {
      const code = errorCodeOf((event as { error?: unknown }).error);
      return code === 'session_closed' || code === 'user_ineligible';
    },
    errorIsLocked: ({ event }) => errorCodeOf((event as { error?: unknown }).error) === 'code_locked',
    errorIsWrongStep: ({ event }) => errorCodeOf((event as { error?: unknown }).error) === 'wrong_step',
  },
  actions: {
    storeError: assign({ error: ({ event }) => toFlowError((event as { error?: unknown }).error) }),
    clearError: assign({ error: null }),
    /** Every fresh session view re-arms the inactivity timer from the server's new deadlines. */
    storeSession: enqueueActions(({ enqueue, event }) => {
      const { session, receivedAt } = (event as unknown as { output: SessionResult }).output;
      enqueue.assign({ session, sessionReceivedAt: receivedAt });
      enqueue.raise({ type: 'SESSION.REFRESHED' });
    }),
    newRequestKey: assign({ requestKey: () => newRequestKey() }),
    /**
     * Ecosystem Admin's button is "Send verification Code": saving the ecosystem also sends the
     * agent's code. The request key is drawn here, once, because routing may enter the sending
     * state again before it answers; the flag is dropped only when the send has answered.
     */
    armAgentCodeSend: assign(({ context }) =>
      context.flow === 'ecosystem-admin'
        ? { sendAgentCodeOnArrival: true, requestKey: newRequestKey() }
        : { sendAgentCodeOnArrival: false },
    ),
    disarmAgentCodeSend: assign({ sendAgentCodeOnArrival: false }),
    /** A wrong code spends an attempt: show the count the server returned. */
    applyAttemptsLeft: assign({
      session: ({ context, event }) => {
        const attemptsLeft = toFlowError((event as { error?: unknown }).error).attemptsLeft;
        if (!context.session?.code || attemptsLeft === undefined) return context.session;
        return { ...context.session, code: { ...context.session.code, attemptsLeft } };
      },
    }),
  },
  delays: {},
}).createMachine({
  id: 'support',
  context: ({ input }) => ({
    flow: input.flow,
    codeDigits: input.codeDigits ?? DEFAULT_CODE_DIGITS,
    email: null,
    lookup: null,
    session: null,
    sessionReceivedAt: 0,
    verified: { agent: false, user: false },
    sendAgentCodeOnArrival: false,
    error: null,
    pendingCode: null,
    pendingDestination: null,
    handoff: null,
    handoffReceivedAt: 0,
    handoffState: null,
    processes: EMPTY_PROCESSES,
    pendingProcessId: null,
    processDetail: null,
    cancelReason: null,
    requestKey: newRequestKey(),
  }),
  initial: 'lookup',
  states: {
    // ── 1. Find the user by e-mail ──────────────────────────────────────────
    lookup: {
      initial: 'editing',
      on: {
        'EMAIL.SUBMIT': {
          guard: 'emailWellFormed',
          target: '.searching',
          actions: [
            assign({ email: ({ event }) => Email.parse(event.email), lookup: null }),
            'clearError',
            'newRequestKey',
          ],
        },
      },
      states: {
        editing: {},
        searching: {
          invoke: {
            id: 'lookupUser',
            src: 'lookup',
            input: ({ context }) => ({ email: context.email ?? '', requestKey: context.requestKey }),
            onDone: [
              {
                guard: 'userFound',
                target: 'found',
                actions: assign({ lookup: ({ event }) => event.output }),
              },
              { target: 'notFound', actions: assign({ lookup: ({ event }) => event.output }) },
            ],
            onError: { target: 'failed', actions: 'storeError' },
          },
        },
        found: {
          on: {
            START: {
              guard: 'eligible',
              target: '#support.starting',
              actions: ['clearError', 'newRequestKey'],
            },
            'EMAIL.EDIT': 'editing',
          },
        },
        notFound: { on: { 'EMAIL.EDIT': 'editing' } },
        failed: { on: { 'EMAIL.EDIT': 'editing' } },
      },
    },
    starting: {
      invoke: {
        id: 'createSession',
        src: 'createSession',
        input: ({ context }) => ({
          userId: context.lookup?.found ? context.lookup.user.id : '',
          requestKey: context.requestKey,
        }),
        onDone: { target: 'session', actions: 'storeSession' },
        onError: { target: 'lookup.found', actions: 'storeError' },
      },
    },

    // ── 2. A live support session: the steps, the cancel modal, and inactivity ──
    session: {
      type: 'parallel',
      states: {
        flow: {
          initial: 'route',
          states: {
            /** The server's step decides where the agent is; closed sessions end the flow. */
            route: {
              always: [
                { guard: 'sessionClosedAsExpired', target: '#support.expired' },
                { guard: 'sessionClosedAsCancelled', target: '#support.cancelled' },
                { guard: 'sessionClosedAsLocked', target: '#support.lockedOut' },
                { guard: 'sessionClosedAsCompleted', target: '#support.completed' },
                {
                  guard: 'sessionClosedAsIneligible',
                  target: '#support.failed',
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
                { guard: 'atUserCode', target: 'steps.userCode' },
                { guard: 'verifiedForAssistance', target: 'steps.assisting' },
                { guard: 'verifiedForActivity', target: 'steps.activity' },
                {
                  target: '#support.failed',
                  actions: assign({
                    error: {
                      code: 'wrong_step',
                      message: 'The session is at a step this flow did not reach.',
                    },
                  }),
                },
              ],
            },
            /** A command hit the wrong step (another tab moved on): re-read the session and route. */
            resync: {
              invoke: {
                id: 'resyncSession',
                src: 'getSession',
                input: ({ context }) => ({ sessionId: context.session?.id ?? '' }),
                onDone: { target: 'route', actions: 'storeSession' },
                onError: [
                  { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                  { target: '#support.failed', actions: 'storeError' },
                ],
              },
            },
            steps: {
              // Always entered through `route` or `resume`; XState still wants a default child.
              initial: 'ecosystem',
              on: {
                CANCEL: { target: 'cancelling', actions: assign({ cancelReason: null }) },
              },
              states: {
                ecosystem: {
                  initial: 'choosing',
                  states: {
                    choosing: {
                      on: {
                        'ECOSYSTEM.SELECT': {
                          guard: 'ecosystemSelectable',
                          target: 'saving',
                          actions: [
                            'clearError',
                            'newRequestKey',
                            assign({
                              processes: ({ event }) => ({
                                ...EMPTY_PROCESSES,
                                ecosystemId: event.ecosystemId,
                              }),
                            }),
                          ],
                        },
                      },
                    },
                    saving: {
                      invoke: {
                        id: 'selectEcosystem',
                        src: 'selectEcosystem',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          ecosystemId: context.processes.ecosystemId ?? '',
                          requestKey: context.requestKey,
                        }),
                        onDone: {
                          target: '#support.session.flow.route',
                          actions: ['storeSession', 'armAgentCodeSend'],
                        },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { guard: 'errorIsWrongStep', target: '#support.session.flow.resync' },
                          { target: 'choosing', actions: 'storeError' },
                        ],
                      },
                    },
                  },
                },
                agentCode: {
                  initial: 'prompt',
                  states: {
                    prompt: {
                      always: [
                        { guard: 'codeAlreadySent', target: 'awaiting', actions: 'disarmAgentCodeSend' },
                        { guard: 'sendAgentCodeOnArrival', target: 'sending', actions: 'clearError' },
                      ],
                      on: { 'CODE.SEND': { target: 'sending', actions: ['clearError', 'newRequestKey'] } },
                    },
                    sending: {
                      invoke: {
                        id: 'sendAgentCode',
                        src: 'sendCode',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          purpose: 'agent' as const,
                          requestKey: context.requestKey,
                        }),
                        onDone: { target: 'awaiting', actions: ['disarmAgentCodeSend', 'storeSession'] },
                        onError: [
                          {
                            guard: 'errorIsExpiry',
                            target: '#support.expired',
                            actions: ['disarmAgentCodeSend', 'storeError'],
                          },
                          {
                            guard: 'errorIsClosed',
                            target: '#support.failed',
                            actions: ['disarmAgentCodeSend', 'storeError'],
                          },
                          {
                            guard: 'errorIsLocked',
                            target: '#support.lockedOut',
                            actions: ['disarmAgentCodeSend', 'storeError'],
                          },
                          {
                            guard: 'errorIsWrongStep',
                            target: '#support.session.flow.resync',
                            actions: 'disarmAgentCodeSend',
                          },
                          {
                            guard: 'codeAlreadySent',
                            target: 'awaiting',
                            actions: ['disarmAgentCodeSend', 'storeError'],
                          },
                          { target: 'prompt', actions: ['disarmAgentCodeSend', 'storeError'] },
                        ],
                      },
                    },
                    awaiting: {
                      initial: 'coolingDown',
                      on: {
                        'CODE.SUBMIT': {
                          guard: 'codeWellFormed',
                          target: 'checking',
                          actions: [
                            'clearError',
                            'newRequestKey',
                            assign({ pendingCode: ({ event }) => event.code }),
                          ],
                        },
                      },
                      states: {
                        coolingDown: {
                          invoke: {
                            id: 'agentCodeResendCooldown',
                            src: 'countdown',
                            input: ({ context }) => resendDeadline(context),
                          },
                          on: { 'COUNTDOWN.DONE': 'resendable' },
                        },
                        resendable: {
                          on: {
                            'CODE.RESEND': {
                              guard: 'resendsLeft',
                              target: '#support.session.flow.steps.agentCode.sending',
                              actions: ['clearError', 'newRequestKey'],
                            },
                          },
                        },
                      },
                    },
                    checking: {
                      invoke: {
                        id: 'verifyAgentCode',
                        src: 'verifyCode',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          purpose: 'agent' as const,
                          code: context.pendingCode ?? '',
                          requestKey: context.requestKey,
                        }),
                        onDone: {
                          target: '#support.session.flow.route',
                          actions: [
                            'storeSession',
                            assign({
                              pendingCode: null,
                              verified: ({ context }) => ({ ...context.verified, agent: true }),
                            }),
                          ],
                        },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { guard: 'errorIsLocked', target: '#support.lockedOut', actions: 'storeError' },
                          { guard: 'errorIsWrongStep', target: '#support.session.flow.resync' },
                          {
                            target: 'awaiting',
                            actions: ['storeError', 'applyAttemptsLeft', assign({ pendingCode: null })],
                          },
                        ],
                      },
                    },
                  },
                },
                userCode: {
                  initial: 'prompt',
                  states: {
                    /** "A verification code will be sent to NAME": the agent confirms before it goes. */
                    prompt: {
                      always: { guard: 'codeAlreadySent', target: 'awaiting' },
                      on: { 'CODE.SEND': { target: 'sending', actions: ['clearError', 'newRequestKey'] } },
                    },
                    sending: {
                      invoke: {
                        id: 'sendUserCode',
                        src: 'sendCode',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          purpose: 'user' as const,
                          requestKey: context.requestKey,
                        }),
                        onDone: { target: 'awaiting', actions: 'storeSession' },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { guard: 'errorIsLocked', target: '#support.lockedOut', actions: 'storeError' },
                          { guard: 'errorIsWrongStep', target: '#support.session.flow.resync' },
                          { guard: 'codeAlreadySent', target: 'awaiting', actions: 'storeError' },
                          { target: 'prompt', actions: 'storeError' },
                        ],
                      },
                    },
                    awaiting: {
                      initial: 'coolingDown',
                      on: {
                        'CODE.SUBMIT': {
                          guard: 'codeWellFormed',
                          target: 'checking',
                          actions: [
                            'clearError',
                            'newRequestKey',
                            assign({ pendingCode: ({ event }) => event.code }),
                          ],
                        },
                      },
                      states: {
                        coolingDown: {
                          invoke: {
                            id: 'userCodeResendCooldown',
                            src: 'countdown',
                            input: ({ context }) => resendDeadline(context),
                          },
                          on: { 'COUNTDOWN.DONE': 'resendable' },
                        },
                        resendable: {
                          on: {
                            'CODE.RESEND': {
                              guard: 'resendsLeft',
                              target: '#support.session.flow.steps.userCode.sending',
                              actions: ['clearError', 'newRequestKey'],
                            },
                          },
                        },
                      },
                    },
                    checking: {
                      invoke: {
                        id: 'verifyUserCode',
                        src: 'verifyCode',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          purpose: 'user' as const,
                          code: context.pendingCode ?? '',
                          requestKey: context.requestKey,
                        }),
                        onDone: {
                          target: '#support.session.flow.route',
                          actions: [
                            'storeSession',
                            assign({
                              pendingCode: null,
                              verified: ({ context }) => ({ ...context.verified, user: true }),
                            }),
                          ],
                        },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { guard: 'errorIsLocked', target: '#support.lockedOut', actions: 'storeError' },
                          { guard: 'errorIsWrongStep', target: '#support.session.flow.resync' },
                          {
                            target: 'awaiting',
                            actions: ['storeError', 'applyAttemptsLeft', assign({ pendingCode: null })],
                          },
                        ],
                      },
                    },
                  },
                },
                // ── 3a. Technical Assistance: take the user to Store, Web or App ──
                assisting: {
                  initial: 'destinations',
                  on: {
                    'DESTINATION.OPEN': {
                      guard: 'destinationAllowed',
                      target: '.opening',
                      actions: [
                        'clearError',
                        'newRequestKey',
                        assign({ pendingDestination: ({ event }) => event.destination }),
                      ],
                    },
                    FINISH: { target: '#support.session.flow.finishing', actions: 'newRequestKey' },
                  },
                  states: {
                    destinations: {},
                    opening: {
                      invoke: {
                        id: 'createHandoff',
                        src: 'createHandoff',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          destination: context.pendingDestination ?? 'web',
                          requestKey: context.requestKey,
                        }),
                        onDone: [
                          {
                            guard: 'handoffIsApp',
                            target: 'qr',
                            actions: assign(({ event }) => ({
                              handoff: event.output.handoff,
                              handoffReceivedAt: event.output.receivedAt,
                              handoffState: 'pending' as const,
                            })),
                          },
                          {
                            target: 'linkReady',
                            actions: assign(({ event }) => ({
                              handoff: event.output.handoff,
                              handoffReceivedAt: event.output.receivedAt,
                              handoffState: 'pending' as const,
                            })),
                          },
                        ],
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { guard: 'errorIsWrongStep', target: '#support.session.flow.resync' },
                          { target: 'destinations', actions: 'storeError' },
                        ],
                      },
                    },
                    /** Web / Store: the one-time link is ready for the agent to open. */
                    linkReady: { on: { BACK: 'destinations' } },
                    /** App: the QR the user scans with their phone. */
                    qr: {
                      initial: 'waiting',
                      on: {
                        BACK: 'destinations',
                        'QR.REGENERATE': {
                          guard: 'appAllowed',
                          target: 'opening',
                          actions: [
                            'clearError',
                            'newRequestKey',
                            assign({ pendingDestination: 'app' as const }),
                          ],
                        },
                      },
                      states: {
                        waiting: {
                          invoke: {
                            id: 'watchHandoff',
                            src: 'watchHandoff',
                            input: ({ context }) => ({
                              sessionId: context.session?.id ?? '',
                              handoffId: context.handoff?.id ?? '',
                              since: context.handoffReceivedAt,
                              expireAfterMs: (context.handoff?.expiresIn ?? 0) * 1000,
                            }),
                          },
                          on: {
                            'HANDOFF.CLAIMED': {
                              target: 'claimed',
                              actions: assign({ handoffState: 'claimed' as const }),
                            },
                            'HANDOFF.EXPIRED': {
                              target: 'expired',
                              actions: assign({ handoffState: 'expired' as const }),
                            },
                          },
                        },
                        claimed: {},
                        expired: {},
                      },
                    },
                  },
                },
                // ── 3b. Ecosystem Admin: the successor's activity ──
                activity: {
                  initial: 'loading',
                  on: { FINISH: { target: '#support.session.flow.finishing', actions: 'newRequestKey' } },
                  states: {
                    loading: {
                      invoke: {
                        id: 'listProcesses',
                        src: 'listProcesses',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          ecosystemId: context.processes.ecosystemId ?? context.session?.ecosystemId ?? null,
                          cursor: null,
                        }),
                        onDone: {
                          target: 'ready',
                          actions: assign({
                            processes: ({ context, event }) => ({
                              ecosystemId:
                                context.processes.ecosystemId ?? context.session?.ecosystemId ?? null,
                              items: event.output.items,
                              nextCursor: event.output.nextCursor,
                              total: event.output.total,
                            }),
                          }),
                        },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { target: 'loadFailed', actions: 'storeError' },
                        ],
                      },
                    },
                    loadFailed: { on: { RETRY: { target: 'loading', actions: 'clearError' } } },
                    ready: {
                      on: {
                        'PROCESSES.MORE': { guard: 'hasMoreProcesses', target: 'loadingMore' },
                        'PROCESS.OPEN': {
                          target: 'detail',
                          actions: [
                            'clearError',
                            assign({ pendingProcessId: ({ event }) => event.processId, processDetail: null }),
                          ],
                        },
                        'ACTIVITY.ECOSYSTEM': {
                          guard: 'activityEcosystemSelectable',
                          target: 'loading',
                          actions: assign({
                            processes: ({ event }) => ({
                              ...EMPTY_PROCESSES,
                              ecosystemId: event.ecosystemId,
                            }),
                          }),
                        },
                      },
                    },
                    loadingMore: {
                      invoke: {
                        id: 'listMoreProcesses',
                        src: 'listProcesses',
                        input: ({ context }) => ({
                          sessionId: context.session?.id ?? '',
                          ecosystemId: context.processes.ecosystemId,
                          cursor: context.processes.nextCursor,
                        }),
                        onDone: {
                          target: 'ready',
                          actions: assign({
                            processes: ({ context, event }) => ({
                              ...context.processes,
                              items: [...context.processes.items, ...event.output.items],
                              nextCursor: event.output.nextCursor,
                              total: event.output.total,
                            }),
                          }),
                        },
                        onError: [
                          { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                          { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                          { target: 'ready', actions: 'storeError' },
                        ],
                      },
                    },
                    /** "See details": the process detail modal. */
                    detail: {
                      initial: 'loading',
                      on: { 'PROCESS.CLOSE': { target: 'ready', actions: assign({ processDetail: null }) } },
                      states: {
                        loading: {
                          invoke: {
                            id: 'getProcess',
                            src: 'getProcess',
                            input: ({ context }) => ({
                              sessionId: context.session?.id ?? '',
                              processId: context.pendingProcessId ?? '',
                            }),
                            onDone: {
                              target: 'open',
                              actions: assign({ processDetail: ({ event }) => event.output }),
                            },
                            onError: [
                              { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                              { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                              { target: '#support.session.flow.steps.activity.ready', actions: 'storeError' },
                            ],
                          },
                        },
                        open: {},
                      },
                    },
                  },
                },
                /** Where dismissing the cancel modal returns: the exact step, deep. */
                resume: { type: 'history', history: 'deep' },
              },
            },
            // ── Cancel: a modal over any step; needs a reason; dismiss goes back ──
            cancelling: {
              initial: 'editing',
              states: {
                editing: {
                  on: {
                    'CANCEL.DISMISS': { target: '#support.session.flow.steps.resume', actions: 'clearError' },
                    'CANCEL.CONFIRM': {
                      guard: 'reasonValid',
                      target: 'submitting',
                      actions: [
                        'clearError',
                        'newRequestKey',
                        assign({ cancelReason: ({ event }) => event.reason }),
                      ],
                    },
                  },
                },
                submitting: {
                  invoke: {
                    id: 'cancelSession',
                    src: 'cancelSession',
                    input: ({ context }) => ({
                      sessionId: context.session?.id ?? '',
                      reason: context.cancelReason ?? '',
                      requestKey: context.requestKey,
                    }),
                    onDone: { target: '#support.cancelled', actions: 'storeSession' },
                    onError: [
                      { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                      { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                      { target: 'editing', actions: 'storeError' },
                    ],
                  },
                },
              },
            },
            finishing: {
              invoke: {
                id: 'completeSession',
                src: 'completeSession',
                input: ({ context }) => ({
                  sessionId: context.session?.id ?? '',
                  requestKey: context.requestKey,
                }),
                onDone: { target: '#support.completed', actions: 'storeSession' },
                onError: [
                  { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                  { target: '#support.failed', actions: 'storeError' },
                ],
              },
            },
          },
        },
        // ── Inactivity: warn before the server's deadline; the server confirms expiry ──
        inactivity: {
          initial: 'watching',
          on: { 'SESSION.REFRESHED': { target: '.watching', reenter: true } },
          states: {
            watching: {
              invoke: {
                id: 'inactivityTimer',
                src: 'inactivityTimer',
                input: ({ context }) => idleDeadlines(context),
              },
              on: { 'IDLE.WARN': 'warning', 'IDLE.DEADLINE': 'confirming' },
            },
            warning: {
              invoke: {
                id: 'inactivityDeadline',
                src: 'inactivityTimer',
                input: ({ context }) => idleDeadlines(context),
              },
              on: {
                STILL_HERE: { target: 'touching', actions: 'newRequestKey' },
                'IDLE.DEADLINE': 'confirming',
              },
            },
            touching: {
              invoke: {
                id: 'touchSession',
                src: 'touchSession',
                input: ({ context }) => ({
                  sessionId: context.session?.id ?? '',
                  requestKey: context.requestKey,
                }),
                onDone: { target: 'watching', actions: 'storeSession' },
                onError: [
                  { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                  { guard: 'errorIsClosed', target: '#support.failed', actions: 'storeError' },
                  { target: 'warning', actions: 'storeError' },
                ],
              },
            },
            /** The local deadline passed: ask the server, whose clock is the truth. */
            confirming: {
              invoke: {
                id: 'confirmExpiry',
                src: 'getSession',
                input: ({ context }) => ({ sessionId: context.session?.id ?? '' }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.session.step === 'expired',
                    target: '#support.expired',
                    actions: 'storeSession',
                  },
                  { target: 'watching', actions: 'storeSession' },
                ],
                onError: [
                  { guard: 'errorIsExpiry', target: '#support.expired', actions: 'storeError' },
                  { target: '#support.failed', actions: 'storeError' },
                ],
              },
            },
          },
        },
      },
    },

    // ── Final states, each with its own message ──
    expired: { type: 'final' },
    cancelled: { type: 'final' },
    lockedOut: { type: 'final' },
    failed: { type: 'final' },
    completed: { type: 'final' },
  },
});

function resendDeadline(context: SupportContext) {
  const session = context.session;
  if (!session?.code) return { since: context.sessionReceivedAt, afterMs: 0 };
  return {
    since: context.sessionReceivedAt,
    afterMs: ms(session.code.resendAvailableAt) - ms(session.serverTime),
  };
}

function idleDeadlines(context: SupportContext) {
  const session = context.session;
  if (!session) return { since: context.sessionReceivedAt, warnAfterMs: 0, expireAfterMs: 0 };
  return {
    since: context.sessionReceivedAt,
    warnAfterMs: ms(session.warnAt) - ms(session.serverTime),
    expireAfterMs: ms(session.expiresAt) - ms(session.serverTime),
  };
}

export type SupportMachine = typeof supportMachine;
