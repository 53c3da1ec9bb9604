/**
 * The session watcher, headless with the reference fake: once both codes passed, the flow
 * re-reads its session, so a session the user ended from their e-mail reaches the agent's view
 * within one poll, and a failed read ends nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSupportFlow, SupportError, type SupportFlow, type SupportFlowState } from '../src/index.js';
import { FakeSupportServices, makeUser } from '../src/testing.js';
import { ECOSYSTEMS, IDS, PROCESS, T0 } from './fixtures.js';

const POLL_MS = 5000;
let flows: SupportFlow[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const flow of flows) flow.stop();
  flows = [];
  vi.useRealTimers();
});

function setup(kind: 'technical-assistance' | 'ecosystem-admin') {
  const ana = makeUser({
    id: IDS.user,
    name: 'Ana Pérez',
    email: 'ana.perez@example.com',
    ecosystems: ECOSYSTEMS.map((e) => ({ ...e })),
  });
  const server = new FakeSupportServices({ users: [ana], now: () => Date.now() });
  server.processes.set(ana.id, [{ ...PROCESS, detail: '', reason: null, decidedBy: null, decidedAt: null }]);
  // The default poll interval: the facade's option left out on purpose.
  const flow = createSupportFlow({ flow: kind, services: server, now: () => Date.now() });
  flows.push(flow);
  flow.start();
  return { server, flow };
}

async function settle(flow: SupportFlow, until?: (s: SupportFlowState) => boolean) {
  for (let i = 0; i < 50; i++) {
    await vi.advanceTimersByTimeAsync(0);
    if (!flow.state.pending && (!until || until(flow.state))) return flow.state;
  }
  throw new Error(`flow did not settle; view=${flow.state.view}`);
}

async function passCode(flow: SupportFlow, server: FakeSupportServices, purpose: 'agent' | 'user') {
  if (flow.state.codePhase === 'prompt') {
    flow.sendCode();
    await settle(flow, (s) => s.codePhase === 'awaiting');
  }
  flow.submitCode(server.lastCode(purpose));
  await settle(flow);
}

async function toDestinations() {
  const world = setup('technical-assistance');
  const { flow, server } = world;
  flow.submitEmail('ana.perez@example.com');
  await settle(flow);
  flow.startVerification();
  await settle(flow);
  flow.selectEcosystem(IDS.ecoAdmin);
  await settle(flow);
  await passCode(flow, server, 'agent');
  await passCode(flow, server, 'user');
  expect(flow.state.view).toBe('destinations');
  return world;
}

const sessionReads = (server: FakeSupportServices) => server.calls.filter((c) => c === 'getSession').length;

describe('the session watcher', () => {
  it('shows endedByUser within one poll when the user ends the session on the destinations view', async () => {
    const { flow, server } = await toDestinations();
    const sessionId = flow.state.session?.id ?? '';
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(sessionReads(server)).toBe(1);
    expect(flow.state.view).toBe('destinations');

    expect(server.endByUser(sessionId)).toBe(true);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(flow.state.view).toBe('endedByUser');
    expect(flow.state.done).toBe(true);
    expect(flow.state.session?.step).toBe('ended_by_user');
    expect(flow.state.allowed.size).toBe(0);
    // Final: the watcher stopped with the flow.
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(sessionReads(server)).toBe(2);
  });

  it('keeps watching on the QR view, and reaches endedByUser from the activity too', async () => {
    const { flow, server } = await toDestinations();
    flow.openDestination('app');
    expect((await settle(flow)).view).toBe('qr');
    server.endByUser(flow.state.session?.id ?? '');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(flow.state.view).toBe('endedByUser');

    const admin = setup('ecosystem-admin');
    admin.flow.submitEmail('ana.perez@example.com');
    await settle(admin.flow);
    admin.flow.startVerification();
    await settle(admin.flow);
    await passCode(admin.flow, admin.server, 'user');
    admin.flow.selectEcosystem(IDS.ecoInherited);
    await settle(admin.flow, (s) => s.codePhase === 'awaiting');
    await passCode(admin.flow, admin.server, 'agent');
    expect((await settle(admin.flow, (s) => s.activityPhase === 'ready')).view).toBe('activity');
    admin.server.endByUser(admin.flow.state.session?.id ?? '');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(admin.flow.state.view).toBe('endedByUser');
  });

  it('a failed poll does not end the flow: the next tick reads again and routes', async () => {
    const { flow, server } = await toDestinations();
    server.fail('getSession', new SupportError('upstream_unavailable', 'down'), 2);
    server.endByUser(flow.state.session?.id ?? '');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(flow.state.view).toBe('destinations');
    expect(flow.state.error).toBeNull();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(flow.state.view).toBe('destinations');
    expect(sessionReads(server)).toBe(2);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(flow.state.view).toBe('endedByUser');
  });

  it('a command refused because the user ended the session lands on the same view', async () => {
    const { flow, server } = await toDestinations();
    server.endByUser(flow.state.session?.id ?? '');
    // Before the next poll, the agent acts: the server refuses with session_ended_by_user.
    flow.openDestination('web');
    await settle(flow, (s) => s.done);
    expect(flow.state.view).toBe('endedByUser');
    expect(flow.state.error?.code).toBe('session_ended_by_user');
    expect(server.calls).toContain('createHandoff:web');
  });
});

describe('the fake: the user ends a session', () => {
  it('ends only a live session, once; commands are then refused with session_ended_by_user', async () => {
    const { flow, server } = await toDestinations();
    const id = flow.state.session?.id ?? '';
    expect(server.endByUser('no-such-session')).toBe(false);
    expect(server.endByUser(id)).toBe(true);
    expect(server.endByUser(id)).toBe(false);
    const call = { signal: new AbortController().signal };
    expect((await server.getSession(id, call)).step).toBe('ended_by_user');
    await expect(server.touch(id, call)).rejects.toMatchObject({ code: 'session_ended_by_user' });
    await expect(server.cancel(id, 'The user hung up', call)).rejects.toMatchObject({
      code: 'session_ended_by_user',
    });
    // Another closing never overwrites the user's ending.
    expect((await server.getSession(id, call)).step).toBe('ended_by_user');
  });

  it('refuses a session past its deadline: it is expired, not ended by the user', async () => {
    const { flow, server } = await toDestinations();
    const id = flow.state.session?.id ?? '';
    flow.stop();
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect(server.endByUser(id)).toBe(false);
    expect((await server.getSession(id, { signal: new AbortController().signal })).step).toBe('expired');
  });
});
