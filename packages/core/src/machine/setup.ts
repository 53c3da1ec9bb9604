import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { HandoffEmail, LookupResponse, ProcessDetail, ProcessPage } from '../contract/api.js';
import { type ErrorCode, isSupportError, SupportError } from '../contract/errors.js';
import type {
  PasskeyAssertion,
  PasskeyAttestation,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
  PasskeySummary,
} from '../contract/passkeys.js';
import type { CodePurpose, Destination } from '../contract/primitives.js';
import { CancelReason, Email, verificationCode } from '../contract/primitives.js';
import { isClosedStep, isDestinationAllowed, selectableEcosystems } from '../rules/flow.js';
import { createTimerActors } from './timers.js';
import type {
  FlowError,
  HandoffResult,
  PasskeyProblem,
  SessionResult,
  StateMeta,
  StateTag,
  SupportContext,
  SupportEvent,
  SupportInput,
} from './types.js';

function unprovided(name: string): never {
  throw new SupportError('internal', `The support flow was created without its "${name}" actor.`);
}

/** A request actor the host provides; until then it fails with a typed error. */
const request = <TOutput, TInput>(name: string) => fromPromise<TOutput, TInput>(async () => unprovided(name));

type SessionCommandInput = { sessionId: string; requestKey: string };

/**
 * The statechart's actors with their input and output types: the one definition both the
 * machine's invokes and `createSupportMachineActors` are typed from.
 */
export const machineActors = {
  lookup: request<LookupResponse, { email: string; requestKey: string }>('lookup'),
  createSession: request<SessionResult, { userId: string; requestKey: string }>('createSession'),
  getSession: request<SessionResult, { sessionId: string }>('getSession'),
  selectEcosystem: request<SessionResult, SessionCommandInput & { ecosystemId: string }>('selectEcosystem'),
  sendCode: request<SessionResult, SessionCommandInput & { purpose: CodePurpose }>('sendCode'),
  verifyCode: request<SessionResult, SessionCommandInput & { purpose: CodePurpose; code: string }>(
    'verifyCode',
  ),
  createHandoff: request<HandoffResult, SessionCommandInput & { destination: Destination }>('createHandoff'),
  emailQr: request<HandoffEmail, SessionCommandInput & { handoffId: string; token: string }>('emailQr'),
  /** Watches a handoff until it is claimed or expires; sends HANDOFF.CLAIMED / HANDOFF.EXPIRED. */
  watchHandoff: fromCallback<
    SupportEvent,
    { sessionId: string; handoffId: string; since: number; expireAfterMs: number }
  >(() => unprovided('watchHandoff')),
  /**
   * Re-reads a verified session every few seconds, so that a session closed elsewhere (the user
   * followed their end link) reaches the agent's view; sends SESSION.POLLED with a closed session.
   */
  watchSession: fromCallback<SupportEvent, { sessionId: string }>(() => unprovided('watchSession')),
  touchSession: request<SessionResult, SessionCommandInput>('touchSession'),
  cancelSession: request<SessionResult, SessionCommandInput & { reason: string }>('cancelSession'),
  completeSession: request<SessionResult, SessionCommandInput>('completeSession'),
  listProcesses: request<
    ProcessPage,
    { sessionId: string; ecosystemId: string | null; cursor: string | null }
  >('listProcesses'),
  getProcess: request<ProcessDetail, { sessionId: string; processId: string }>('getProcess'),
  agentPasskeyOptions: request<PasskeyRequestOptions, SessionCommandInput>('agentPasskeyOptions'),
  verifyAgentPasskey: request<SessionResult, SessionCommandInput & { credential: PasskeyAssertion }>(
    'verifyAgentPasskey',
  ),
  passkeyRegistrationOptions: request<PasskeyCreationOptions, SessionCommandInput>(
    'passkeyRegistrationOptions',
  ),
  registerPasskey: request<
    PasskeySummary,
    SessionCommandInput & { credential: PasskeyAttestation; name: string | undefined }
  >('registerPasskey'),
  /** The browser's WebAuthn ceremonies (see `PasskeyCeremony`): sign a challenge, create a passkey. */
  passkeyPrompt: request<PasskeyAssertion, { options: PasskeyRequestOptions }>('passkeyPrompt'),
  passkeyCreate: request<PasskeyAttestation, { options: PasskeyCreationOptions }>('passkeyCreate'),
  ...createTimerActors(),
};
export type MachineActors = typeof machineActors;

export function toFlowError(error: unknown): FlowError {
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

/** What a refused WebAuthn ceremony means to a person, from its `DOMException` name. */
export function passkeyProblemOf(error: unknown): PasskeyProblem {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    // Closed, timed out, or no passkey for this site on this device: browsers say the same.
    case 'NotAllowedError':
    case 'AbortError':
      return 'cancelled';
    case 'SecurityError':
      return 'wrongOrigin';
    case 'NotSupportedError':
      return 'unsupported';
    case 'InvalidStateError':
      return 'alreadyRegistered';
    default:
      return 'failed';
  }
}

const stepUp = (context: SupportContext) => context.session?.agentStepUp;
const passkeyOffered = (context: SupportContext) => stepUp(context)?.methods.includes('passkey') === true;
// A server that says nothing of step-up offers the e-mailed code (the default mode).
const emailCodeOffered = (context: SupportContext) => stepUp(context)?.methods.includes('email_code') ?? true;

function errorCodeOf(event: unknown): ErrorCode | null {
  const error = (event as { error?: unknown }).error;
  return isSupportError(error) ? error.code : null;
}

/** 128 random bits, hex. `getRandomValues` (unlike `randomUUID`) also works on plain-http pages. */
export function newRequestKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const EMPTY_PROCESSES: SupportContext['processes'] = {
  ecosystemId: null,
  items: [],
  nextCursor: null,
  total: 0,
};

const selectable = (context: SupportContext, ecosystemId: string) =>
  context.session !== null &&
  selectableEcosystems(context.flow, context.session.ecosystems).some((e) => e.id === ecosystemId);

const bothCodesSeen = (context: SupportContext) => context.verified.agent && context.verified.user;

export const supportSetup = setup({
  types: {
    context: {} as SupportContext,
    events: {} as SupportEvent,
    input: {} as SupportInput,
    tags: {} as StateTag,
    meta: {} as StateMeta,
  },
  actors: machineActors,
  guards: {
    emailWellFormed: ({ event }) => event.type === 'EMAIL.SUBMIT' && Email.safeParse(event.email).success,
    userFound: ({ event }) => (event as { output?: LookupResponse }).output?.found === true,
    eligible: ({ context }) => context.lookup?.found === true && context.lookup.eligible,
    ecosystemSelectable: ({ context, event }) =>
      event.type === 'ECOSYSTEM.SELECT' && selectable(context, event.ecosystemId),
    activityEcosystemSelectable: ({ context, event }) =>
      event.type === 'ACTIVITY.ECOSYSTEM' && selectable(context, event.ecosystemId),
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
      bothCodesSeen(context),
    verifiedForActivity: ({ context }) =>
      context.session?.step === 'verified' && context.flow === 'ecosystem-admin' && bothCodesSeen(context),
    sessionClosedAsExpired: ({ context }) => context.session?.step === 'expired',
    sessionClosedAsCancelled: ({ context }) => context.session?.step === 'cancelled',
    sessionClosedAsLocked: ({ context }) => context.session?.step === 'locked',
    sessionClosedAsCompleted: ({ context }) => context.session?.step === 'completed',
    sessionClosedAsIneligible: ({ context }) => context.session?.step === 'ineligible',
    sessionClosedAsEndedByUser: ({ context }) => context.session?.step === 'ended_by_user',
    /** The watcher read the session closed (by the user, expiry, another tab): `route` decides the ending. */
    polledSessionClosed: ({ event }) =>
      event.type === 'SESSION.POLLED' && isClosedStep(event.output.session.step),
    /** A request that read the session (e.g. the inactivity check) found it closed. */
    readSessionClosed: ({ event }) => {
      const output = (event as { output?: Partial<SessionResult> }).output;
      return output?.session !== undefined && isClosedStep(output.session.step);
    },
    errorIsExpiry: ({ event }) => errorCodeOf(event) === 'session_expired',
    // A session closed for an ineligible user ends in `failed` too; the facade shows it as its own view.
    errorIsClosed: ({ event }) => {
      const code = errorCodeOf(event);
      return code === 'session_closed' || code === 'user_ineligible';
    },
    errorIsEndedByUser: ({ event }) => errorCodeOf(event) === 'session_ended_by_user',
    errorIsLocked: ({ event }) => errorCodeOf(event) === 'code_locked',
    errorIsWrongStep: ({ event }) => errorCodeOf(event) === 'wrong_step',
    // The agent's step-up: which way the agent-code step goes, from the session's `agentStepUp`.
    emailCodeOffered: ({ context }) => emailCodeOffered(context),
    passkeyChosen: ({ context }) =>
      passkeyOffered(context) && (context.stepUpMethod === 'passkey' || !emailCodeOffered(context)),
    stepUpChoiceNeeded: ({ context }) =>
      passkeyOffered(context) && emailCodeOffered(context) && context.stepUpMethod === null,
    passkeyOffered: ({ context }) => passkeyOffered(context),
    enrolmentPending: ({ context }) => context.enrolmentOffer,
    /** The e-mailed code just passed, passkeys are allowed and this agent has none yet. */
    enrolmentOffered: ({ event }) => {
      // Read from the answer being handled: guards run before its `storeSession`.
      const offered = (event as { output?: SessionResult }).output?.session.agentStepUp;
      return offered?.enrolmentOpen === true && offered.passkeyEnrolled === false;
    },
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
    storeHandoff: assign(({ event }) => {
      const { handoff, receivedAt } = (event as unknown as { output: HandoffResult }).output;
      return { handoff, handoffReceivedAt: receivedAt, handoffState: 'pending' as const };
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
    clearPendingCode: assign({ pendingCode: null }),
    /** Set only by a passing check of that step; the client never trusts a step it did not see pass. */
    markAgentVerified: assign({
      verified: ({ context }) => ({ ...context.verified, agent: true }),
      // The choice matters only on the agent's step, which is now behind.
      stepUpMethod: null,
    }),
    markUserVerified: assign({ verified: ({ context }) => ({ ...context.verified, user: true }) }),
    /** "Set up a passkey" comes before the next step, once; skipping or saving drops it. */
    offerEnrolment: assign({ enrolmentOffer: true }),
    closeEnrolment: assign({ enrolmentOffer: false }),
    choosePasskey: assign({ stepUpMethod: 'passkey' as const }),
    chooseEmailCode: assign({ stepUpMethod: 'email_code' as const }),
    storePasskeyProblem: assign({
      passkeyProblem: ({ event }) => passkeyProblemOf((event as { error?: unknown }).error),
    }),
    /** Drops what a passkey ceremony left behind (options, signed answers, the last problem). */
    clearPasskey: assign({
      passkeyRequest: null,
      passkeyCreation: null,
      pendingAssertion: null,
      pendingAttestation: null,
      passkeyProblem: null,
    }),
  },
});
