import type {
  CodePurpose,
  CreateSessionRequest,
  Destination,
  ErrorCode,
  Flow,
  Handoff,
  HandoffEmail,
  HandoffState,
  HandoffStatus,
  IneligibleReason,
  LookupRequest,
  LookupResponse,
  PasskeyAssertion,
  PasskeyAttestation,
  PasskeyCreationOptions,
  PasskeyList,
  PasskeyRequestOptions,
  PasskeySummary,
  ProcessDetail,
  ProcessListQuery,
  ProcessPage,
  ProcessSummary,
  StepUpMethod,
  SupportSessionView,
} from '../ui.js';
import type { SupportFlowState, SupportView } from './facade.js';

/** What every service call receives: a signal to abort it and, for commands, an idempotency key. */
export interface CallOptions {
  readonly signal: AbortSignal;
  /** Stable across retries of one command, so a repeated POST has one effect on the server. */
  readonly idempotencyKey?: string;
}

/**
 * The I/O the support flow needs. The elements implement it over HTTP; a backend can
 * implement it by calling the server's services directly. Failures reject with a
 * `SupportError` carrying a contract error code.
 */
export interface SupportServices {
  lookup(request: LookupRequest, options: CallOptions): Promise<LookupResponse>;
  createSession(request: CreateSessionRequest, options: CallOptions): Promise<SupportSessionView>;
  getSession(sessionId: string, options: CallOptions): Promise<SupportSessionView>;
  selectEcosystem(sessionId: string, ecosystemId: string, options: CallOptions): Promise<SupportSessionView>;
  sendCode(sessionId: string, purpose: CodePurpose, options: CallOptions): Promise<SupportSessionView>;
  verifyCode(
    sessionId: string,
    purpose: CodePurpose,
    code: string,
    options: CallOptions,
  ): Promise<SupportSessionView>;
  createHandoff(sessionId: string, destination: Destination, options: CallOptions): Promise<Handoff>;
  getHandoff(sessionId: string, handoffId: string, options: CallOptions): Promise<HandoffStatus>;
  /** E-mails the App link (`token`: the one in its fragment) and its QR code to the user, once. */
  emailHandoff(
    sessionId: string,
    handoffId: string,
    token: string,
    options: CallOptions,
  ): Promise<HandoffEmail>;
  touch(sessionId: string, options: CallOptions): Promise<SupportSessionView>;
  cancel(sessionId: string, reason: string, options: CallOptions): Promise<SupportSessionView>;
  complete(sessionId: string, options: CallOptions): Promise<SupportSessionView>;
  listProcesses(sessionId: string, query: ProcessListQuery, options: CallOptions): Promise<ProcessPage>;
  getProcess(sessionId: string, processId: string, options: CallOptions): Promise<ProcessDetail>;
  // The agent's passkey step-up. Optional: a `SupportServices` without them behaves as a server
  // in the default `email-code` mode (the flow answers `step_up_not_allowed`).
  agentPasskeyOptions?(sessionId: string, options: CallOptions): Promise<PasskeyRequestOptions>;
  verifyAgentPasskey?(
    sessionId: string,
    credential: PasskeyAssertion,
    options: CallOptions,
  ): Promise<SupportSessionView>;
  passkeyRegistrationOptions?(sessionId: string, options: CallOptions): Promise<PasskeyCreationOptions>;
  registerPasskey?(
    sessionId: string,
    credential: PasskeyAttestation,
    name: string | undefined,
    options: CallOptions,
  ): Promise<PasskeySummary>;
  /** The calling agent's own passkeys. */
  listPasskeys?(options: CallOptions): Promise<PasskeyList>;
  /** Removes one of the calling agent's passkeys; answers what remains. */
  removePasskey?(passkeyId: string, options: CallOptions): Promise<PasskeyList>;
}

/**
 * The browser's WebAuthn ceremonies, injected so that core stays free of the DOM (the elements
 * provide one over `@simplewebauthn/browser`; tests provide a fake authenticator). A refusal
 * rejects with an error whose `name` is the WebAuthn `DOMException` name (`NotAllowedError`,
 * `SecurityError`, …).
 */
export interface PasskeyCeremony {
  authenticate(options: PasskeyRequestOptions, signal: AbortSignal): Promise<PasskeyAssertion>;
  register(options: PasskeyCreationOptions, signal: AbortSignal): Promise<PasskeyAttestation>;
}

/**
 * Why the browser's passkey prompt gave nothing, in words a person understands:
 * `cancelled` — the prompt was closed, or this device has no passkey for this site (browsers
 * do not tell the two apart); `wrongOrigin` — the page's address does not match the server's
 * passkey configuration; `unsupported` — no WebAuthn here; `alreadyRegistered` — this
 * authenticator already holds one of the agent's passkeys; `failed` — anything else.
 */
export type PasskeyProblem = 'cancelled' | 'wrongOrigin' | 'unsupported' | 'alreadyRegistered' | 'failed';

export interface FlowError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly attemptsLeft?: number;
  readonly retryAfterSeconds?: number;
  /** With `user_ineligible`: why the user can no longer be assisted. */
  readonly ineligibleReason?: IneligibleReason;
}

export interface SupportContext {
  readonly flow: Flow;
  readonly codeDigits: number;
  email: string | null;
  lookup: LookupResponse | null;
  session: SupportSessionView | null;
  /** Local clock (ms) when `session` arrived: with `session.serverTime` it corrects clock skew. */
  sessionReceivedAt: number;
  /** Set only by a successful verify of each code; the client never trusts a step it did not see pass. */
  verified: { agent: boolean; user: boolean };
  /** Ecosystem Admin: choosing the ecosystem also sends the agent's code ("Send verification Code"). */
  sendAgentCodeOnArrival: boolean;
  error: FlowError | null;
  /** The code being checked; kept only until the check answers. */
  pendingCode: string | null;
  pendingDestination: Destination | null;
  handoff: Handoff | null;
  handoffReceivedAt: number;
  handoffState: HandoffState | null;
  /** The masked address the shown QR's link was e-mailed to; null until sent. */
  qrEmailedTo: string | null;
  processes: {
    ecosystemId: string | null;
    items: ProcessSummary[];
    nextCursor: string | null;
    total: number;
  };
  pendingProcessId: string | null;
  processDetail: ProcessDetail | null;
  cancelReason: string | null;
  /** The e-mailed agent code just passed with enrolment open: "Set up a passkey" comes next. */
  enrolmentOffer: boolean;
  /** The step-up the agent chose on the agent-code step; null until chosen. */
  stepUpMethod: StepUpMethod | null;
  /** The WebAuthn options of the ceremony under way, kept only until it answers. */
  passkeyRequest: PasskeyRequestOptions | null;
  passkeyCreation: PasskeyCreationOptions | null;
  /** The signed assertion or new credential, kept only until the server answers. */
  pendingAssertion: PasskeyAssertion | null;
  pendingAttestation: PasskeyAttestation | null;
  /** The agent's label for the passkey being set up. */
  passkeyName: string | null;
  passkeyProblem: PasskeyProblem | null;
  /** Idempotency key of the command in flight; kept when a modal interrupts and history resumes it. */
  requestKey: string;
}

export type SupportEvent =
  | { type: 'EMAIL.SUBMIT'; email: string }
  | { type: 'EMAIL.EDIT' }
  | { type: 'START' }
  | { type: 'ECOSYSTEM.SELECT'; ecosystemId: string }
  | { type: 'CODE.SEND' }
  | { type: 'CODE.RESEND' }
  | { type: 'CODE.SUBMIT'; code: string }
  | { type: 'DESTINATION.OPEN'; destination: Destination }
  | { type: 'QR.REGENERATE' }
  | { type: 'QR.EMAIL' }
  | { type: 'BACK' }
  | { type: 'FINISH' }
  | { type: 'RETRY' }
  | { type: 'PROCESS.OPEN'; processId: string }
  | { type: 'PROCESS.CLOSE' }
  | { type: 'PROCESSES.MORE' }
  | { type: 'ACTIVITY.ECOSYSTEM'; ecosystemId: string }
  | { type: 'CANCEL' }
  | { type: 'CANCEL.DISMISS' }
  | { type: 'CANCEL.CONFIRM'; reason: string }
  | { type: 'STILL_HERE' }
  | { type: 'STEPUP.PASSKEY' }
  | { type: 'STEPUP.EMAIL' }
  | { type: 'PASSKEY.START' }
  | { type: 'PASSKEY.ENROL'; name?: string }
  | { type: 'PASSKEY.SKIP' }
  // Sent by the timer and watcher actors.
  | { type: 'IDLE.WARN' }
  | { type: 'IDLE.DEADLINE' }
  | { type: 'COUNTDOWN.DONE' }
  | { type: 'HANDOFF.CLAIMED' }
  | { type: 'HANDOFF.EXPIRED' }
  | { type: 'SESSION.POLLED'; output: SessionResult }
  | { type: 'SESSION.REFRESHED' };

export interface SupportInput {
  flow: Flow;
  /** Digits of a well-formed code; the server has the last word. */
  codeDigits?: number;
}

/** What the session-returning actors output: the view and the local time it arrived. */
export interface SessionResult {
  session: SupportSessionView;
  receivedAt: number;
}

export interface HandoffResult {
  handoff: Handoff;
  receivedAt: number;
}

/**
 * What a state node tells the facade, in its `meta`. Along any active path from the root each
 * field is set by at most one node, so the facade merges the active nodes' meta without caring
 * about their order (the statechart's meta test checks this).
 */
export interface StateMeta {
  /** The view this state (and every state under it) renders. */
  readonly view?: SupportView;
  readonly lookupPhase?: NonNullable<SupportFlowState['lookupPhase']>;
  readonly codePhase?: NonNullable<SupportFlowState['codePhase']>;
  readonly qrPhase?: NonNullable<SupportFlowState['qrPhase']>;
  readonly activityPhase?: NonNullable<SupportFlowState['activityPhase']>;
  readonly processDetailOpen?: true;
  /** The cancel modal, open over the step it covers. */
  readonly cancelModal?: 'editing' | 'submitting';
  readonly inactivityWarning?: true;
  readonly passkeyPhase?: NonNullable<SupportFlowState['passkeyPhase']>;
}

/** `pending`: a request of the flow is in flight. */
export type StateTag = 'pending';
