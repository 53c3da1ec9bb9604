import { type AnyActorRef, createActor, type SnapshotFrom } from 'xstate';
import { DEFAULT_CODE_DIGITS } from '../contract/constants.js';
import { destinationsForRole } from '../rules/flow.js';
import type {
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
import type { FlowError, SupportEvent, SupportServices } from './types.js';

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
  | 'userCode'
  | 'destinations'
  | 'handoffReady'
  | 'qr'
  | 'activity'
  | 'finishing'
  | 'expired'
  | 'cancelled'
  | 'lockedOut'
  | 'failed'
  | 'completed'
  /** Final: the server closed the session because the user (or their membership) is no longer assistable. */
  | 'ineligible';

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
  | 'stillHere';

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
}

export interface SupportFlowOptions {
  flow: Flow;
  services: SupportServices;
  /** Local clock (epoch ms); injectable for tests. */
  now?: () => number;
  codeDigits?: number;
  /** How often a shown QR asks whether it was claimed. */
  handoffPollMs?: number;
}

type Snapshot = SnapshotFrom<typeof supportMachine>;

const PROBES: ReadonlyArray<[SupportCommand, SupportEvent]> = [
  ['submitEmail', { type: 'EMAIL.SUBMIT', email: 'probe@example.com' }],
  ['editEmail', { type: 'EMAIL.EDIT' }],
  ['startVerification', { type: 'START' }],
  ['sendCode', { type: 'CODE.SEND' }],
  ['resendCode', { type: 'CODE.RESEND' }],
  ['regenerateQr', { type: 'QR.REGENERATE' }],
  ['back', { type: 'BACK' }],
  ['finish', { type: 'FINISH' }],
  ['retry', { type: 'RETRY' }],
  ['closeProcess', { type: 'PROCESS.CLOSE' }],
  ['loadMoreProcesses', { type: 'PROCESSES.MORE' }],
  ['requestCancel', { type: 'CANCEL' }],
  ['dismissCancel', { type: 'CANCEL.DISMISS' }],
  ['confirmCancel', { type: 'CANCEL.CONFIRM', reason: 'probe reason' }],
  ['stillHere', { type: 'STILL_HERE' }],
];

function toLocal(
  iso: string | undefined | null,
  serverTime: string | undefined,
  receivedAt: number,
): number | null {
  if (!iso || !serverTime) return null;
  return receivedAt + (Date.parse(iso) - Date.parse(serverTime));
}

const VIEW_BY_STATE: ReadonlyArray<[string, SupportView]> = [
  ['lookup', 'lookup'],
  ['starting', 'starting'],
  ['session.flow.route', 'loading'],
  ['session.flow.resync', 'loading'],
  ['session.flow.finishing', 'finishing'],
  ['session.flow.steps.ecosystem', 'ecosystem'],
  ['session.flow.steps.agentCode', 'agentCode'],
  ['session.flow.steps.userCode', 'userCode'],
  ['session.flow.steps.assisting.destinations', 'destinations'],
  ['session.flow.steps.assisting.opening', 'destinations'],
  ['session.flow.steps.assisting.linkReady', 'handoffReady'],
  ['session.flow.steps.assisting.qr', 'qr'],
  ['session.flow.steps.activity', 'activity'],
  ['expired', 'expired'],
  ['cancelled', 'cancelled'],
  ['lockedOut', 'lockedOut'],
  ['failed', 'failed'],
  ['completed', 'completed'],
];

function phase<T extends string>(snapshot: Snapshot, prefix: string, phases: readonly T[]): T | null {
  return phases.find((p) => snapshot.matches(path(`${prefix}.${p}`))) ?? null;
}

// `matches` takes a state value object; build it from a dotted path.
function path(dotted: string): Parameters<Snapshot['matches']>[0] {
  const parts = dotted.split('.');
  let value: unknown = parts.pop();
  while (parts.length) value = { [parts.pop() as string]: value };
  return value as Parameters<Snapshot['matches']>[0];
}

function project(snapshot: Snapshot, coveredView: SupportView): SupportFlowState {
  const { context } = snapshot;
  const cancelOpen = snapshot.matches(path('session.flow.cancelling'));
  const matched = cancelOpen
    ? coveredView
    : (VIEW_BY_STATE.find(([state]) => snapshot.matches(path(state)))?.[1] ?? 'loading');
  const view: SupportView =
    matched === 'failed' && context.error?.code === 'user_ineligible' ? 'ineligible' : matched;
  const allowed = new Set<SupportCommand>();
  for (const [command, event] of PROBES) if (snapshot.can(event)) allowed.add(command);
  const session = context.session;
  const lookup = context.lookup;
  if (
    session?.ecosystems[0] &&
    snapshot.can({ type: 'ECOSYSTEM.SELECT', ecosystemId: session.ecosystems[0].id })
  )
    allowed.add('selectEcosystem');
  if (session?.ecosystems.some((e) => snapshot.can({ type: 'ACTIVITY.ECOSYSTEM', ecosystemId: e.id })))
    allowed.add('switchEcosystem');
  if (snapshot.can({ type: 'CODE.SUBMIT', code: '0'.repeat(context.codeDigits) })) allowed.add('submitCode');
  if (snapshot.can({ type: 'PROCESS.OPEN', processId: 'probe' })) allowed.add('openProcess');
  // The role rule, not `can`: the buttons stay visible (disabled) while the cancel modal covers them.
  const destinations =
    session?.step === 'verified' && session.role && context.flow === 'technical-assistance'
      ? destinationsForRole(session.role)
      : [];
  if (destinations.some((destination) => snapshot.can({ type: 'DESTINATION.OPEN', destination })))
    allowed.add('openDestination');
  const pendingStates = [
    'lookup.searching',
    'starting',
    'session.flow.route',
    'session.flow.resync',
    'session.flow.finishing',
    'session.flow.steps.ecosystem.saving',
    'session.flow.steps.agentCode.sending',
    'session.flow.steps.agentCode.checking',
    'session.flow.steps.userCode.sending',
    'session.flow.steps.userCode.checking',
    'session.flow.steps.assisting.opening',
    'session.flow.steps.activity.loading',
    'session.flow.steps.activity.loadingMore',
    'session.flow.steps.activity.detail.loading',
    'session.flow.cancelling.submitting',
    'session.inactivity.touching',
  ];
  const codePrefix = view === 'agentCode' ? 'session.flow.steps.agentCode' : 'session.flow.steps.userCode';
  return {
    flow: context.flow,
    view,
    lookupPhase: phase(snapshot, 'lookup', ['editing', 'searching', 'found', 'notFound', 'failed'] as const),
    codePhase:
      view === 'agentCode' || view === 'userCode'
        ? phase(snapshot, codePrefix, ['prompt', 'sending', 'awaiting', 'checking'] as const)
        : null,
    qrPhase: phase(snapshot, 'session.flow.steps.assisting.qr', ['waiting', 'claimed', 'expired'] as const),
    // The list stays ready behind the detail modal.
    activityPhase: snapshot.matches(path('session.flow.steps.activity.detail'))
      ? 'ready'
      : phase(snapshot, 'session.flow.steps.activity', [
          'loading',
          'ready',
          'loadingMore',
          'loadFailed',
        ] as const),
    processDetailOpen: snapshot.matches(path('session.flow.steps.activity.detail')),
    cancelModal: {
      open: cancelOpen,
      submitting: snapshot.matches(path('session.flow.cancelling.submitting')),
    },
    inactivityWarning: snapshot.matches(path('session.inactivity.warning')),
    pending: pendingStates.some((state) => snapshot.matches(path(state))),
    error: context.error,
    allowed,
    destinations,
    codeDigits: context.codeDigits,
    cancelReason: context.cancelReason,
    email: context.email,
    lookup,
    session,
    handoff: context.handoff,
    handoffState: context.handoffState,
    processes: {
      ecosystemId: context.processes.ecosystemId,
      items: context.processes.items,
      total: context.processes.total,
      hasMore: context.processes.nextCursor !== null,
    },
    processDetail: context.processDetail,
    deadlines: {
      sessionExpiresAt: toLocal(session?.expiresAt, session?.serverTime, context.sessionReceivedAt),
      codeExpiresAt: toLocal(session?.code?.expiresAt, session?.serverTime, context.sessionReceivedAt),
      resendAvailableAt: toLocal(
        session?.code?.resendAvailableAt,
        session?.serverTime,
        context.sessionReceivedAt,
      ),
      handoffExpiresAt: context.handoff ? context.handoffReceivedAt + context.handoff.expiresIn * 1000 : null,
    },
    done: snapshot.status === 'done',
  };
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
  };
}
