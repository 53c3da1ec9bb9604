/**
 * Access re-checked at every step: a user disabled (Core DB or identity provider) or removed
 * from the selected ecosystem after the session opened, and an agent deactivated meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  latestCode,
  openTechnicalSession,
  snapshot,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const perez = DEMO.ecosystems.perez.id;
const DESTINATION_APP = { Origin: 'https://web.example', 'Sec-Fetch-Site': 'cross-site' };

type Cause = 'core' | 'identity' | 'membership';

const CAUSES: ReadonlyArray<[Cause, string, string]> = [
  ['core', 'disabled in the Core DB', 'account_disabled'],
  ['identity', 'disabled in the identity provider (Core DB active)', 'account_disabled'],
  ['membership', 'removed from the selected ecosystem', 'membership_removed'],
];

async function makeIneligible(h: Harness, cause: Cause): Promise<void> {
  const db = h.server.database;
  if (cause === 'core') await db.query("UPDATE core_users SET status = 'disabled' WHERE id = $1", [admin.id]);
  else if (cause === 'identity') await h.server.identity.setUserEnabled?.(admin.email, false);
  else
    await db.query('DELETE FROM core_memberships WHERE user_id = $1 AND ecosystem_id = $2', [
      admin.id,
      perez,
    ]);
}

/** Undoes the cause, to show a revoked secret stays dead even when the user is eligible again. */
async function restore(h: Harness, cause: Cause): Promise<void> {
  const db = h.server.database;
  if (cause === 'core') await db.query("UPDATE core_users SET status = 'active' WHERE id = $1", [admin.id]);
  else if (cause === 'identity') await h.server.identity.setUserEnabled?.(admin.email, true);
  else
    await db.query(
      `INSERT INTO core_memberships (user_id, ecosystem_id, role, inherited) VALUES ($1, $2, 'administrator', false)`,
      [admin.id, perez],
    );
}

interface SessionState {
  step: string;
  ineligible_reason: string | null;
  closed_at: unknown;
  code_attempts: number;
}

async function session(h: Harness, id: string): Promise<SessionState> {
  const { rows } = await h.server.database.query<SessionState>(
    'SELECT step, ineligible_reason, closed_at, code_attempts FROM support_sessions WHERE id = $1',
    [id],
  );
  return rows[0] as SessionState;
}

async function liveSecrets(h: Harness, id: string): Promise<number> {
  return (
    (await count(
      h.server,
      'support_codes',
      `session_id = '${id}' AND consumed_at IS NULL AND revoked_at IS NULL`,
    )) +
    (await count(
      h.server,
      'support_handoffs',
      `session_id = '${id}' AND claimed_at IS NULL AND revoked_at IS NULL`,
    ))
  );
}

function tokenOf(link: string): string {
  return new URL(link).hash.replace('#token=', '');
}

async function redeem(h: Harness, token: string) {
  return h.call('POST', '/handoffs/redeem', { body: { token }, headers: DESTINATION_APP });
}

async function handoff(agent: Agent, id: string, destination = 'web'): Promise<string> {
  const r = await agent.post(`/sessions/${id}/handoffs`, { destination });
  if (r.status !== 201) throw new Error(`handoff ${JSON.stringify(r.body)}`);
  return tokenOf(r.body.link);
}

/** The closing the brief asks for: closed `ineligible` with its reason, nothing live, one audit record. */
async function expectClosed(h: Harness, agent: Agent, id: string, reason: string, on: string) {
  const row = await session(h, id);
  expect(row.step).toBe('ineligible');
  expect(row.ineligible_reason).toBe(reason);
  expect(row.closed_at).not.toBeNull();
  expect(await liveSecrets(h, id)).toBe(0);
  const { rows } = await h.server.database.query<{
    detail: { reason: string; on: string };
    agent_id: string;
  }>("SELECT detail, agent_id FROM support_audit WHERE action = 'session.ineligible'");
  expect(rows).toHaveLength(1);
  expect(rows[0]?.detail).toMatchObject({ reason, on });
  expect(rows[0]?.agent_id).toBe(ana.id);
  expect(JSON.stringify(rows[0])).not.toContain(id);
  // The agent's view says why, and every later command is refused the same way.
  const view = await agent.get(`/sessions/${id}`);
  expect(view.body).toMatchObject({ step: 'ineligible', ineligibleReason: reason });
  const again = await agent.post(`/sessions/${id}/user-code`);
  expect(again.status).toBe(410);
  expect(again.body.error).toMatchObject({ code: 'user_ineligible', details: { ineligibleReason: reason } });
}

function expectRefused(r: { status: number; body: { error: unknown } }, reason: string) {
  expect(r.status).toBe(410);
  expect(r.body.error).toMatchObject({ code: 'user_ineligible', details: { ineligibleReason: reason } });
}

describe.each(CAUSES)('a user %s after the session opened', (cause, _label, reason) => {
  it('send-code: refused, the session closes, the live code is revoked, no e-mail goes out', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    expect((await agent.post(`/sessions/${id}/user-code`)).status).toBe(200);
    const mails = await count(h.server, 'support_outbox');
    await makeIneligible(h, cause);
    h.clock.advance(31);
    expectRefused(await agent.post(`/sessions/${id}/user-code`), reason);
    expect(await count(h.server, 'support_outbox')).toBe(mails);
    await expectClosed(h, agent, id, reason, 'code.send.user');
  });

  it('verify: refused without spending an attempt; the right code no longer passes', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${id}/user-code`);
    const code = await latestCode(h.server, admin.email);
    await makeIneligible(h, cause);
    expectRefused(await agent.post(`/sessions/${id}/user-code/verify`, { code }), reason);
    expect((await session(h, id)).code_attempts).toBe(0);
    await expectClosed(h, agent, id, reason, 'code.verify.user');
    await restore(h, cause);
    const retried = await agent.post(`/sessions/${id}/user-code/verify`, { code });
    expect(retried.body.error.code).toBe('user_ineligible');
    expect((await session(h, id)).step).toBe('ineligible');
  });

  it('create-handoff: refused; a link issued before no longer redeems, even once the user is eligible again', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const earlier = await handoff(agent, id);
    await makeIneligible(h, cause);
    expectRefused(await agent.post(`/sessions/${id}/handoffs`, { destination: 'store' }), reason);
    expect(await count(h.server, 'support_handoffs', `session_id = '${id}'`)).toBe(1);
    await expectClosed(h, agent, id, reason, 'handoff.create');
    await restore(h, cause);
    const r = await redeem(h, earlier);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('handoff_invalid');
  });

  it('redeem: the destination gets the generic refusal, the session closes and its other links die', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const first = await handoff(agent, id, 'web');
    const second = await handoff(agent, id, 'app');
    await makeIneligible(h, cause);
    const r = await redeem(h, first);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('handoff_invalid');
    expect(await count(h.server, 'support_handoffs', `session_id = '${id}' AND claimed_at IS NOT NULL`)).toBe(
      0,
    );
    await expectClosed(h, agent, id, reason, 'handoff.redeem');
    await restore(h, cause);
    expect((await redeem(h, second)).body.error.code).toBe('handoff_invalid');
    expect((await redeem(h, first)).body.error.code).toBe('handoff_invalid');
  });
});

describe('the identity provider’s answer is part of the rule', () => {
  it('the closing audit names the provider’s status when it decided', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    await makeIneligible(h, 'identity');
    await agent.post(`/sessions/${id}/user-code`);
    const { rows } = await h.server.database.query<{ detail: Record<string, string> }>(
      "SELECT detail FROM support_audit WHERE action = 'session.ineligible'",
    );
    expect(rows[0]?.detail).toEqual({
      reason: 'account_disabled',
      on: 'code.send.user',
      identityStatus: 'disabled',
    });
  });

  it('an eligible user passes every re-check: the flow runs to a redeemed link', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    expect((await redeem(h, await handoff(agent, id))).status).toBe(200);
    expect(await count(h.server, 'support_audit', "action = 'session.ineligible'")).toBe(0);
  });
});

describe('an agent deactivated after the session opened', () => {
  async function deactivate(h: Harness) {
    await h.server.database.query('UPDATE core_agents SET active = false WHERE id = $1', [ana.id]);
  }

  it('send-code, verify and create-handoff answer 401 and change nothing', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const atUserCode = await openTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${atUserCode}/user-code`);
    const code = await latestCode(h.server, admin.email);
    const verified = await verifiedTechnicalSession(h, agent, admin);
    await deactivate(h);
    const before = await snapshot(h.server);
    h.clock.advance(31);
    const answers = [
      await agent.post(`/sessions/${atUserCode}/user-code`),
      await agent.post(`/sessions/${atUserCode}/user-code/verify`, { code }),
      await agent.post(`/sessions/${verified}/handoffs`, { destination: 'web' }),
    ];
    expect(answers.map((r) => [r.status, r.body.error.code])).toEqual([
      [401, 'unauthorized'],
      [401, 'unauthorized'],
      [401, 'unauthorized'],
    ]);
    expect(await snapshot(h.server)).toBe(before);
  });

  it('redeem of a link the agent issued before is refused (401) and not claimed', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const token = await handoff(agent, id);
    await deactivate(h);
    const r = await redeem(h, token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('handoff_invalid');
    expect(await count(h.server, 'support_handoffs', 'claimed_at IS NOT NULL')).toBe(0);
    expect(
      await count(
        h.server,
        'support_audit',
        "action = 'handoff.redeem' AND detail->>'cause' = 'agent_inactive'",
      ),
    ).toBe(1);
  });
});

describe('whom a session is about is remembered only once it is settled (docs/security.md §2.12)', () => {
  it('a command refused before the ecosystem is chosen does not let a later one skip the membership check', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const created = await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id });
    const id = created.body.id as string;
    // Read whom the session is about while no ecosystem is chosen yet.
    const early = await agent.post(`/sessions/${id}/agent-code`);
    expect(early.status).toBe(409);
    const selected = await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: perez });
    expect(selected.status).toBe(200);
    await makeIneligible(h, 'membership');
    const sent = await agent.post(`/sessions/${id}/agent-code`);
    expect([sent.status, sent.body.error?.code]).toEqual([410, 'user_ineligible']);
    expect(await session(h, id)).toMatchObject({
      step: 'ineligible',
      ineligible_reason: 'membership_removed',
    });
  });

  it('once settled, every command still re-checks access: a membership removed later closes the session', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    // Two commands after the choice: the second one runs on the remembered subject.
    expect((await agent.post(`/sessions/${id}/user-code`)).status).toBe(200);
    await makeIneligible(h, 'membership');
    h.clock.advance(31);
    const again = await agent.post(`/sessions/${id}/user-code`);
    expect([again.status, again.body.error?.code]).toEqual([410, 'user_ineligible']);
    expect(await session(h, id)).toMatchObject({
      step: 'ineligible',
      ineligible_reason: 'membership_removed',
    });
  });
});
