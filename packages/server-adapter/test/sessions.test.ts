import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  count,
  DEMO,
  harness,
  latestCode,
  openTechnicalSession,
  snapshot,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;

async function step(h: Awaited<ReturnType<typeof harness>>, id: string) {
  const { rows } = await h.server.database.query<{ step: string }>(
    'SELECT step FROM support_sessions WHERE id = $1',
    [id],
  );
  return rows[0]?.step;
}

describe('a step cannot be skipped or done after the session closed (b4)', () => {
  it('technical assistance: user code before the agent code, handoff before verification → wrong_step, audited', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = (await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id })).body.id;
    const before = await snapshot(h.server);
    const refusals = await count(h.server, 'support_audit', "outcome = 'refused'");
    const attempts = [
      await agent.post(`/sessions/${id}/agent-code`),
      await agent.post(`/sessions/${id}/user-code`),
      await agent.post(`/sessions/${id}/user-code/verify`, { code: '123456' }),
      await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }),
      await agent.post(`/sessions/${id}/complete`),
      await agent.get(`/sessions/${id}/processes`),
    ];
    for (const r of attempts) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('wrong_step');
    }
    expect(await snapshot(h.server)).toBe(before);
    expect(await count(h.server, 'support_audit', "outcome = 'refused'")).toBe(refusals + attempts.length);

    await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    const userFirst = await agent.post(`/sessions/${id}/user-code`);
    expect(userFirst.body.error.code).toBe('wrong_step');
    const twice = await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    expect(twice.body.error.code).toBe('wrong_step');
    expect(await step(h, id)).toBe('agent_code');
  });

  it('ecosystem admin: agent code before the user code → wrong_step; no handoffs in this flow', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = (await agent.post('/sessions', { flow: 'ecosystem-admin', userId: DEMO.users.successor.id }))
      .body.id;
    expect((await agent.post(`/sessions/${id}/agent-code`)).body.error.code).toBe('wrong_step');
    expect(
      (await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.lopez.id })).body.error
        .code,
    ).toBe('wrong_step');
    expect((await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' })).body.error.code).toBe(
      'wrong_step',
    );
  });

  it('after cancel every command is refused with session_closed and audited; the view says cancelled', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    expect((await agent.post(`/sessions/${id}/cancel`, { reason: 'The user hung up' })).body.step).toBe(
      'cancelled',
    );
    const before = await snapshot(h.server);
    for (const r of [
      await agent.post(`/sessions/${id}/user-code`),
      await agent.post(`/sessions/${id}/user-code/verify`, { code: '123456' }),
      await agent.post(`/sessions/${id}/activity`),
      await agent.post(`/sessions/${id}/cancel`, { reason: 'again' }),
      await agent.post(`/sessions/${id}/handoffs`, { destination: 'app' }),
    ]) {
      expect(r.status).toBe(410);
      expect(r.body.error.code).toBe('session_closed');
    }
    expect(await snapshot(h.server)).toBe(before);
    expect(
      await count(h.server, 'support_audit', "outcome = 'refused' AND detail->>'error' = 'session_closed'"),
    ).toBe(5);
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('cancelled');
  });

  it('an ineligible user cannot get a session', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    for (const user of [DEMO.users.unconfirmed, DEMO.users.disabled, DEMO.users.lonely]) {
      const r = await agent.post('/sessions', { flow: 'technical-assistance', userId: user.id });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('not_eligible');
    }
    const unknown = await agent.post('/sessions', {
      flow: 'technical-assistance',
      userId: '00000000-0000-4000-8000-00000000dead',
    });
    expect(unknown.status).toBe(404);
    expect(await count(h.server, 'support_sessions')).toBe(0);
  });
});

describe('cancelling stores the reason as data and revokes every secret (b8, b13)', () => {
  it('stores hostile reasons verbatim (as data) and revokes codes and handoffs in the same transaction', async () => {
    for (const reason of [
      '<img src=x onerror=alert(1)>',
      '"><svg onload=alert(1)>',
      "'; DROP TABLE support_sessions; --",
    ]) {
      const h = await harness();
      const agent = await h.as(ana.id);
      const id = await verifiedTechnicalSession(h, agent, admin);
      const handoff = (await agent.post(`/sessions/${id}/handoffs`, { destination: 'app' })).body;
      const token = new URL(handoff.link).hash.replace('#token=', '');
      const r = await agent.post(`/sessions/${id}/cancel`, { reason });
      expect(r.status).toBe(200);
      expect(r.body.step).toBe('cancelled');
      const { rows } = await h.server.database.query<{ cancel_reason: string }>(
        'SELECT cancel_reason FROM support_sessions WHERE id = $1',
        [id],
      );
      expect(rows[0]?.cancel_reason).toBe(reason);
      const audit = await h.server.database.query<{ reason: string }>(
        "SELECT detail->>'reason' AS reason FROM support_audit WHERE action = 'session.cancel'",
      );
      expect(audit.rows[0]?.reason).toBe(reason);
      expect((await agent.get(`/sessions/${id}/handoffs/${handoff.id}`)).body.state).toBe('revoked');
      const redeem = await h.call('POST', '/handoffs/redeem', { body: { token } });
      expect(redeem.status).toBe(401);
      expect(redeem.body.error.code).toBe('handoff_invalid');
      expect(await count(h.server, 'support_handoffs', 'revoked_at IS NULL AND claimed_at IS NULL')).toBe(0);
      await closeAll();
    }
  });

  it('cancel at a code step revokes the live code', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${id}/user-code`);
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(1);
    await agent.post(`/sessions/${id}/cancel`, { reason: 'Wrong person on the line' });
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(0);
  });
});

describe('a handoff link works once and only within its TTL (b2, b3)', () => {
  it('a handoff token works once; a replay is a generic 401 with no state change', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const handoff = (await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' })).body;
    const token = new URL(handoff.link).hash.replace('#token=', '');
    expect((await h.call('POST', '/handoffs/redeem', { body: { token } })).status).toBe(200);
    const before = await snapshot(h.server);
    const again = await h.call('POST', '/handoffs/redeem', { body: { token } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('handoff_invalid');
    const unknown = await h.call('POST', '/handoffs/redeem', { body: { token: 'A'.repeat(22) } });
    expect(unknown.body).toEqual(again.body);
    expect(await snapshot(h.server)).toBe(before);
  });

  it('handoff TTL: redeemed at 119 s, refused at 121 s', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const early = (await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' })).body;
    const late = (await agent.post(`/sessions/${id}/handoffs`, { destination: 'store' })).body;
    h.clock.advance(119);
    const ok = await h.call('POST', '/handoffs/redeem', {
      body: { token: new URL(early.link).hash.slice(7) },
    });
    expect(ok.status).toBe(200);
    h.clock.advance(2);
    const refused = await h.call('POST', '/handoffs/redeem', {
      body: { token: new URL(late.link).hash.slice(7) },
    });
    expect(refused.status).toBe(401);
    expect((await agent.get(`/sessions/${id}/handoffs/${late.id}`)).body.state).toBe('expired');
  });
});

describe('a session closes after 15 idle minutes or at its absolute cap (b16)', () => {
  it('activity at 14:59 keeps the session alive and extends it; 15:01 without activity expires it (audited, refused)', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    h.clock.advance(14 * 60 + 59);
    const touched = await agent.post(`/sessions/${id}/activity`);
    expect(touched.status).toBe(200);
    expect(touched.body.warnAt).toBe(new Date(h.clock.now().getTime() + 14 * 60 * 1000).toISOString());
    expect(touched.body.serverTime).toBe(h.clock.now().toISOString());
    h.clock.advance(14 * 60 + 59);
    expect((await agent.post(`/sessions/${id}/user-code`)).status).toBe(200);
    h.clock.advance(15 * 60 + 1);
    const late = await agent.post(`/sessions/${id}/activity`);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('session_expired');
    expect(await step(h, id)).toBe('expired');
    expect(await count(h.server, 'support_audit', "action = 'session.expire'")).toBe(1);
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(0);
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('expired');
  });

  it('the absolute cap (60 min) holds even with activity', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = (await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id })).body.id;
    for (let i = 0; i < 4; i++) {
      h.clock.advance(14 * 60 + 59);
      expect((await agent.post(`/sessions/${id}/activity`)).status).toBe(200);
    }
    h.clock.advance(5);
    const fresh = await h.as(ana.id); // the first agent token (1 h) has run out too
    const r = await fresh.post(`/sessions/${id}/activity`);
    expect(r.body.error.code).toBe('session_expired');
    const { rows } = await h.server.database.query<{ limit: string }>(
      "SELECT detail->>'limit' AS limit FROM support_audit WHERE action = 'session.expire'",
    );
    expect(rows[0]?.limit).toBe('absolute');
  });

  it('sweepExpiredSessions closes idle sessions in one statement and audits each', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const a = (await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id })).body.id;
    const b = (await agent.post('/sessions', { flow: 'technical-assistance', userId: DEMO.users.managed.id }))
      .body.id;
    h.clock.advance(10 * 60);
    const c = (await agent.post('/sessions', { flow: 'ecosystem-admin', userId: DEMO.users.successor.id }))
      .body.id;
    h.clock.advance(5 * 60 + 1);
    expect(await h.server.sweepExpiredSessions()).toBe(2);
    expect([await step(h, a), await step(h, b), await step(h, c)]).toEqual([
      'expired',
      'expired',
      'user_code',
    ]);
    expect(await count(h.server, 'support_audit', "action = 'session.expire'")).toBe(2);
    expect(await h.server.sweepExpiredSessions()).toBe(0);
  });
});

describe('a command repeated with an Idempotency-Key changes state once (b7)', () => {
  it('create, send and cancel repeated with the same key: one state change, one e-mail', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const key = (n: string) => ({ 'Idempotency-Key': `key-${n}-0123456789abcdef` });
    const body = { flow: 'technical-assistance', userId: admin.id };
    const [c1, c2] = [
      await agent.post('/sessions', body, key('c')),
      await agent.post('/sessions', body, key('c')),
    ];
    expect(c1.status).toBe(201);
    expect(c2.status).toBe(201);
    expect(c2.body).toEqual(c1.body);
    expect(c2.headers.get('idempotent-replayed')).toBe('true');
    expect(await count(h.server, 'support_sessions')).toBe(1);
    const id = c1.body.id;
    await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    const sends = await Promise.all(
      [1, 2, 3].map(() => agent.post(`/sessions/${id}/agent-code`, {}, key('s'))),
    );
    expect(sends.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(sends.every((r) => r.status === 200 || r.body.error.code === 'rate_limited')).toBe(true);
    h.clock.advance(1);
    expect((await agent.post(`/sessions/${id}/agent-code`, {}, key('s'))).status).toBe(200);
    expect(await count(h.server, 'support_outbox')).toBe(1);
    const cancels = [
      await agent.post(`/sessions/${id}/cancel`, { reason: 'duplicate click' }, key('x')),
      await agent.post(`/sessions/${id}/cancel`, { reason: 'duplicate click' }, key('x')),
    ];
    expect(cancels.map((r) => r.status)).toEqual([200, 200]);
    expect(await count(h.server, 'support_audit', "action = 'session.cancel'")).toBe(1);
    const other = await agent.post(`/sessions/${id}/cancel`, { reason: 'another reason' }, key('x'));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
    // Keys are per agent: another agent's identical key is a different key.
    const bruno = await h.as(DEMO.agents.bruno.id);
    expect((await bruno.post('/sessions', body, key('c'))).status).toBe(201);
    expect(await count(h.server, 'support_sessions')).toBe(2);
    expect(await latestCode(h.server, ana.email)).toMatch(/^\d{6}$/);
  });
});

describe('rate limits', () => {
  it('lookups per agent per minute trip, and reset in the next window', async () => {
    const h = await harness({ limits: { lookupsPerAgentPerMinute: 3 } });
    const agent = await h.as(ana.id);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await agent.post('/lookup', { email: admin.email, flow: 'technical-assistance' })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
    const bruno = await h.as(DEMO.agents.bruno.id);
    expect((await bruno.post('/lookup', { email: admin.email, flow: 'technical-assistance' })).status).toBe(
      200,
    );
    h.clock.advance(60);
    expect((await agent.post('/lookup', { email: admin.email, flow: 'technical-assistance' })).status).toBe(
      200,
    );
    expect(
      await count(
        h.server,
        'support_audit',
        "action = 'lookup' AND outcome = 'refused' AND detail->>'bucket' = 'lookup_agent'",
      ),
    ).toBe(1);
  });
});
