/**
 * Path-based tests of the support statechart with `xstate/graph`. The actors never run:
 * their answers are fed in as `xstate.done.actor.<id>` / `xstate.error.actor.<id>` events,
 * including answers a broken or hostile server could give, so the traversal explores every
 * state the machine can reach from any sequence of agent commands and server answers.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { getNextSnapshot, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  destinationPage,
  destinationsForRole,
  type ErrorCode,
  type Flow,
  firstStep,
  nextStep,
  SupportError,
} from '../src/index.js';
import { stateMeta } from '../src/machine/view.js';
import { type SupportEvent, supportMachine } from '../src/machine.js';
import {
  ECOSYSTEMS,
  FOUND,
  FOUND_DISABLED,
  IDS,
  iso,
  NOT_FOUND,
  PROCESS,
  sessionView,
  T0,
} from './fixtures.js';
import { pathOf, requestInvokes, restingLeaves } from './machine-tree.js';

type Snap = SnapshotFrom<typeof supportMachine>;
// Done/error events of invoked actors are part of the machine's event space at run time.
type AnyEvent = SupportEvent | { type: string; output?: unknown; error?: unknown };

/** Every request the machine makes, from its definition: a new invoke is answered without editing this test. */
const INVOKE_IDS = [...new Set(requestInvokes().map((r) => r.id))];

const ERROR_CODES: ErrorCode[] = [
  'session_expired',
  'session_closed',
  'code_invalid',
  'code_locked',
  'wrong_step',
  'upstream_unavailable',
];

const done = (id: string, output: unknown): AnyEvent => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string, code: ErrorCode): AnyEvent => ({
  type: `xstate.error.actor.${id}`,
  error: new SupportError(code, code, code === 'code_invalid' ? { attemptsLeft: 2 } : undefined),
});
const at = (session: ReturnType<typeof sessionView>) => ({ session, receivedAt: T0 });

/** What an honest server answers in the current state, plus a few lies a hostile one could tell. */
function serverAnswers(snapshot: Snap): AnyEvent[] {
  const { context } = snapshot;
  const { flow, session } = context;
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
  if (session) {
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
      // Lie: the server skips straight to verified after one code.
      const skipped = sessionView(flow, 'verified', { ecosystemId: IDS.ecoAdmin, role: 'administrator' });
      events.push(done('verifyAgentCode', at(skipped)), done('verifyUserCode', at(skipped)));
    }
    events.push(
      done('resyncSession', at(session)),
      done('touchSession', at(session)),
      done('confirmExpiry', at(session)),
      done('confirmExpiry', at(sessionView(flow, 'expired'))),
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
  return events.filter((event) => running.has(event.type.split('.').slice(3).join('.')));
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

type Paths = ReturnType<typeof getShortestPaths<typeof supportMachine>>;
interface Explored {
  paths: Paths;
}

const exploredByFlow = new Map<Flow, Paths>();

/** Every shortest path of a flow; a final state ends a path. Built once per flow per run. */
function explore(flow: Flow): Paths {
  let paths = exploredByFlow.get(flow);
  if (!paths) {
    paths = getShortestPaths(supportMachine, {
      input: { flow },
      events: (snapshot) => [...AGENT_COMMANDS, ...serverAnswers(snapshot)] as SupportEvent[],
      serializeState: (snapshot) => serializeState(snapshot),
      stopWhen: (snapshot) => snapshot.status === 'done',
    });
    exploredByFlow.set(flow, paths);
  }
  return paths;
}

/** Leaf state paths of a snapshot, e.g. `session.flow.steps.agentCode.awaiting.resendable`. */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leaves(child, prefix ? `${prefix}.${key}` : key),
  );
}

// The states each flow must reach, from the machine's definition: every leaf it can rest in,
// split by the two endings. A state added to the machine is covered without editing this list.
const underStep = (path: string, step: 'assisting' | 'activity') =>
  path.startsWith(`session.flow.steps.${step}.`);
const RESTING = restingLeaves().map(pathOf);
const ASSISTING_STATES = RESTING.filter((path) => underStep(path, 'assisting'));
const ACTIVITY_STATES = RESTING.filter((path) => underStep(path, 'activity'));
const SHARED_STATES = RESTING.filter((path) => !underStep(path, 'assisting') && !underStep(path, 'activity'));

const inStep = (snapshot: Snap, step: 'assisting' | 'activity') =>
  snapshot.matches({ session: { flow: { steps: step } } } as never);

describe.each<[Flow, string[], string[]]>([
  ['technical-assistance', ASSISTING_STATES, ACTIVITY_STATES],
  ['ecosystem-admin', ACTIVITY_STATES, ASSISTING_STATES],
])('statechart paths: %s', (flow, ownStates, otherFlowStates) => {
  let explored: Explored;
  beforeAll(() => {
    explored = { paths: explore(flow) };
  });

  it('reaches every state the views of this flow need', () => {
    const reached = new Set(explored.paths.flatMap((p) => leaves(p.state.value)));
    for (const state of [...SHARED_STATES, ...ownStates]) expect(reached, state).toContain(state);
  });

  it("never reaches the other flow's ending", () => {
    const reached = new Set(explored.paths.flatMap((p) => leaves(p.state.value)));
    for (const state of otherFlowStates) expect(reached).not.toContain(state);
  });

  it("names the view of every state it reaches in the states' meta, or shows the cancel modal", () => {
    for (const { state } of explored.paths) {
      const meta = stateMeta(state);
      expect(meta.view ?? meta.cancelModal, JSON.stringify(state.value)).toBeDefined();
      if (meta.cancelModal) expect(meta.view, JSON.stringify(state.value)).toBeUndefined();
    }
  });

  it('accepts CANCEL from every step of a live session and returns to the exact step on dismiss', () => {
    const steps = explored.paths
      .map((p) => p.state)
      .filter((s) => s.matches({ session: { flow: 'steps' } } as never));
    expect(steps.length).toBeGreaterThan(20);
    for (const snapshot of steps) {
      expect(snapshot.can({ type: 'CANCEL' }), JSON.stringify(snapshot.value)).toBe(true);
      const modal = getNextSnapshot(supportMachine, snapshot, { type: 'CANCEL' });
      expect(modal.matches({ session: { flow: 'cancelling' } } as never)).toBe(true);
      const back = getNextSnapshot(supportMachine, modal, { type: 'CANCEL.DISMISS' });
      expect(back.value).toEqual(snapshot.value);
    }
  });

  it('accepts expiry from every non-final state of a live session', () => {
    const live = explored.paths.map((p) => p.state).filter((s) => s.matches('session'));
    expect(live.length).toBeGreaterThan(20);
    for (const snapshot of live) {
      const deadline = getNextSnapshot(supportMachine, snapshot, { type: 'IDLE.DEADLINE' });
      const confirming = deadline.matches({ session: { inactivity: 'confirming' } } as never);
      // Already confirming or touching: the server's answer is awaited instead.
      const alreadyAsking =
        snapshot.matches({ session: { inactivity: 'confirming' } } as never) ||
        snapshot.matches({ session: { inactivity: 'touching' } } as never);
      expect(confirming || alreadyAsking, JSON.stringify(snapshot.value)).toBe(true);
      const expired = getNextSnapshot(
        supportMachine,
        confirming ? deadline : snapshot,
        confirming
          ? (done('confirmExpiry', at(sessionView(flow, 'expired'))) as SupportEvent)
          : (failed(
              snapshot.matches({ session: { inactivity: 'touching' } } as never)
                ? 'touchSession'
                : 'confirmExpiry',
              'session_expired',
            ) as SupportEvent),
      );
      expect(expired.value, JSON.stringify(snapshot.value)).toBe('expired');
    }
  });

  it('no path reaches assisting or activity without both codes verified', () => {
    const ending = flow === 'technical-assistance' ? 'assisting' : 'activity';
    const arrivals = explored.paths.filter((p) => inStep(p.state, ending));
    expect(arrivals.length).toBeGreaterThan(0);
    for (const path of arrivals) {
      const types = path.steps.map((s) => s.event.type);
      expect(types, types.join(' → ')).toContain('xstate.done.actor.verifyAgentCode');
      expect(types, types.join(' → ')).toContain('xstate.done.actor.verifyUserCode');
      expect(path.state.context.verified).toEqual({ agent: true, user: true });
    }
  });

  it('follows the step order of the flow on the way to the end', () => {
    const ending = flow === 'technical-assistance' ? 'assisting' : 'activity';
    const arrival = explored.paths.find((p) => inStep(p.state, ending));
    const milestones = (arrival?.steps ?? [])
      .map((s) => s.event.type)
      .filter((t) => /done\.actor\.(selectEcosystem|verifyAgentCode|verifyUserCode)$/.test(t))
      .map((t) => t.split('.').pop());
    expect(milestones).toEqual(
      flow === 'technical-assistance'
        ? ['selectEcosystem', 'verifyAgentCode', 'verifyUserCode']
        : ['verifyUserCode', 'selectEcosystem', 'verifyAgentCode'],
    );
  });
});

describe('requests', () => {
  it('runs every request the machine makes in some reached state, where the server answers it', () => {
    const reached = (['technical-assistance', 'ecosystem-admin'] as const).flatMap((flow) =>
      explore(flow).map((p) => p.state),
    );
    expect(INVOKE_IDS.length).toBeGreaterThan(12);
    for (const id of INVOKE_IDS) {
      const running = reached.filter((state) => id in state.children);
      expect(running.length, id).toBeGreaterThan(0);
      // Errors of every request are offered from INVOKE_IDS; a success must be in serverAnswers.
      const answered = running.some((state) =>
        serverAnswers(state).some((event) => event.type === `xstate.done.actor.${id}`),
      );
      expect(answered, id).toBe(true);
    }
  });
});

describe('role rule on every path to assisting', () => {
  let paths: Paths = [];
  beforeAll(() => {
    paths = explore('technical-assistance');
  }, 120_000);

  it('offers exactly the destinations of the role in the chosen ecosystem', () => {
    const menus = paths
      .map((p) => p.state)
      .filter((s) => s.matches({ session: { flow: { steps: { assisting: 'destinations' } } } } as never));
    const roles = new Set(menus.map((s) => s.context.session?.role));
    expect(roles).toEqual(new Set(['administrator', 'managed']));
    for (const snapshot of menus) {
      const role = snapshot.context.session?.role;
      if (!role) throw new Error(`no role in ${JSON.stringify(snapshot.value)}`);
      const offered = (['store', 'web', 'app'] as const).filter((destination) =>
        snapshot.can({ type: 'DESTINATION.OPEN', destination }),
      );
      expect(offered).toEqual([...destinationsForRole(role)]);
    }
  });

  it('never opens a destination the role does not allow', () => {
    const opened = paths
      .map((p) => p.state)
      .filter((s) => inStep(s, 'assisting') && s.context.pendingDestination !== null);
    expect(opened.length).toBeGreaterThan(0);
    for (const snapshot of opened) {
      const role = snapshot.context.session?.role;
      expect(['administrator', 'managed']).toContain(role);
      if (role) expect(destinationsForRole(role)).toContain(snapshot.context.pendingDestination);
    }
    // The managed user's store button must not exist on any path.
    expect(
      opened.some((s) => s.context.session?.role === 'managed' && s.context.pendingDestination === 'store'),
    ).toBe(false);
  });
});
