import { type AnyActorRef, createActor } from 'xstate';
import { DEFAULT_CODE_DIGITS } from '../contract/constants.js';
import type {
  AgentStepUp,
  Destination,
  Flow,
  Handoff,
  HandoffState,
  LookupResponse,
  ProcessDetail,
  ProcessSummary,
  SupportSessionView,
} from '../ui.js';
import { createSupportMachineActors } from './actors.js';
import { supportMachine } from './machine.js';
import type { FlowError, PasskeyCeremony, PasskeyProblem, SupportEvent, SupportServices } from './types.js';
import { project, type Snapshot } from './view.js';

/**
 * The facade UI code reads. It is plain data: no XState types leak through it, so the
 * machine can change (or be replaced) without breaking the elements or a host app.
 */
export type SupportView =
  | 'lookup'
  | 'starting'
  | 'loading'
  | 'ecosystem'
  | 'agentCode'
  /** Optional, after the e-mailed agent code passed: "Set up a passkey" (or **Not now**). */
  | 'passkeySetup'
  | 'userCode'
  | 'destinations'
  | 'handoffReady'
  | 'qr'
  | 'activity'
  | 'finishing'
  | FinalView;

/** The views where the flow has ended: each offers only a new request. */
export type FinalView =
  | 'expired'
  | 'cancelled'
  | 'lockedOut'
  | 'failed'
  | 'completed'
  /** Final: the server closed the session because the user (or their membership) is no longer assistable. */
  | 'ineligible'
  /** Final: the user ended the session from the link in their e-mail. */
  | 'endedByUser';

export type SupportCommand =
  | 'submitEmail'
  | 'editEmail'
  | 'startVerification'
  | 'selectEcosystem'
  | 'sendCode'
  | 'resendCode'
  | 'submitCode'
  | 'openDestination'
  | 'regenerateQr'
  | 'emailQr'
  | 'back'
  | 'finish'
  | 'retry'
  | 'openProcess'
  | 'closeProcess'
  | 'loadMoreProcesses'
  | 'switchEcosystem'
  | 'requestCancel'
  | 'dismissCancel'
  | 'confirmCancel'
  | 'stillHere'
  | 'choosePasskey'
  | 'chooseEmailCode'
  | 'startPasskey'
  | 'enrolPasskey'
  | 'skipEnrolment';

export interface SupportFlowState {
  readonly flow: Flow;
  /** The step on screen; while the cancel modal is open, the step it covers. */
  readonly view: SupportView;
  readonly lookupPhase: 'editing' | 'searching' | 'found' | 'notFound' | 'failed' | null;
  readonly codePhase: 'prompt' | 'sending' | 'awaiting' | 'checking' | null;
  readonly qrPhase: 'waiting' | 'claimed' | 'expired' | null;
  readonly activityPhase: 'loading' | 'ready' | 'loadingMore' | 'loadFailed' | null;
  readonly processDetailOpen: boolean;
  readonly cancelModal: { readonly open: boolean; readonly submitting: boolean };
  readonly inactivityWarning: boolean;
  /**
   * The passkey on the agent-code step and on `passkeySetup`: `choosing` (both ways offered),
   * `ready` (the **Use a passkey** / **Set up** button), `preparing` (asking the server for a
   * challenge), `prompting` (the browser's passkey prompt is open), `checking` (the server
   * checks the answer). Null on the e-mailed code's states and every other view.
   */
  readonly passkeyPhase: 'choosing' | 'ready' | 'preparing' | 'prompting' | 'checking' | null;
  /** Why the browser's last passkey prompt gave nothing; cleared by the next try. */
  readonly passkeyProblem: PasskeyProblem | null;
  /** What the session offers the agent on the agent-code step (null before a session). */
  readonly stepUp: AgentStepUp | null;
  /** True while a request of the flow is in flight. */
  readonly pending: boolean;
  readonly error: FlowError | null;
  readonly allowed: ReadonlySet<SupportCommand>;
  /** Destinations the user's role allows, in display order (empty until verified); `allowed` says when they can be opened. */
  readonly destinations: readonly Destination[];
  /** Digits of a well-formed code. */
  readonly codeDigits: number;
  /** The reason the agent gave when cancelling (set once confirmed). */
  readonly cancelReason: string | null;
  readonly email: string | null;
  readonly lookup: LookupResponse | null;
  readonly session: SupportSessionView | null;
  readonly handoff: Handoff | null;
  readonly handoffState: HandoffState | null;
  /** The masked address the shown QR's link was e-mailed to (`emailQr`); null until sent. */
  readonly qrEmailedTo: string | null;
  readonly processes: {
    readonly ecosystemId: string | null;
    readonly items: readonly ProcessSummary[];
    readonly total: number;
    readonly hasMore: boolean;
  };
  readonly processDetail: ProcessDetail | null;
  /** Deadlines on the local clock (epoch ms), already corrected for the server's clock skew. */
  readonly deadlines: {
    readonly sessionExpiresAt: number | null;
    readonly codeExpiresAt: number | null;
    readonly resendAvailableAt: number | null;
    readonly handoffExpiresAt: number | null;
  };
  readonly done: boolean;
}

export interface SupportFlow {
  readonly state: SupportFlowState;
  subscribe(listener: (state: SupportFlowState) => void): () => void;
  start(): void;
  stop(): void;
  submitEmail(email: string): void;
  editEmail(): void;
  startVerification(): void;
  selectEcosystem(ecosystemId: string): void;
  sendCode(): void;
  resendCode(): void;
  submitCode(code: string): void;
  openDestination(destination: Destination): void;
  regenerateQr(): void;
  /** E-mails the shown QR's one-time link to the user's verified address, once. */
  emailQr(): void;
  back(): void;
  finish(): void;
  retry(): void;
  openProcess(processId: string): void;
  closeProcess(): void;
  loadMoreProcesses(): void;
  switchEcosystem(ecosystemId: string): void;
  requestCancel(): void;
  dismissCancel(): void;
  confirmCancel(reason: string): void;
  stillHere(): void;
  /** Agent-code step: verify with a passkey (when both ways are offered). */
  choosePasskey(): void;
  /** Agent-code step: verify with the e-mailed code instead (when it is offered). */
  chooseEmailCode(): void;
  /** Opens the browser's passkey prompt (again, after a problem or a refusal). */
  startPasskey(): void;
  /** `passkeySetup`: creates a passkey on this device, with the agent's optional label. */
  enrolPasskey(name?: string): void;
  /** `passkeySetup`: **Not now**, on to the next step. */
  skipEnrolment(): void;
}

export interface SupportFlowOptions {
  flow: Flow;
  services: SupportServices;
  /** Local clock (epoch ms); injectable for tests. */
  now?: () => number;
  codeDigits?: number;
  /** How often a shown QR asks whether it was claimed. */
  handoffPollMs?: number;
  /**
   * How often a verified session is re-read, so that the agent sees at once that the user ended
   * it (default 5000).
   */
  sessionPollMs?: number;
  /**
   * The browser's WebAuthn ceremonies for the agent's passkey step-up. Without it a passkey
   * prompt ends as `unsupported` (the e-mailed code still works where the server offers it).
   */
  passkeys?: PasskeyCeremony;
}

/** Creates one support flow (one agent, one end user). Call `start()` before sending commands. */
export function createSupportFlow(options: SupportFlowOptions): SupportFlow {
  const machine = supportMachine.provide({ actors: createSupportMachineActors(options) });
  const actor = createActor(machine, {
    input: { flow: options.flow, codeDigits: options.codeDigits ?? DEFAULT_CODE_DIGITS },
  });
  const listeners = new Set<(state: SupportFlowState) => void>();
  let coveredView: SupportView = 'lookup';
  let state = project(actor.getSnapshot(), coveredView);
  let subscription: { unsubscribe(): void } | undefined;

  const refresh = (snapshot: Snapshot) => {
    state = project(snapshot, coveredView);
    if (!state.cancelModal.open) coveredView = state.view;
    for (const listener of listeners) listener(state);
  };
  const send = (event: SupportEvent) => (actor as AnyActorRef).send(event);

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (subscription) return;
      subscription = actor.subscribe({ next: refresh, error: () => refresh(actor.getSnapshot()) });
      actor.start();
      refresh(actor.getSnapshot());
    },
    stop() {
      subscription?.unsubscribe();
      actor.stop();
      listeners.clear();
    },
    submitEmail: (email) => send({ type: 'EMAIL.SUBMIT', email }),
    editEmail: () => send({ type: 'EMAIL.EDIT' }),
    startVerification: () => send({ type: 'START' }),
    selectEcosystem: (ecosystemId) => send({ type: 'ECOSYSTEM.SELECT', ecosystemId }),
    sendCode: () => send({ type: 'CODE.SEND' }),
    resendCode: () => send({ type: 'CODE.RESEND' }),
    submitCode: (code) => send({ type: 'CODE.SUBMIT', code }),
    openDestination: (destination) => send({ type: 'DESTINATION.OPEN', destination }),
    regenerateQr: () => send({ type: 'QR.REGENERATE' }),
    emailQr: () => send({ type: 'QR.EMAIL' }),
    back: () => send({ type: 'BACK' }),
    finish: () => send({ type: 'FINISH' }),
    retry: () => send({ type: 'RETRY' }),
    openProcess: (processId) => send({ type: 'PROCESS.OPEN', processId }),
    closeProcess: () => send({ type: 'PROCESS.CLOSE' }),
    loadMoreProcesses: () => send({ type: 'PROCESSES.MORE' }),
    switchEcosystem: (ecosystemId) => send({ type: 'ACTIVITY.ECOSYSTEM', ecosystemId }),
    requestCancel: () => send({ type: 'CANCEL' }),
    dismissCancel: () => send({ type: 'CANCEL.DISMISS' }),
    confirmCancel: (reason) => send({ type: 'CANCEL.CONFIRM', reason }),
    stillHere: () => send({ type: 'STILL_HERE' }),
    choosePasskey: () => send({ type: 'STEPUP.PASSKEY' }),
    chooseEmailCode: () => send({ type: 'STEPUP.EMAIL' }),
    startPasskey: () => send({ type: 'PASSKEY.START' }),
    enrolPasskey: (name) => send(name ? { type: 'PASSKEY.ENROL', name } : { type: 'PASSKEY.ENROL' }),
    skipEnrolment: () => send({ type: 'PASSKEY.SKIP' }),
  };
}
