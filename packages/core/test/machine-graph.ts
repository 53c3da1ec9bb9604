/**
 * The event space the statechart's path tests explore: the agent's commands and what a server
 * (honest, or lying) answers in each state, and the shortest paths through it per flow.
 */
import type { SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  destinationPage,
  type ErrorCode,
  type Flow,
  firstStep,
  nextStep,
  SupportError,
} from '../src/index.js';
import { type SupportEvent, supportMachine } from '../src/machine.js';
import {
  ASSERTION,
  ATTESTATION,
  ECOSYSTEMS,
  FOUND,
  FOUND_DISABLED,
  IDS,
  iso,
  NOT_FOUND,
  PASSKEY_CREATION,
  PASSKEY_REQUEST,
  PASSKEY_SUMMARY,
  PROCESS,
  sessionView as plainSessionView,
  STEP_UP,
  T0,
} from './fixtures.js';
import { requestInvokes } from './machine-tree.js';

export type Snap = SnapshotFrom<typeof supportMachine>;
// Done/error events of invoked actors are part of the machine's event space at run time.
export type AnyEvent = SupportEvent | { type: string; output?: unknown; error?: unknown };

/** Every request the machine makes, from its definition: a new invoke is answered without editing this test. */
export const INVOKE_IDS = [...new Set(requestInvokes().map((r) => r.id))];

const ERROR_CODES: ErrorCode[] = [
  'session_expired',
  'session_closed',
  'session_ended_by_user',
  'code_invalid',
  'code_locked',
  'wrong_step',
  'upstream_unavailable',
  'passkey_refused',
  'passkey_not_enrolled',
  'step_up_not_allowed',
];

export const done = (id: string, output: unknown): AnyEvent => ({ type: `xstate.done.actor.${id}`, output });
export const failed = (id: string, code: ErrorCode): AnyEvent => ({
  type: `xstate.error.actor.${id}`,
  error: new SupportError(
    code,
    code,
    code === 'code_invalid' || code === 'passkey_refused' ? { attemptsLeft: 2 } : undefined,
  ),
});
export const at = (session: ReturnType<typeof plainSessionView>) => ({ session, receivedAt: T0 });

/**
 * The server's agent step-up mode a exploration runs under: `plain` (a server that says nothing
 * of step-up: the e-mailed code), or one of the passkey modes of issue #17. Each is explored on
 * its own, so that one graph stays small enough to walk.
 */
export type StepUpMode = 'plain' | 'passkey-or-email' | 'passkey';
const MODE_STEP_UP = { 'passkey-or-email': STEP_UP.passkeyOrEmail, passkey: STEP_UP.passkey } as const;

/** What an honest server answers in the current state, plus a few lies a hostile one could tell. */
export function serverAnswers(snapshot: Snap, mode: StepUpMode = 'plain'): AnyEvent[] {
  const { context } = snapshot;
  const { flow, session } = context;
  // Every answer carries the mode's step-up; only a passing e-mailed agent code opens enrolment.
  const stepUp = mode === 'plain' ? undefined : MODE_STEP_UP[mode];
  const sessionView: typeof plainSessionView = (f, step, options = {}) =>
    plainSessionView(f, step, { ...(stepUp ? { agentStepUp: stepUp } : {}), ...options });
  const ecosystemId = session?.ecosystemId ?? null;
  const role = session?.role ?? null;
  const chosen = ECOSYSTEMS.find((e) => e.id === context.processes.ecosystemId);
  const step = session?.step;
  const events: AnyEvent[] = [
    done('lookupUser', FOUND),
    done('lookupUser', FOUND_DISABLED),
    done('lookupUser', NOT_FOUND),
    done('createSession', at(sessionView(flow, firstStep(flow)))),
    // Lie: a server claiming the session is already verified.
    done(
      'createSession',
      at(sessionView(flow, 'verified', { ecosystemId: IDS.ecoAdmin, role: 'administrator' })),
    ),
  ];
  const skipped = () => sessionView(flow, 'verified', { ecosystemId: IDS.ecoAdmin, role: 'administrator' });
  if (session) {
    if (session.agentStepUp?.enrolmentOpen) {
      events.push(
        done('getPasskeyRegistrationOptions', PASSKEY_CREATION),
        done('createPasskey', ATTESTATION),
        done('registerPasskey', PASSKEY_SUMMARY),
      );
    }
    if (chosen && step === 'select_ecosystem') {
      events.push(
        done(
          'selectEcosystem',
          at(
            sessionView(flow, nextStep(flow, 'select_ecosystem') ?? 'verified', {
              ecosystemId: chosen.id,
              role: chosen.role,
            }),
          ),
        ),
      );
    }
    if (step === 'agent_code' || step === 'user_code') {
      const withCode = sessionView(flow, step, { ecosystemId, role, withCode: true });
      events.push(done('sendAgentCode', at(withCode)), done('sendUserCode', at(withCode)));
      const next = sessionView(flow, nextStep(flow, step) ?? 'verified', { ecosystemId, role });
      events.push(done('verifyAgentCode', at(next)), done('verifyUserCode', at(next)));
      if (stepUp?.methods.includes('passkey')) {
        // The e-mailed agent code passed in a session that allows passkeys: enrolment opens.
        const open = { ...stepUp, passkeyEnrolled: false, enrolmentOpen: true };
        events.push(
          done(
            'verifyAgentCode',
            at(plainSessionView(flow, next.step, { ecosystemId, role, agentStepUp: open })),
          ),
          done('getAgentPasskeyOptions', PASSKEY_REQUEST),
          done('promptAgentPasskey', ASSERTION),
          done('verifyAgentPasskey', at(next)),
          // Lie: the passkey check skips the user's code.
          done('verifyAgentPasskey', at(skipped())),
        );
      }
      // Lie: the server skips straight to verified after one code.
      events.push(done('verifyAgentCode', at(skipped())), done('verifyUserCode', at(skipped())));
    }
    events.push(
      done('resyncSession', at(session)),
      done('resyncSession', at(sessionView(flow, 'ended_by_user'))),
      done('touchSession', at(session)),
      done('confirmExpiry', at(session)),
      done('confirmExpiry', at(sessionView(flow, 'expired'))),
      done('confirmExpiry', at(sessionView(flow, 'ended_by_user'))),
      done('cancelSession', at(sessionView(flow, 'cancelled'))),
      done('completeSession', at(sessionView(flow, 'completed'))),
      done('listProcesses', { items: [PROCESS], nextCursor: 'page2', total: 2 }),
      done('listMoreProcesses', { items: [{ ...PROCESS, id: IDS.handoff }], nextCursor: null, total: 2 }),
      done('getProcess', {
        ...PROCESS,
        detail: 'Rejected',
        reason: 'Documents expired',
        decidedBy: 'Waizant',
        decidedAt: iso(T0),
      }),
    );
    const destination = context.pendingDestination;
    if (destination && role) {
      events.push(
        done('createHandoff', {
          handoff: {
            id: IDS.handoff,
            destination,
            page: destinationPage(role, destination),
            link: 'https://web.waizant.example/assist#token=AAAAAAAAAAAAAAAAAAAAAA',
            expiresAt: iso(T0 + 120_000),
            expiresIn: 120,
          },
          receivedAt: T0,
        }),
      );
    }
    if (context.handoff?.destination === 'app') {
      events.push(done('emailQr', { id: IDS.handoff, sentTo: 'a***z@example.com', emailedAt: iso(T0) }));
    }
  }
  for (const id of INVOKE_IDS) for (const code of ERROR_CODES) events.push(failed(id, code));
  // Only actors running in this state can answer; the rest would be ignored anyway.
  const running = new Set(Object.keys(snapshot.children));
  const answers = events.filter((event) => running.has(event.type.split('.').slice(3).join('.')));
  // The session watcher reads the session as someone else left it: still open, or ended by the user.
  if (running.has('watchSession') && session) answers.push(...watcherReads(flow, session));
  return answers;
}

export function watcherReads(flow: Flow, session: NonNullable<Snap['context']['session']>): AnyEvent[] {
  return [
    { type: 'SESSION.POLLED', output: at(session) },
    { type: 'SESSION.POLLED', output: at(plainSessionView(flow, 'ended_by_user')) },
    { type: 'SESSION.POLLED', output: at(plainSessionView(flow, 'cancelled')) },
  ];
}

const AGENT_COMMANDS: AnyEvent[] = [
  { type: 'EMAIL.SUBMIT', email: 'ana.perez@example.com' },
  { type: 'EMAIL.SUBMIT', email: 'not an email' },
  { type: 'EMAIL.EDIT' },
  { type: 'START' },
  { type: 'ECOSYSTEM.SELECT', ecosystemId: IDS.ecoAdmin },
  { type: 'ECOSYSTEM.SELECT', ecosystemId: IDS.ecoManaged },
  { type: 'ECOSYSTEM.SELECT', ecosystemId: IDS.ecoInherited },
  { type: 'ECOSYSTEM.SELECT', ecosystemId: IDS.process },
  { type: 'CODE.SEND' },
  { type: 'CODE.RESEND' },
  { type: 'CODE.SUBMIT', code: '123456' },
  { type: 'CODE.SUBMIT', code: '12345a' },
  { type: 'DESTINATION.OPEN', destination: 'store' },
  { type: 'DESTINATION.OPEN', destination: 'web' },
  { type: 'DESTINATION.OPEN', destination: 'app' },
  { type: 'QR.REGENERATE' },
  { type: 'QR.EMAIL' },
  { type: 'BACK' },
  { type: 'FINISH' },
  { type: 'RETRY' },
  { type: 'PROCESS.OPEN', processId: IDS.process },
  { type: 'PROCESS.CLOSE' },
  { type: 'PROCESSES.MORE' },
  { type: 'ACTIVITY.ECOSYSTEM', ecosystemId: IDS.ecoInherited },
  { type: 'CANCEL' },
  { type: 'CANCEL.DISMISS' },
  { type: 'CANCEL.CONFIRM', reason: 'no' },
  { type: 'CANCEL.CONFIRM', reason: 'The user hung up' },
  { type: 'STILL_HERE' },
  { type: 'STEPUP.PASSKEY' },
  { type: 'STEPUP.EMAIL' },
  { type: 'PASSKEY.START' },
  { type: 'PASSKEY.ENROL', name: 'Work laptop' },
  { type: 'PASSKEY.SKIP' },
  { type: 'IDLE.WARN' },
  { type: 'IDLE.DEADLINE' },
  { type: 'COUNTDOWN.DONE' },
  { type: 'HANDOFF.CLAIMED' },
  { type: 'HANDOFF.EXPIRED' },
];

/**
 * Only what guards and views depend on. Counters (attempts, resends, item totals) enter only as
 * what a guard reads of them, and random keys stay out, or the graph never closes.
 */
function serializeState(snapshot: Snap): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    snapshot.status,
    c.session?.step ?? null,
    c.session?.role ?? null,
    c.session?.code ? 'code' : null,
    c.session?.agentStepUp?.enrolmentOpen ?? null,
    c.stepUpMethod,
    c.enrolmentOffer,
    (c.session?.code?.resendsLeft ?? 0) > 0,
    c.verified,
    c.sendAgentCodeOnArrival,
    c.lookup?.found === true ? c.lookup.eligible : c.lookup ? 'none' : null,
    c.processes.ecosystemId,
    c.processes.nextCursor,
    c.pendingDestination,
    c.handoff?.destination ?? null,
  ]);
}

export type Paths = ReturnType<typeof getShortestPaths<typeof supportMachine>>;
export interface Explored {
  paths: Paths;
}

const explored = new Map<string, Paths>();

/** Every shortest path of a flow under a step-up mode; a final state ends a path. Built once per run. */
export function explore(flow: Flow, mode: StepUpMode = 'plain'): Paths {
  const key = `${flow}:${mode}`;
  let paths = explored.get(key);
  if (!paths) {
    paths = getShortestPaths(supportMachine, {
      input: { flow },
      events: (snapshot) => [...AGENT_COMMANDS, ...serverAnswers(snapshot, mode)] as SupportEvent[],
      serializeState: (snapshot) => serializeState(snapshot),
      stopWhen: (snapshot) => snapshot.status === 'done',
    });
    explored.set(key, paths);
  }
  return paths;
}
