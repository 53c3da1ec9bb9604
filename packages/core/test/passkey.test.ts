/**
 * The agent's passkey step-up (issue #17) through the facade, headless, against the fake
 * server's passkey rules and a fake authenticator: the choice, enrolment after the e-mailed
 * code, the passkey path, the ceremony's refusals, the server's refusals and their budget.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSupportFlow, type SupportFlow, type SupportFlowState } from '../src/index.js';
import { FakeAuthenticator, FakeSupportServices, makeUser } from '../src/testing.js';
import { ECOSYSTEMS, IDS, T0 } from './fixtures.js';

let flows: SupportFlow[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const flow of flows) flow.stop();
  flows = [];
  vi.useRealTimers();
});

type Mode = 'email-code' | 'passkey' | 'passkey-or-email';

function setup(mode: Mode, server?: FakeSupportServices, authenticator = new FakeAuthenticator()) {
  const ana = makeUser({
    id: IDS.user,
    name: 'Ana Pérez',
    email: 'ana.perez@example.com',
    ecosystems: ECOSYSTEMS.map((e) => ({ ...e })),
  });
  const fake = server ?? new FakeSupportServices({ users: [ana], now: () => Date.now(), agentStepUp: mode });
  const flow = createSupportFlow({
    flow: 'technical-assistance',
    services: fake,
    now: () => Date.now(),
    passkeys: authenticator,
  });
  flows.push(flow);
  flow.start();
  return { server: fake, flow, authenticator };
}

async function settle(flow: SupportFlow, until?: (s: SupportFlowState) => boolean) {
  for (let i = 0; i < 50; i++) {
    await vi.advanceTimersByTimeAsync(0);
    if (!flow.state.pending && (!until || until(flow.state))) return flow.state;
  }
  throw new Error(`flow did not settle; view=${flow.state.view}`);
}

/** Lookup, start, the administrator's ecosystem: the flow arrives at the agent's step. */
async function toAgentStep(flow: SupportFlow) {
  flow.submitEmail('ana.perez@example.com');
  await settle(flow);
  flow.startVerification();
  await settle(flow);
  flow.selectEcosystem(IDS.ecoAdmin);
  return settle(flow);
}

async function passEmailCode(flow: SupportFlow, server: FakeSupportServices) {
  flow.sendCode();
  await settle(flow);
  flow.submitCode(server.lastCode('agent'));
  return settle(flow);
}

/** A first session: the e-mailed code, then "Set up a passkey". */
async function enrol(mode: Mode) {
  const first = setup(mode);
  await toAgentStep(first.flow);
  first.flow.chooseEmailCode();
  await settle(first.flow);
  const after = await passEmailCode(first.flow, first.server);
  expect(after.view).toBe('passkeySetup');
  first.flow.enrolPasskey('Work laptop');
  expect((await settle(first.flow)).view).toBe('userCode');
  return first;
}

describe('passkey step-up, headless', () => {
  it('under email-code offers no choice and no enrolment (the manual)', async () => {
    const { flow, server } = setup('email-code');
    const state = await toAgentStep(flow);
    expect(state.stepUp?.methods).toEqual(['email_code']);
    expect(state.passkeyPhase).toBeNull();
    expect(state.codePhase).toBe('prompt');
    expect(state.allowed.has('choosePasskey')).toBe(false);
    expect((await passEmailCode(flow, server)).view).toBe('userCode');
  });

  it('offers the choice, enrols after the e-mailed code, then verifies with the passkey', async () => {
    const first = await enrol('passkey-or-email');
    expect(first.server.passkeys.map((p) => p.name)).toEqual(['Work laptop']);
    // A second session with the same server and authenticator: the passkey way.
    const { flow, server } = setup('passkey-or-email', first.server, first.authenticator);
    const state = await toAgentStep(flow);
    expect(state.passkeyPhase).toBe('choosing');
    expect(state.stepUp).toEqual({
      methods: ['passkey', 'email_code'],
      passkeyEnrolled: true,
      enrolmentOpen: false,
    });
    flow.choosePasskey();
    expect((await settle(flow)).passkeyPhase).toBe('ready');
    flow.startPasskey();
    const verified = await settle(flow);
    expect(verified.view).toBe('userCode');
    expect(server.passkeys[0]?.lastUsedAt).not.toBeNull();
    expect(server.calls.filter((c) => c.startsWith('sendCode:agent'))).toHaveLength(1);
    // The user's code still stands between the agent and the destinations.
    flow.sendCode();
    await settle(flow);
    flow.submitCode(server.lastCode('user'));
    expect((await settle(flow)).view).toBe('destinations');
  });

  it('skipping the enrolment goes on to the user code and enrols nothing', async () => {
    const { flow, server } = setup('passkey-or-email');
    await toAgentStep(flow);
    flow.chooseEmailCode();
    await settle(flow);
    expect((await passEmailCode(flow, server)).view).toBe('passkeySetup');
    flow.skipEnrolment();
    expect((await settle(flow)).view).toBe('userCode');
    expect(server.passkeys).toHaveLength(0);
  });

  it('a closed prompt or a wrong origin spends nothing and says why; the e-mailed code still works', async () => {
    const first = await enrol('passkey-or-email');
    const { flow, server, authenticator } = setup('passkey-or-email', first.server, first.authenticator);
    await toAgentStep(flow);
    flow.choosePasskey();
    await settle(flow);
    authenticator.failNext('NotAllowedError');
    flow.startPasskey();
    let state = await settle(flow);
    expect(state.passkeyPhase).toBe('ready');
    expect(state.passkeyProblem).toBe('cancelled');
    authenticator.failNext('SecurityError');
    flow.startPasskey();
    state = await settle(flow);
    expect(state.passkeyProblem).toBe('wrongOrigin');
    expect(server.calls).not.toContain('verifyAgentPasskey');
    flow.chooseEmailCode();
    await settle(flow);
    expect((await passEmailCode(flow, server)).view).toBe('userCode');
  });

  it('a refused assertion costs an attempt of the agent step, and the last one locks the session', async () => {
    const first = await enrol('passkey-or-email');
    // Another origin than the server allows: the server refuses each assertion.
    first.server.limits.passkeyOrigins = ['https://backoffice.example'];
    const { flow, server } = setup('passkey-or-email', first.server, first.authenticator);
    await toAgentStep(flow);
    flow.choosePasskey();
    await settle(flow);
    for (let left = 4; left >= 1; left--) {
      flow.startPasskey();
      const state = await settle(flow);
      expect(state.error).toMatchObject({ code: 'passkey_refused', attemptsLeft: left });
      expect(state.passkeyPhase).toBe('ready');
    }
    flow.startPasskey();
    expect((await settle(flow)).view).toBe('lockedOut');
    expect([...server.sessions.values()].pop()?.step).toBe('locked');
  });

  it('under passkey the agent step is the passkey only, and the e-mailed code is refused', async () => {
    const first = await enrol('passkey-or-email');
    first.server.limits.agentStepUp = 'passkey';
    const { flow, server } = setup('passkey', first.server, first.authenticator);
    const state = await toAgentStep(flow);
    expect(state.passkeyPhase).toBe('ready');
    expect(state.allowed.has('chooseEmailCode')).toBe(false);
    expect(state.allowed.has('sendCode')).toBe(false);
    const session = state.session?.id ?? '';
    await expect(
      server.sendCode(session, 'agent', { signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'step_up_not_allowed',
    });
    flow.startPasskey();
    expect((await settle(flow)).view).toBe('userCode');
  });

  it('a replayed assertion is refused: each challenge answers once', async () => {
    const first = await enrol('passkey-or-email');
    const { server } = first;
    const { flow } = setup('passkey-or-email', server, first.authenticator);
    const state = await toAgentStep(flow);
    const sessionId = state.session?.id ?? '';
    const o = { signal: new AbortController().signal };
    const options = await server.agentPasskeyOptions(sessionId, o);
    const assertion = await first.authenticator.authenticate(options, o.signal);
    // Signed for a challenge that new options replaced: refused, and the new one is spent.
    await server.agentPasskeyOptions(sessionId, o);
    await expect(server.verifyAgentPasskey(sessionId, assertion, o)).rejects.toMatchObject({
      code: 'passkey_refused',
      details: { attemptsLeft: 4 },
    });
    // A fresh, good assertion passes once; the same one again finds no challenge.
    const fresh = await first.authenticator.authenticate(
      await server.agentPasskeyOptions(sessionId, o),
      o.signal,
    );
    const again = structuredClone(fresh);
    await server.verifyAgentPasskey(sessionId, fresh, o);
    const s = server.sessions.get(sessionId);
    expect(s?.step).toBe('user_code');
    if (s) s.step = 'agent_code';
    await expect(server.verifyAgentPasskey(sessionId, again, o)).rejects.toMatchObject({
      code: 'passkey_refused',
    });
  });
});
