import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, closeAll, count, DEMO, type Harness } from './helpers.js';
import { atAgentStep, auditAndLogs, auditOf, passkeyServer, signedAssertion } from './support/passkeys.js';
import { type Device, launchWebAuthnBrowser, type WebAuthnBrowser } from './support/webauthn-browser.js';

let browser: WebAuthnBrowser;
beforeAll(async () => {
  browser = await launchWebAuthnBrowser();
});
afterAll(() => browser?.close());
afterEach(closeAll);

const { ana, bruno } = DEMO.agents;

/** Ana with one passkey on a fresh device (enrolled by the host: the shortest real path). */
async function enrolled(h: Harness): Promise<{ agent: Agent; device: Device }> {
  const device = await browser.open(browser.origin);
  const options = await h.server.passkeys.registrationOptions({ agentId: ana.id });
  await h.server.passkeys.register({ agentId: ana.id }, await device.create(options));
  return { agent: await h.as(ana.id), device };
}

async function stepOf(h: Harness, agent: Agent, id: string) {
  const view = await agent.get(`/sessions/${id}`);
  const { rows } = await h.server.database.query<{ code_attempts: number }>(
    'SELECT code_attempts FROM support_sessions WHERE id = $1',
    [id],
  );
  return { step: view.body.step as string, attempts: rows[0]?.code_attempts };
}

/** Posts the assertion and expects the typed refusal that costs one attempt, audited with `reason`. */
async function expectRefused(h: Harness, agent: Agent, id: string, assertion: unknown, reason: string) {
  const before = (await stepOf(h, agent, id)).attempts ?? 0;
  const refused = await agent.post(`/sessions/${id}/agent-passkey/verify`, { credential: assertion });
  expect(refused.status, JSON.stringify(refused.body)).toBe(422);
  expect(refused.body.error.code).toBe('passkey_refused');
  const max = h.server.limits.codeMaxAttempts;
  expect(refused.body.error.details).toEqual({ attemptsLeft: max - before - 1 });
  expect(await stepOf(h, agent, id)).toEqual({ step: 'agent_code', attempts: before + 1 });
  const last = (await auditOf(h, 'code.verify.agent')).at(-1);
  expect(last).toMatchObject({
    outcome: 'refused',
    detail: { method: 'passkey', error: 'passkey_refused', reason, attemptsLeft: max - before - 1 },
  });
  // The session's challenge is spent by the refusal.
  expect(await count(h.server, 'support_passkey_challenges', `scope = '${id}'`)).toBe(0);
}

async function expectNoSecrets(h: Harness, ...secrets: string[]) {
  const text = await auditAndLogs(h);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('passkey assertions that must not pass the agent step', () => {
  it('a replayed assertion: refused on its own session (already passed) and on another', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const first = await atAgentStep(agent);
    const { options, assertion } = await signedAssertion(agent, first, device);
    expect(
      (await agent.post(`/sessions/${first}/agent-passkey/verify`, { credential: assertion })).body.step,
    ).toBe('user_code');
    const again = await agent.post(`/sessions/${first}/agent-passkey/verify`, { credential: assertion });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('wrong_step');
    expect((await auditOf(h, 'code.verify.agent')).at(-1)).toMatchObject({
      outcome: 'refused',
      detail: { error: 'wrong_step' },
    });
    // On a second session with its own fresh challenge, the old assertion is a wrong answer.
    const second = await atAgentStep(agent);
    await agent.post(`/sessions/${second}/agent-passkey/options`);
    await expectRefused(h, agent, second, assertion, 'challenge_mismatch');
    await expectNoSecrets(h, options.challenge, assertion.id, assertion.response.signature);
  });

  it('a counter that goes backwards is refused and the stored counter stays', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const id = await atAgentStep(agent);
    const { assertion } = await signedAssertion(agent, id, device);
    // As if a clone of the authenticator had already been used many more times.
    await h.server.database.query('UPDATE support_passkeys SET sign_count = 1000000');
    await expectRefused(h, agent, id, assertion, 'counter');
    const { rows } = await h.server.database.query<{ sign_count: unknown; last_used_at: unknown }>(
      'SELECT sign_count, last_used_at FROM support_passkeys',
    );
    expect(rows.map((r) => [Number(r.sign_count), r.last_used_at])).toEqual([[1000000, null]]);
  });

  it('an assertion made on another origin is refused', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    // The same key in a browser tab on another port: same RP id, an origin the server does not list.
    const elsewhere = await browser.open(`http://localhost:${browser.otherPort}`);
    for (const credential of await device.credentials()) await elsewhere.addCredential(credential);
    const id = await atAgentStep(agent);
    const { assertion } = await signedAssertion(agent, id, elsewhere);
    await expectRefused(h, agent, id, assertion, 'origin');
  });

  it('an assertion for another RP id is refused', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    // The same key, bound to "sub.localhost", on a listed origin of that host.
    const other = await browser.open(`http://sub.localhost:${browser.port}`);
    for (const credential of await device.credentials()) {
      await other.addCredential({ ...credential, rpId: 'sub.localhost' });
    }
    const id = await atAgentStep(agent);
    const options = (await agent.post(`/sessions/${id}/agent-passkey/options`)).body;
    const assertion = await other.get({ ...options, rpId: 'sub.localhost' });
    await expectRefused(h, agent, id, assertion, 'rp_id');
  });

  it('the challenge of another session is refused, and leaves that session’s challenge usable', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const mine = await atAgentStep(agent);
    const other = await atAgentStep(agent);
    const { assertion: forMine } = await signedAssertion(agent, mine, device);
    await agent.post(`/sessions/${other}/agent-passkey/options`);
    await expectRefused(h, agent, other, forMine, 'challenge_mismatch');
    const passed = await agent.post(`/sessions/${mine}/agent-passkey/verify`, { credential: forMine });
    expect(passed.body.step).toBe('user_code');
  });

  it('an expired challenge (over 2 minutes) is refused', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const id = await atAgentStep(agent);
    const { assertion } = await signedAssertion(agent, id, device);
    h.clock.advance(121);
    await expectRefused(h, agent, id, assertion, 'challenge_expired');
  });

  it("another agent's passkey does not pass this agent's step", async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const anaSession = await atAgentStep(agent);
    const { assertion } = await signedAssertion(agent, anaSession, device);
    const intruder = await h.as(bruno.id);
    const brunoSession = await atAgentStep(intruder);
    await expectRefused(h, intruder, brunoSession, assertion, 'unknown_credential');
  });

  it('refusals share the agent-code budget: the last allowed one locks the session', async () => {
    const h = await passkeyServer(browser);
    const { agent, device } = await enrolled(h);
    const id = await atAgentStep(agent);
    const { assertion } = await signedAssertion(agent, id, device);
    await agent.post(`/sessions/${id}/agent-passkey/verify`, { credential: assertion }).then((r) => {
      expect(r.body.step).toBe('user_code');
    });
    const locked = await atAgentStep(agent);
    const max = h.server.limits.codeMaxAttempts;
    for (let i = 1; i < max; i++) await expectRefused(h, agent, locked, assertion, 'no_challenge');
    const last = await agent.post(`/sessions/${locked}/agent-passkey/verify`, { credential: assertion });
    expect(last.status).toBe(423);
    expect(last.body.error.code).toBe('code_locked');
    expect((await agent.get(`/sessions/${locked}`)).body.step).toBe('locked');
    expect((await auditOf(h, 'session.lock')).length).toBe(1);
    // A fresh, correct assertion cannot reopen it.
    expect((await agent.post(`/sessions/${locked}/agent-passkey/options`)).body.error.code).toBe(
      'code_locked',
    );
  });
});
