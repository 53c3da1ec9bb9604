/**
 * Path-based tests of the support statechart with `xstate/graph`. The actors never run:
 * their answers are fed in as `xstate.done.actor.<id>` / `xstate.error.actor.<id>` events,
 * including answers a broken or hostile server could give, so the traversal explores every
 * state the machine can reach from any sequence of agent commands and server answers.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { getNextSnapshot } from 'xstate';
import { destinationsForRole, type Flow } from '../src/index.js';
import { stateMeta } from '../src/machine/view.js';
import { type SupportEvent, supportMachine } from '../src/machine.js';
import { IDS, sessionView } from './fixtures.js';
import {
  at,
  done,
  type Explored,
  explore,
  failed,
  INVOKE_IDS,
  type Paths,
  type Snap,
  type StepUpMode,
  serverAnswers,
  watcherReads,
} from './machine-graph.js';
import { pathOf, restingLeaves, watcherInvokes } from './machine-tree.js';

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
  path.startsWith(`session.flow.steps.verified.${step}.`);
const RESTING = restingLeaves().map(pathOf);
const ASSISTING_STATES = RESTING.filter((path) => underStep(path, 'assisting'));
const ACTIVITY_STATES = RESTING.filter((path) => underStep(path, 'activity'));
const SHARED_STATES = RESTING.filter((path) => !underStep(path, 'assisting') && !underStep(path, 'activity'));

const inStep = (snapshot: Snap, step: 'assisting' | 'activity') =>
  snapshot.matches({ session: { flow: { steps: { verified: step } } } } as never);

/**
 * The explorations: each flow under a server that says nothing of step-up (the e-mailed code)
 * and under `passkey-or-email` (the choice, both ways, enrolment); the passkey-only mode once,
 * for Technical Assistance (its states are those of the passkey way).
 */
const EXPLORATIONS: ReadonlyArray<[Flow, StepUpMode]> = [
  ['technical-assistance', 'plain'],
  ['ecosystem-admin', 'plain'],
  ['technical-assistance', 'passkey-or-email'],
  ['ecosystem-admin', 'passkey-or-email'],
  ['technical-assistance', 'passkey'],
];
const reachedStates = () => EXPLORATIONS.flatMap(([flow, mode]) => explore(flow, mode).map((p) => p.state));

describe.each<[Flow, string[], string[]]>([
  ['technical-assistance', ASSISTING_STATES, ACTIVITY_STATES],
  ['ecosystem-admin', ACTIVITY_STATES, ASSISTING_STATES],
])('statechart states: %s', (flow, ownStates) => {
  it('reaches every state the views of this flow need, across the step-up modes', () => {
    const modes = EXPLORATIONS.filter(([f]) => f === flow);
    const reached = new Set(
      modes.flatMap(([f, mode]) => explore(f, mode).flatMap((p) => leaves(p.state.value))),
    );
    for (const state of [...SHARED_STATES, ...ownStates]) expect(reached, state).toContain(state);
  }, 600_000);
});

describe.each(
  EXPLORATIONS.map(([flow, mode]) => [
    flow,
    mode,
    flow === 'technical-assistance' ? ACTIVITY_STATES : ASSISTING_STATES,
  ]) as Array<[Flow, StepUpMode, string[]]>,
)('statechart paths: %s, step-up %s', (flow, mode, otherFlowStates) => {
  let explored: Explored;
  beforeAll(() => {
    explored = { paths: explore(flow, mode) };
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

  it('watches the session on every view after both codes, and ends at the view of a closed read', () => {
    const ending = flow === 'technical-assistance' ? 'assisting' : 'activity';
    const live = explored.paths.map((p) => p.state).filter((s) => s.matches('session'));
    const verified = live.filter((s) => inStep(s, ending));
    expect(verified.length).toBeGreaterThan(3);
    for (const snapshot of live) {
      const where = JSON.stringify(snapshot.value);
      expect('watchSession' in snapshot.children, where).toBe(inStep(snapshot, ending));
    }
    const session = sessionView(flow, 'verified', { ecosystemId: IDS.ecoAdmin, role: 'administrator' });
    for (const snapshot of verified) {
      const where = JSON.stringify(snapshot.value);
      const [open, endedByUser, cancelled] = watcherReads(flow, session) as SupportEvent[];
      expect(getNextSnapshot(supportMachine, snapshot, open as SupportEvent).value, where).toEqual(
        snapshot.value,
      );
      const ended = getNextSnapshot(supportMachine, snapshot, endedByUser as SupportEvent);
      expect(ended.value, where).toBe('endedByUser');
      expect(ended.status).toBe('done');
      expect(stateMeta(ended).view).toBe('endedByUser');
      expect(getNextSnapshot(supportMachine, snapshot, cancelled as SupportEvent).value, where).toBe(
        'cancelled',
      );
      // The inactivity check reading the session ended lands there too (a closed read is routed).
      const deadline = getNextSnapshot(supportMachine, snapshot, { type: 'IDLE.DEADLINE' });
      if (deadline.matches({ session: { inactivity: 'confirming' } } as never)) {
        const read = done('confirmExpiry', at(sessionView(flow, 'ended_by_user'))) as SupportEvent;
        expect(getNextSnapshot(supportMachine, deadline, read).value, where).toBe('endedByUser');
      }
      // A command the server refuses because the user ended the session lands on the same view.
      for (const id of Object.keys(snapshot.children).filter((c) => INVOKE_IDS.includes(c))) {
        const refused = getNextSnapshot(
          supportMachine,
          snapshot,
          failed(id, 'session_ended_by_user') as SupportEvent,
        );
        expect(refused.value, `${where} ${id}`).toBe('endedByUser');
      }
    }
  });

  it("no path reaches assisting or activity without the agent's step-up and the user's code", () => {
    const ending = flow === 'technical-assistance' ? 'assisting' : 'activity';
    const arrivals = explored.paths.filter((p) => inStep(p.state, ending));
    expect(arrivals.length).toBeGreaterThan(0);
    const byPasskey = (types: readonly string[]) => types.includes('xstate.done.actor.verifyAgentPasskey');
    for (const path of arrivals) {
      const types: string[] = path.steps.map((s) => s.event.type);
      const agentPassed = types.includes('xstate.done.actor.verifyAgentCode') || byPasskey(types);
      expect(agentPassed, types.join(' → ')).toBe(true);
      expect(types, types.join(' → ')).toContain('xstate.done.actor.verifyUserCode');
      expect(path.state.context.verified).toEqual({ agent: true, user: true });
    }
    // Under a passkey mode the passkey reaches the ending; under `passkey` only the passkey does.
    const viaPasskey = arrivals.filter((p) => byPasskey(p.steps.map((s) => s.event.type)));
    if (mode === 'plain') expect(viaPasskey).toHaveLength(0);
    else expect(viaPasskey.length).toBeGreaterThan(0);
    if (mode === 'passkey') expect(viaPasskey).toHaveLength(arrivals.length);
  });

  it('offers the passkey only where the session offers it, and the e-mailed code only where it is offered', () => {
    const atAgentStep = explored.paths
      .map((p) => p.state)
      .filter((s) => s.matches({ session: { flow: { steps: 'agentCode' } } } as never));
    const passkeyStates = atAgentStep.filter((s) => stateMeta(s).passkeyPhase !== undefined);
    if (mode === 'plain') expect(passkeyStates).toHaveLength(0);
    else expect(passkeyStates.length).toBeGreaterThan(3);
    for (const snapshot of atAgentStep) {
      const methods = snapshot.context.session?.agentStepUp?.methods ?? ['email_code'];
      const where = JSON.stringify(snapshot.value);
      if (stateMeta(snapshot).passkeyPhase !== undefined) expect(methods, where).toContain('passkey');
      if (stateMeta(snapshot).codePhase !== undefined) expect(methods, where).toContain('email_code');
    }
  });

  it('offers "Set up a passkey" only right after the e-mailed agent code passed', () => {
    const setups = explored.paths.filter((p) =>
      p.state.matches({ session: { flow: { steps: 'passkeySetup' } } } as never),
    );
    if (mode === 'passkey-or-email') expect(setups.length).toBeGreaterThan(0);
    else expect(setups).toHaveLength(0);
    for (const path of setups) {
      const types = path.steps.map((s) => s.event.type);
      expect(types, types.join(' → ')).toContain('xstate.done.actor.verifyAgentCode');
      expect(path.state.context.session?.agentStepUp?.enrolmentOpen).toBe(true);
      expect(path.state.context.verified.agent).toBe(true);
    }
  });

  it('follows the step order of the flow on the way to the end', () => {
    const ending = flow === 'technical-assistance' ? 'assisting' : 'activity';
    const arrival = explored.paths.find((p) => inStep(p.state, ending));
    const milestones = (arrival?.steps ?? [])
      .map((s) => s.event.type)
      .filter((t) => /done\.actor\.(selectEcosystem|verifyAgent(Code|Passkey)|verifyUserCode)$/.test(t))
      .map((t) =>
        t
          .split('.')
          .pop()
          ?.replace(/^verifyAgent(Code|Passkey)$/, 'agentStepUp'),
      );
    expect(milestones).toEqual(
      flow === 'technical-assistance'
        ? ['selectEcosystem', 'agentStepUp', 'verifyUserCode']
        : ['verifyUserCode', 'selectEcosystem', 'agentStepUp'],
    );
  });
});

describe('watchers', () => {
  it('runs every timer and watcher the machine invokes, the session watcher among them', () => {
    const ids = [...new Set(watcherInvokes().map((w) => w.id))];
    expect(ids).toContain('watchSession');
    expect(ids).toContain('watchHandoff');
    const reached = reachedStates();
    for (const id of ids)
      expect(
        reached.some((state) => id in state.children),
        id,
      ).toBe(true);
  });
});

describe('requests', () => {
  it('runs every request the machine makes in some reached state, where the server answers it', () => {
    const reached = EXPLORATIONS.flatMap(([flow, mode]) =>
      explore(flow, mode).map((p) => ({ state: p.state, mode })),
    );
    expect(INVOKE_IDS.length).toBeGreaterThan(18);
    for (const id of INVOKE_IDS) {
      const running = reached.filter(({ state }) => id in state.children);
      expect(running.length, id).toBeGreaterThan(0);
      // Errors of every request are offered from INVOKE_IDS; a success must be in serverAnswers.
      const answered = running.some(({ state, mode }) =>
        serverAnswers(state, mode).some((event) => event.type === `xstate.done.actor.${id}`),
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
      .filter((s) =>
        s.matches({ session: { flow: { steps: { verified: { assisting: 'destinations' } } } } } as never),
      );
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
