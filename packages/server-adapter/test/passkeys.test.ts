import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, count, DEMO, harness } from './helpers.js';
import {
  atAgentStep,
  auditAndLogs,
  auditOf,
  enrol,
  passAgentCode,
  passkeyServer,
  signedAssertion,
} from './support/passkeys.js';
import { launchWebAuthnBrowser, type WebAuthnBrowser } from './support/webauthn-browser.js';

let browser: WebAuthnBrowser;
beforeAll(async () => {
  browser = await launchWebAuthnBrowser();
});
afterAll(() => browser?.close());
afterEach(closeAll);

const { ana, bruno } = DEMO.agents;

describe('passkey enrolment and step-up (real WebAuthn data from Chromium)', () => {
  it('enrols after the e-mailed code, then a passkey passes the agent step like a code', async () => {
    const h = await passkeyServer(browser);
    const agent = await h.as(ana.id);
    const device = await browser.open(browser.origin);
    const first = await atAgentStep(agent);
    const before = await agent.get(`/sessions/${first}`);
    expect(before.body.agentStepUp).toEqual({
      methods: ['passkey', 'email_code'],
      passkeyEnrolled: false,
      enrolmentOpen: false,
    });
    const passed = await passAgentCode(h, agent, first);
    expect(passed.agentStepUp).toMatchObject({ enrolmentOpen: true, passkeyEnrolled: false });

    const { summary, credential } = await enrol(agent, first, device, 'Work laptop');
    expect(summary).toMatchObject({ name: 'Work laptop', transports: ['internal'], lastUsedAt: null });
    const [row] = (await h.server.database.query<Record<string, unknown>>('SELECT * FROM support_passkeys'))
      .rows;
    expect(row).toMatchObject({ agent_id: ana.id, credential_id: credential.id, name: 'Work laptop' });
    expect(String(row?.public_key).length).toBeGreaterThan(40);
    expect((await agent.get(`/sessions/${first}`)).body.agentStepUp.passkeyEnrolled).toBe(true);

    const second = await atAgentStep(agent);
    const { options, assertion } = await signedAssertion(agent, second, device);
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(options.timeout).toBeLessThanOrEqual(120_000);
    expect(options.allowCredentials).toEqual([
      { id: credential.id, type: 'public-key', transports: ['internal'] },
    ]);
    const verified = await agent.post(`/sessions/${second}/agent-passkey/verify`, { credential: assertion });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.step).toBe('user_code');
    // The challenge is spent with the move (single use), and the session's attempts start over.
    expect(await count(h.server, 'support_passkey_challenges', `scope = '${second}'`)).toBe(0);
    // No code was sent on the passkey path; the user step starts with fresh counters.
    expect(verified.body.code).toBeNull();

    const used = (
      await h.server.database.query<{ sign_count: unknown; last_used_at: unknown }>(
        'SELECT sign_count, last_used_at FROM support_passkeys',
      )
    ).rows[0];
    expect(Number(used?.sign_count)).toBeGreaterThan(0);
    expect(used?.last_used_at).not.toBeNull();
    const list = await agent.get('/passkeys');
    expect(list.body.items[0].lastUsedAt).toBe(h.clock.now().toISOString());

    const ok = (await auditOf(h, 'code.verify.agent')).filter((r) => r.detail.method === 'passkey');
    expect(ok).toEqual([
      expect.objectContaining({ outcome: 'ok', detail: expect.objectContaining({ step: 'user_code' }) }),
    ]);
    expect(await auditOf(h, 'passkey.register')).toEqual([
      expect.objectContaining({ outcome: 'ok', detail: { passkeyId: summary.id, via: 'session' } }),
    ]);
    // The user step then goes on as after a code.
    expect((await agent.post(`/sessions/${second}/user-code`)).status).toBe(200);
    const secrets = await auditAndLogs(h);
    for (const secret of [credential.id, assertion.response.signature, options.challenge, second])
      expect(secrets).not.toContain(secret);
  });

  it('refuses enrolment before the e-mailed code in this session, and on another agent’s session', async () => {
    const h = await passkeyServer(browser);
    const agent = await h.as(ana.id);
    const id = await atAgentStep(agent);
    const early = await agent.post(`/sessions/${id}/passkeys/options`);
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('step_up_not_allowed');
    // A code passed in ANOTHER session does not open enrolment here.
    const other = await atAgentStep(agent);
    await passAgentCode(h, agent, other);
    expect((await agent.post(`/sessions/${id}/passkeys/options`)).body.error.code).toBe(
      'step_up_not_allowed',
    );
    const intruder = await h.as(bruno.id);
    const foreign = await intruder.post(`/sessions/${other}/passkeys/options`);
    expect(foreign.body.error.code).toBe('not_found');
    expect(await count(h.server, 'support_passkey_challenges')).toBe(0);
    expect((await auditOf(h, 'passkey.register.options')).map((r) => r.detail.error)).toEqual([
      'step_up_not_allowed',
      'step_up_not_allowed',
      'not_found',
    ]);
    // Step-up options without a passkey: nothing to sign with.
    const none = await agent.post(`/sessions/${id}/agent-passkey/options`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('passkey_not_enrolled');
  });

  it("under 'email-code' (the default) every passkey route is refused and the view offers the code only", async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await atAgentStep(agent);
    expect((await agent.get(`/sessions/${id}`)).body.agentStepUp).toEqual({
      methods: ['email_code'],
      passkeyEnrolled: false,
      enrolmentOpen: false,
    });
    await passAgentCode(h, agent, id);
    for (const path of [`/sessions/${id}/passkeys/options`, `/sessions/${id}/agent-passkey/options`]) {
      const refused = await agent.post(path);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('step_up_not_allowed');
    }
    await expect(h.server.passkeys.registrationOptions({ agentId: ana.id })).rejects.toMatchObject({
      code: 'step_up_not_allowed',
    });
  });

  it("under 'passkey' the e-mailed agent code is refused and not offered; the host enrols", async () => {
    const h = await passkeyServer(browser, 'passkey');
    const agent = await h.as(ana.id);
    const id = await atAgentStep(agent);
    expect((await agent.get(`/sessions/${id}`)).body.agentStepUp.methods).toEqual(['passkey']);
    const send = await agent.post(`/sessions/${id}/agent-code`);
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('step_up_not_allowed');
    expect((await agent.post(`/sessions/${id}/agent-code/verify`, { code: '123456' })).body.error.code).toBe(
      'step_up_not_allowed',
    );
    expect(await count(h.server, 'support_codes')).toBe(0);
    expect((await auditOf(h, 'code.send.agent')).map((r) => r.detail.error)).toEqual(['step_up_not_allowed']);

    // The host verified the agent itself and enrols a passkey for them.
    const device = await browser.open(browser.origin);
    const options = await h.server.passkeys.registrationOptions({ agentId: ana.id });
    expect(options.authenticatorSelection?.userVerification).toBe('required');
    const summary = await h.server.passkeys.register(
      { agentId: ana.id },
      await device.create(options),
      'Desk key',
    );
    expect(summary.name).toBe('Desk key');
    expect((await auditOf(h, 'passkey.register'))[0]?.detail).toEqual({ passkeyId: summary.id, via: 'host' });
    await expect(
      h.server.passkeys.register({ agentId: ana.id }, { not: 'a credential' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(h.server.passkeys.registrationOptions({ agentId: 'not-an-id' })).rejects.toMatchObject({
      code: 'invalid_input',
      details: { issues: [expect.objectContaining({ path: 'agent.agentId' })] },
    });

    const { assertion } = await signedAssertion(agent, id, device);
    const verified = await agent.post(`/sessions/${id}/agent-passkey/verify`, { credential: assertion });
    expect(verified.body.step).toBe('user_code');
  });

  it('lists and removes only the calling agent’s own passkeys', async () => {
    const h = await passkeyServer(browser);
    const device = await browser.open(browser.origin);
    const mine = await h.server.passkeys.register(
      { agentId: ana.id },
      await device.create(await h.server.passkeys.registrationOptions({ agentId: ana.id })),
    );
    const theirs = await h.server.passkeys.register(
      { agentId: bruno.id },
      await device.create(await h.server.passkeys.registrationOptions({ agentId: bruno.id })),
    );
    const ana1 = await h.as(ana.id);
    const bruno1 = await h.as(bruno.id);
    expect((await ana1.get('/passkeys')).body.items.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    const foreign = await ana1.post(`/passkeys/${theirs.id}/remove`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect(await count(h.server, 'support_passkeys')).toBe(2);
    const removed = await ana1.post(`/passkeys/${mine.id}/remove`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ items: [] });
    expect((await bruno1.get('/passkeys')).body.items.map((p: { id: string }) => p.id)).toEqual([theirs.id]);
    expect((await auditOf(h, 'passkey.remove')).map((r) => [r.outcome, r.detail])).toEqual([
      ['refused', { error: 'not_found' }],
      ['ok', { passkeyId: mine.id }],
    ]);
  });
});
