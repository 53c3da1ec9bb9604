import { AssistedSession } from '@waizant/support-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PRUNE_BATCH_SIZE } from '../src/services/prune.js';
import {
  type Agent,
  type ApiResponse,
  BACKEND,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  openTechnicalSession,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const CLIENT = { id: 'web-backend', secret: 'web-backend-secret-0123456789-abcdefghij' };
const HOUR = 3600;

function refresh(h: Harness, refreshToken: string): Promise<ApiResponse> {
  return h.call('POST', '/assisted/refresh', {
    rawBody: new URLSearchParams({ refresh_token: refreshToken }).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
    },
  });
}

async function redeem(h: Harness, agent: Agent, sessionId: string): Promise<AssistedSession> {
  const created = await agent.post(`/sessions/${sessionId}/handoffs`, { destination: 'web' });
  expect(created.status).toBe(201);
  const token = new URL(created.body.link).hash.replace('#token=', '');
  const redeemed = await h.call('POST', '/handoffs/redeem', { body: { token } });
  expect(redeemed.status).toBe(200);
  return AssistedSession.parse(redeemed.body);
}

function lookup(agent: Agent): Promise<ApiResponse> {
  return agent.post('/lookup', { email: admin.email, flow: 'technical-assistance' });
}

describe(`the sweep prunes rows no rule needs any more (${BACKEND})`, () => {
  it('rate-limit windows: kept (and still tripping) while any window can be current, deleted after', async () => {
    const h = await harness({ limits: { lookupsPerAgentPerMinute: 2 } });
    const agent = await h.as(ana.id);
    expect([(await lookup(agent)).status, (await lookup(agent)).status]).toEqual([200, 200]);
    const before = await count(h.server, 'support_rate_limits');
    expect(before).toBeGreaterThan(0);
    h.clock.advance(59);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_rate_limits')).toBe(before);
    // The window survived the sweep, so the limit still trips inside it.
    expect((await lookup(agent)).status).toBe(429);
    // One second short of the retention: still kept.
    h.clock.advance(2 * HOUR - 60);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_rate_limits')).toBe(before);
    const fresh = await h.as(ana.id);
    expect((await lookup(fresh)).status).toBe(200);
    h.clock.advance(1);
    await h.server.sweepExpiredSessions();
    // Only the old window went; the one just counted in stays.
    expect(await count(h.server, 'support_rate_limits')).toBe(1);
    expect(
      await count(
        h.server,
        'support_rate_limits',
        `window_start > '${new Date(h.clock.now().getTime() - HOUR * 1000).toISOString()}'`,
      ),
    ).toBe(1);
  });

  it('idempotency keys: a retry within 24 h still replays after a sweep; after 24 h the key is gone', async () => {
    const h = await harness();
    const key = { 'Idempotency-Key': 'prune-key-0123456789abcdef' };
    const body = { flow: 'technical-assistance', userId: admin.id };
    const first = await (await h.as(ana.id)).post('/sessions', body, key);
    expect(first.status).toBe(201);
    h.clock.advance(24 * HOUR - 1);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_idempotency')).toBe(1);
    const replay = await (await h.as(ana.id)).post('/sessions', body, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await count(h.server, 'support_sessions')).toBe(1);
    h.clock.advance(1);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_idempotency')).toBe(0);
  });

  it('spent refresh tokens: reuse is still detected while the assisted session lives; pruned once it cannot refresh', async () => {
    const h = await harness({ destinationClients: [CLIENT] });
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const assisted = await redeem(h, agent, id);
    const rotated = await refresh(h, assisted.refreshToken);
    expect(rotated.status).toBe(200);
    expect(await count(h.server, 'support_assisted_spent_refresh')).toBe(1);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_assisted_spent_refresh')).toBe(1);
    // The spent token again, after the sweep: still reuse, which ends the assisted session.
    const replay = await refresh(h, assisted.refreshToken);
    expect(replay.body.error.code).toBe('assisted_session_ended');
    expect(
      await count(
        h.server,
        'support_audit',
        "action = 'assisted.refresh' AND detail->>'error' = 'refresh_reuse'",
      ),
    ).toBe(1);
    expect(
      await count(
        h.server,
        'support_assisted_sessions',
        `id = '${assisted.assistedSessionId}' AND ended_at IS NOT NULL`,
      ),
    ).toBe(1);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_assisted_spent_refresh')).toBe(0);

    // Another assisted session, rotated; its support session is cancelled: its spent hash goes.
    const other = await verifiedTechnicalSession(h, agent, admin);
    const second = await redeem(h, agent, other);
    expect((await refresh(h, second.refreshToken)).status).toBe(200);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_assisted_spent_refresh')).toBe(1);
    expect((await agent.post(`/sessions/${other}/cancel`, { reason: 'done helping' })).status).toBe(200);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_assisted_spent_refresh')).toBe(0);
  });

  it('passkey challenges: kept until expires_at, deleted after', async () => {
    const h = await harness({
      agentStepUp: 'passkey-or-email',
      passkey: { rpId: 'localhost', rpName: 'Waizant Support (test)', origins: ['http://localhost:8080'] },
    });
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    expect((await agent.post(`/sessions/${id}/passkeys/options`)).status).toBe(200);
    const stored = await h.server.database.query('SELECT * FROM support_passkey_challenges');
    expect(stored.rows).toHaveLength(1);
    h.clock.advance(119);
    await h.server.sweepExpiredSessions();
    expect((await h.server.database.query('SELECT * FROM support_passkey_challenges')).rows).toEqual(
      stored.rows,
    );
    h.clock.advance(1);
    await h.server.sweepExpiredSessions();
    expect(await count(h.server, 'support_passkey_challenges')).toBe(0);
  });

  it(`one sweep deletes at most ${PRUNE_BATCH_SIZE} rows per table; the next ones take the rest`, async () => {
    const h = await harness({ destinationClients: [CLIENT] });
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const assisted = await redeem(h, agent, id);
    expect((await agent.post(`/sessions/${id}/cancel`, { reason: 'done helping' })).status).toBe(200);
    const old = new Date(h.clock.now().getTime() - 48 * HOUR * 1000).toISOString();
    const extra = 500;
    const n = PRUNE_BATCH_SIZE + extra;
    const db = h.server.database;
    await db.query(
      `INSERT INTO support_rate_limits (bucket, window_start, count)
       SELECT 'bulk:' || g, $1::timestamptz, 1 FROM generate_series(1, $2::int) g`,
      [old, n],
    );
    await db.query(
      `INSERT INTO support_idempotency (agent_id, route, idempotency_key, request_hash, created_at)
       SELECT $1::uuid, 'createSession', 'bulk-' || g, 'h', $2::timestamptz FROM generate_series(1, $3::int) g`,
      [ana.id, old, n],
    );
    await db.query(
      `INSERT INTO support_assisted_spent_refresh (refresh_hash, assisted_session_id, spent_at)
       SELECT 'bulk-' || g, $1::uuid, $2::timestamptz FROM generate_series(1, $3::int) g`,
      [assisted.assistedSessionId, old, n],
    );
    await db.query(
      `INSERT INTO support_passkey_challenges (agent_id, scope, purpose, challenge_hash, created_at, expires_at)
       SELECT $1::uuid, 'bulk-' || g, 'authenticate', 'h', $2::timestamptz, $2::timestamptz
       FROM generate_series(1, $3::int) g`,
      [ana.id, old, n],
    );
    const tables = [
      ['support_rate_limits', "bucket LIKE 'bulk:%'"],
      ['support_idempotency', "idempotency_key LIKE 'bulk-%'"],
      ['support_assisted_spent_refresh', "refresh_hash LIKE 'bulk-%'"],
      ['support_passkey_challenges', "scope LIKE 'bulk-%'"],
    ] as const;
    const left = async () => Promise.all(tables.map(([table, where]) => count(h.server, table, where)));
    expect(await left()).toEqual([n, n, n, n]);
    await h.server.sweepExpiredSessions();
    expect(await left()).toEqual([extra, extra, extra, extra]);
    await h.server.sweepExpiredSessions();
    expect(await left()).toEqual([0, 0, 0, 0]);
  });
});
