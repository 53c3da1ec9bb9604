/**
 * Both flows run to their end through the facade, headless in Node, with the in-memory
 * server standing in for HTTP — the way a backend team would drive the kit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSupportFlow, SupportError, type SupportFlow, type SupportFlowState } from '../src/index.js';
import { FakeSupportServices, makeUser } from '../src/testing.js';
import { ECOSYSTEMS, IDS, PROCESS, T0 } from './fixtures.js';

let flows: SupportFlow[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const flow of flows) flow.stop();
  flows = [];
  vi.useRealTimers();
});

function setup(kind: 'technical-assistance' | 'ecosystem-admin', status: 'active' | 'disabled' = 'active') {
  const ana = makeUser({
    id: IDS.user,
    name: 'Ana Pérez',
    email: 'ana.perez@example.com',
    status,
    ecosystems: ECOSYSTEMS.map((e) => ({ ...e })),
  });
  // One process per page, so the activity has a second page to load.
  const server = new FakeSupportServices({ users: [ana], now: () => Date.now(), pageSize: 1 });
  server.processes.set(ana.id, [
    {
      ...PROCESS,
      detail: 'The validation process for The Successor was rejected by Waizant',
      reason: 'The identity document had expired.',
      decidedBy: 'Waizant Compliance',
      decidedAt: PROCESS.updatedAt,
    },
    {
      ...PROCESS,
      id: IDS.handoff,
      status: 'approved',
      detail: '',
      reason: null,
      decidedBy: null,
      decidedAt: null,
    },
  ]);
  const flow = createSupportFlow({
    flow: kind,
    services: server,
    now: () => Date.now(),
    handoffPollMs: 1000,
  });
  flows.push(flow);
  flow.start();
  return { server, flow };
}

/** Lets pending promises settle and the machine react, without advancing the clock. */
async function settle(
  flow: SupportFlow,
  until?: (state: SupportFlowState) => boolean,
): Promise<SupportFlowState> {
  for (let i = 0; i < 50; i++) {
    await vi.advanceTimersByTimeAsync(0);
    if (!flow.state.pending && (!until || until(flow.state))) return flow.state;
  }
  throw new Error(`flow did not settle; view=${flow.state.view}`);
}

async function lookupAndStart(flow: SupportFlow) {
  flow.submitEmail('  Ana.Perez@Example.com ');
  expect((await settle(flow)).lookupPhase).toBe('found');
  expect(flow.state.allowed.has('startVerification')).toBe(true);
  flow.startVerification();
  await settle(flow);
}

async function passCode(
  flow: SupportFlow,
  server: ReturnType<typeof setup>['server'],
  purpose: 'agent' | 'user',
) {
  expect(flow.state.view).toBe(purpose === 'agent' ? 'agentCode' : 'userCode');
  expect(flow.state.codePhase).toBe('prompt');
  flow.sendCode();
  expect((await settle(flow)).codePhase).toBe('awaiting');
  expect(flow.state.session?.code?.attemptsLeft).toBe(5);
  flow.submitCode(server.lastCode(purpose));
  await settle(flow);
}

describe('Technical Assistance, headless', () => {
  it('runs from lookup to a claimed QR and completion for an administrator', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    expect(flow.state.view).toBe('ecosystem');
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    await passCode(flow, server, 'agent');
    await passCode(flow, server, 'user');
    expect(flow.state.view).toBe('destinations');
    expect(flow.state.destinations).toEqual(['store', 'web', 'app']);

    flow.openDestination('web');
    expect((await settle(flow)).view).toBe('handoffReady');
    expect(flow.state.handoff?.page).toBe('web-home');
    flow.back();
    flow.openDestination('app');
    expect((await settle(flow)).view).toBe('qr');
    expect(flow.state.qrPhase).toBe('waiting');
    server.claimHandoff(flow.state.handoff?.id);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await settle(flow)).qrPhase).toBe('claimed');

    flow.finish();
    expect((await settle(flow)).view).toBe('completed');
    expect(flow.state.done).toBe(true);
    // Reads (handoff polls, resyncs) aside, the commands in the order the flow sent them.
    expect(server.calls.filter((call) => !call.startsWith('get'))).toEqual([
      'lookup',
      'createSession',
      'selectEcosystem',
      'sendCode:agent',
      'verifyCode:agent',
      'sendCode:user',
      'verifyCode:user',
      'createHandoff:web',
      'createHandoff:app',
      'complete',
    ]);
  });

  it('e-mails the shown QR once: the same link reaches the user, the view says where, the command is gone', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    await passCode(flow, server, 'agent');
    await passCode(flow, server, 'user');
    flow.openDestination('app');
    await settle(flow);
    expect(flow.state.allowed.has('emailQr')).toBe(true);
    expect(flow.state.qrEmailedTo).toBeNull();
    flow.emailQr();
    expect(flow.state.pending).toBe(true);
    expect((await settle(flow)).qrEmailedTo).toBe('a***z@example.com');
    expect(flow.state.allowed.has('emailQr')).toBe(false);
    expect(server.qrEmails).toEqual([
      { handoffId: flow.state.handoff?.id, to: 'ana.perez@example.com', link: flow.state.handoff?.link },
    ]);
    // The e-mailed link is the same handoff: claiming it shows as claimed.
    server.claimHandoff(flow.state.handoff?.id);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await settle(flow)).qrPhase).toBe('claimed');
  });

  it('a refused QR e-mail shows its error and keeps the QR on screen; a new QR can be e-mailed', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    await passCode(flow, server, 'agent');
    await passCode(flow, server, 'user');
    flow.openDestination('app');
    await settle(flow);
    server.fail('emailHandoff', new SupportError('upstream_unavailable', 'down'), 1);
    flow.emailQr();
    const failed = await settle(flow);
    expect(failed.error?.code).toBe('upstream_unavailable');
    expect(failed.qrPhase).toBe('waiting');
    expect(failed.allowed.has('emailQr')).toBe(true);
    flow.emailQr();
    expect((await settle(flow)).qrEmailedTo).toBe('a***z@example.com');
    flow.regenerateQr();
    const fresh = await settle(flow);
    expect(fresh.qrEmailedTo).toBeNull();
    expect(fresh.allowed.has('emailQr')).toBe(true);
  });

  it('offers a managed user only Web (My Ecosystem) and App', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoManaged);
    await settle(flow);
    await passCode(flow, server, 'agent');
    await passCode(flow, server, 'user');
    expect(flow.state.destinations).toEqual(['web', 'app']);
    flow.openDestination('store');
    await settle(flow);
    expect(server.calls).not.toContain('createHandoff:store');
    flow.openDestination('web');
    expect((await settle(flow)).handoff?.page).toBe('web-my-ecosystem');
  });

  it('shows attempts left after a wrong code and locks out after five', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    flow.sendCode();
    await settle(flow);
    const wrong = server.lastCode('agent') === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      flow.submitCode(wrong);
      await settle(flow);
      expect(flow.state.error?.code).toBe('code_invalid');
      expect(flow.state.session?.code?.attemptsLeft).toBe(left);
    }
    flow.submitCode(wrong);
    expect((await settle(flow)).view).toBe('lockedOut');
  });

  it('offers resend only after the cooldown', async () => {
    const { flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    flow.sendCode();
    await settle(flow);
    expect(flow.state.allowed.has('resendCode')).toBe(false);
    expect(flow.state.deadlines.resendAvailableAt).toBe(Date.now() + 30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(flow.state.allowed.has('resendCode')).toBe(true);
  });

  it('does not start for a user whose status forbids it, and says why', async () => {
    const { flow } = setup('technical-assistance', 'disabled');
    flow.submitEmail('ana.perez@example.com');
    const state = await settle(flow);
    expect(state.lookup).toMatchObject({
      found: true,
      eligible: false,
      ineligibleReason: 'account_disabled',
    });
    expect(state.allowed.has('startVerification')).toBe(false);
  });

  it('cancel needs a reason, dismiss returns to the step, confirm cancels on the server', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    flow.sendCode();
    await settle(flow);
    flow.requestCancel();
    expect(flow.state.cancelModal.open).toBe(true);
    expect(flow.state.view).toBe('agentCode');
    flow.confirmCancel('  ');
    expect(flow.state.cancelModal.open).toBe(true);
    flow.dismissCancel();
    expect(flow.state.cancelModal.open).toBe(false);
    expect(flow.state.view).toBe('agentCode');
    expect(flow.state.codePhase).toBe('awaiting');
    flow.requestCancel();
    flow.confirmCancel('The user hung up');
    expect((await settle(flow)).view).toBe('cancelled');
    expect(server.calls).toContain('cancel');
    expect([...server.sessions.values()].map((s) => [s.step, s.cancelReason])).toEqual([
      ['cancelled', 'The user hung up'],
    ]);
  });

  it('warns before the idle limit, extends on "I\'m still here", and expires when the server says so', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    await vi.advanceTimersByTimeAsync(840_000);
    expect(flow.state.inactivityWarning).toBe(true);
    flow.stillHere();
    await settle(flow);
    expect(flow.state.inactivityWarning).toBe(false);
    expect(server.calls).toContain('touch');
    await vi.advanceTimersByTimeAsync(840_000);
    expect(flow.state.inactivityWarning).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await settle(flow)).view).toBe('expired');
  });
});

describe('Ecosystem Admin, headless', () => {
  it('verifies the successor first, then ecosystem and agent, and shows the activity with details', async () => {
    const { server, flow } = setup('ecosystem-admin');
    await lookupAndStart(flow);
    await passCode(flow, server, 'user');
    expect(flow.state.view).toBe('ecosystem');
    flow.selectEcosystem(IDS.ecoAdmin); // not inherited: refused by the rule
    expect(flow.state.view).toBe('ecosystem');
    // "Send verification Code": choosing the ecosystem also sends the agent's code.
    flow.selectEcosystem(IDS.ecoInherited);
    const sent = await settle(flow, (s) => s.codePhase === 'awaiting');
    expect(sent.view).toBe('agentCode');
    expect(server.calls.filter((call) => call === 'sendCode:agent')).toHaveLength(1);
    flow.submitCode(server.lastCode('agent'));
    await settle(flow);
    const activity = await settle(flow, (s) => s.activityPhase === 'ready');
    expect(activity.view).toBe('activity');
    expect(activity.processes.items.map((p) => p.title)).toEqual([PROCESS.title]);
    expect(activity.processes.hasMore).toBe(true);
    flow.loadMoreProcesses();
    expect((await settle(flow)).processes.items).toHaveLength(2);
    flow.openProcess(PROCESS.id);
    const detail = await settle(flow);
    expect(detail.processDetailOpen).toBe(true);
    expect(detail.processDetail?.reason).toBe('The identity document had expired.');
    flow.closeProcess();
    expect(flow.state.processDetailOpen).toBe(false);
    flow.finish();
    expect((await settle(flow)).view).toBe('completed');
  });

  it('"I\'m still here" keeps the agent where they are: the activity and its loaded pages stay', async () => {
    const { server, flow } = setup('ecosystem-admin');
    await lookupAndStart(flow);
    await passCode(flow, server, 'user');
    flow.selectEcosystem(IDS.ecoInherited);
    await settle(flow, (s) => s.codePhase === 'awaiting');
    flow.submitCode(server.lastCode('agent'));
    await settle(flow, (s) => s.activityPhase === 'ready');
    flow.loadMoreProcesses();
    expect((await settle(flow)).processes.items).toHaveLength(2);
    const listsBefore = server.calls.filter((call) => call.startsWith('listProcesses')).length;
    await vi.advanceTimersByTimeAsync(840_000);
    expect(flow.state.inactivityWarning).toBe(true);
    flow.stillHere();
    const after = await settle(flow, (s) => !s.inactivityWarning);
    expect(server.calls).toContain('touch');
    expect(after.view).toBe('activity');
    expect(after.processes.items).toHaveLength(2);
    expect(server.calls.filter((call) => call.startsWith('listProcesses'))).toHaveLength(listsBefore);
  });

  it('a failed automatic send of the agent code shows the error at the prompt and waits for the agent', async () => {
    const { server, flow } = setup('ecosystem-admin');
    await lookupAndStart(flow);
    await passCode(flow, server, 'user');
    server.fail('sendCode', new SupportError('upstream_unavailable', 'The mail service did not answer.'));
    flow.selectEcosystem(IDS.ecoInherited);
    const failed = await settle(flow, (s) => s.view === 'agentCode');
    expect(failed.codePhase).toBe('prompt');
    expect(failed.error?.code).toBe('upstream_unavailable');
    await vi.advanceTimersByTimeAsync(5_000);
    // No automatic retry: one failed send, and nothing was mailed.
    expect(server.calls.filter((call) => call === 'sendCode:agent')).toHaveLength(1);
    expect(server.outbox.filter((m) => m.purpose === 'agent')).toHaveLength(0);
    server.heal('sendCode');
    flow.sendCode();
    expect((await settle(flow)).codePhase).toBe('awaiting');
    expect(server.calls.filter((call) => call === 'sendCode:agent')).toHaveLength(2);
    expect(server.outbox.filter((m) => m.purpose === 'agent')).toHaveLength(1);
  });

  it("a 429 keeps the server's retryAfterSeconds in the error, for the element to say how long to wait", async () => {
    const { server, flow } = setup('ecosystem-admin');
    await lookupAndStart(flow);
    server.fail(
      'sendCode',
      new SupportError('rate_limited', 'Too many requests; try again later.', { retryAfterSeconds: 2940 }),
    );
    flow.sendCode();
    const limited = await settle(flow);
    expect(limited.view).toBe('userCode');
    expect(limited.error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 2940 });
  });
});

describe('a session closed because the user became ineligible', () => {
  it('a command refused with user_ineligible ends in the ineligible view with its reason', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    flow.selectEcosystem(IDS.ecoAdmin);
    await settle(flow);
    // The account is disabled meanwhile: the server's re-check before the send closes the session.
    const [ana] = server.users;
    if (!ana) throw new Error('no user');
    ana.status = 'disabled';
    flow.sendCode();
    const closed = await settle(flow);
    expect(closed.view).toBe('ineligible');
    expect(closed.done).toBe(true);
    expect(closed.error).toMatchObject({ code: 'user_ineligible', ineligibleReason: 'account_disabled' });
    expect(server.outbox).toEqual([]);
    expect([...server.sessions.values()].map((s) => s.step)).toEqual(['ineligible']);
  });

  it('a session the server shows as ineligible (e.g. on resync) ends in the same view', async () => {
    const { server, flow } = setup('technical-assistance');
    await lookupAndStart(flow);
    const session = flow.state.session;
    if (!session) throw new Error('no session');
    // Another request closed the session meanwhile; this command lost the race and the flow resyncs.
    server.closeIneligible(session.id, 'membership_removed');
    server.fail('selectEcosystem', new SupportError('wrong_step', 'moved'), 1);
    flow.selectEcosystem(IDS.ecoAdmin);
    const closed = await settle(flow);
    expect(closed.view).toBe('ineligible');
    expect(closed.error).toMatchObject({ code: 'user_ineligible', ineligibleReason: 'membership_removed' });
  });
});
