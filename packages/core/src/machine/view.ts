import type { SnapshotFrom } from 'xstate';
import { destinationsForRole } from '../rules/flow.js';
import type { Destination } from '../ui.js';
import type { SupportCommand, SupportFlowState, SupportView } from './facade.js';
import type { supportMachine } from './machine.js';
import type { StateMeta, SupportEvent } from './types.js';

export type Snapshot = SnapshotFrom<typeof supportMachine>;

const PROBES: ReadonlyArray<[SupportCommand, SupportEvent]> = [
  ['submitEmail', { type: 'EMAIL.SUBMIT', email: 'probe@example.com' }],
  ['editEmail', { type: 'EMAIL.EDIT' }],
  ['startVerification', { type: 'START' }],
  ['sendCode', { type: 'CODE.SEND' }],
  ['resendCode', { type: 'CODE.RESEND' }],
  ['regenerateQr', { type: 'QR.REGENERATE' }],
  ['emailQr', { type: 'QR.EMAIL' }],
  ['back', { type: 'BACK' }],
  ['finish', { type: 'FINISH' }],
  ['retry', { type: 'RETRY' }],
  ['closeProcess', { type: 'PROCESS.CLOSE' }],
  ['loadMoreProcesses', { type: 'PROCESSES.MORE' }],
  ['requestCancel', { type: 'CANCEL' }],
  ['dismissCancel', { type: 'CANCEL.DISMISS' }],
  ['confirmCancel', { type: 'CANCEL.CONFIRM', reason: 'probe reason' }],
  ['stillHere', { type: 'STILL_HERE' }],
  ['choosePasskey', { type: 'STEPUP.PASSKEY' }],
  ['chooseEmailCode', { type: 'STEPUP.EMAIL' }],
  ['startPasskey', { type: 'PASSKEY.START' }],
  ['enrolPasskey', { type: 'PASSKEY.ENROL' }],
  ['skipEnrolment', { type: 'PASSKEY.SKIP' }],
];

function toLocal(
  iso: string | undefined | null,
  serverTime: string | undefined,
  receivedAt: number,
): number | null {
  if (!iso || !serverTime) return null;
  return receivedAt + (Date.parse(iso) - Date.parse(serverTime));
}

/**
 * What the active states say about the screen, from their `meta`. Each field is set by at most
 * one active state (the statechart's meta test checks it), so merging in any order is exact.
 */
export function stateMeta(snapshot: Snapshot): StateMeta {
  return Object.assign({}, ...Object.values(snapshot.getMeta())) as StateMeta;
}

function allowedCommands(snapshot: Snapshot, destinations: readonly Destination[]): Set<SupportCommand> {
  const { context } = snapshot;
  const session = context.session;
  const allowed = new Set<SupportCommand>();
  for (const [command, event] of PROBES) if (snapshot.can(event)) allowed.add(command);
  if (
    session?.ecosystems[0] &&
    snapshot.can({ type: 'ECOSYSTEM.SELECT', ecosystemId: session.ecosystems[0].id })
  )
    allowed.add('selectEcosystem');
  if (session?.ecosystems.some((e) => snapshot.can({ type: 'ACTIVITY.ECOSYSTEM', ecosystemId: e.id })))
    allowed.add('switchEcosystem');
  if (snapshot.can({ type: 'CODE.SUBMIT', code: '0'.repeat(context.codeDigits) })) allowed.add('submitCode');
  if (snapshot.can({ type: 'PROCESS.OPEN', processId: 'probe' })) allowed.add('openProcess');
  if (destinations.some((destination) => snapshot.can({ type: 'DESTINATION.OPEN', destination })))
    allowed.add('openDestination');
  return allowed;
}

/** The facade's plain-data state for a snapshot; `coveredView` is what the cancel modal covers. */
export function project(snapshot: Snapshot, coveredView: SupportView): SupportFlowState {
  const { context } = snapshot;
  const meta = stateMeta(snapshot);
  const cancelOpen = meta.cancelModal !== undefined;
  const matched = cancelOpen ? coveredView : (meta.view ?? 'loading');
  const view: SupportView =
    matched === 'failed' && context.error?.code === 'user_ineligible' ? 'ineligible' : matched;
  const session = context.session;
  // The role rule, not `can`: the buttons stay visible (disabled) while the cancel modal covers them.
  const destinations =
    session?.step === 'verified' && session.role && context.flow === 'technical-assistance'
      ? destinationsForRole(session.role)
      : [];
  return {
    flow: context.flow,
    view,
    lookupPhase: meta.lookupPhase ?? null,
    codePhase: meta.codePhase ?? null,
    qrPhase: meta.qrPhase ?? null,
    activityPhase: meta.activityPhase ?? null,
    processDetailOpen: meta.processDetailOpen === true,
    cancelModal: { open: cancelOpen, submitting: meta.cancelModal === 'submitting' },
    inactivityWarning: meta.inactivityWarning === true,
    passkeyPhase: meta.passkeyPhase ?? null,
    passkeyProblem: context.passkeyProblem,
    stepUp: session?.agentStepUp ?? null,
    pending: snapshot.hasTag('pending'),
    error: context.error,
    allowed: allowedCommands(snapshot, destinations),
    destinations,
    codeDigits: context.codeDigits,
    cancelReason: context.cancelReason,
    email: context.email,
    lookup: context.lookup,
    session,
    handoff: context.handoff,
    handoffState: context.handoffState,
    qrEmailedTo: context.qrEmailedTo,
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
