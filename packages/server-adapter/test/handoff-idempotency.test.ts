/**
 * `POST /sessions/{id}/handoffs` honours Idempotency-Key: a retried click gets the same link to
 * the same single handoff, without the link's secret resting anywhere in plaintext.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, count, DEMO, harness, verifiedTechnicalSession } from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const key = (n: string) => ({ 'Idempotency-Key': `handoff-${n}-0123456789abcdef` });
const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

describe('handoff creation with an Idempotency-Key', () => {
  it('two POSTs with the same key: the same link, exactly one live handoff row, nothing secret stored', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const first = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('a'));
    h.clock.advance(10);
    const retry = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('a'));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.link).toBe(first.body.link);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.expiresAt).toBe(first.body.expiresAt);
    // The countdown of the replay starts from the link's real remaining life.
    expect(retry.body.expiresIn).toBe(first.body.expiresIn - 10);
    expect(await count(h.server, 'support_handoffs', `session_id = '${id}'`)).toBe(1);
    expect(await count(h.server, 'support_audit', "action = 'handoff.create'")).toBe(1);
    const token = tokenOf(first.body.link);
    const { rows } = await h.server.database.query<{ response: unknown }>(
      "SELECT response FROM support_idempotency WHERE route = 'createHandoff'",
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]?.response)).not.toContain(token);
    expect(JSON.stringify(rows[0]?.response)).not.toContain('link');
    // The one link redeems once; a later replay still names it, and it stays spent.
    const redeemed = await h.call('POST', '/handoffs/redeem', {
      body: { token },
      headers: { Origin: 'https://web.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(redeemed.status).toBe(200);
    const late = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('a'));
    expect(late.body.link).toBe(first.body.link);
    expect(await count(h.server, 'support_handoffs', `session_id = '${id}'`)).toBe(1);
  });

  it('different keys: two links and two rows, as without a key', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const a = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('a'));
    const b = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('b'));
    const none = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' });
    expect([a.status, b.status, none.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.link, b.body.link, none.body.link]).size).toBe(3);
    expect(tokenOf(a.body.link)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await count(h.server, 'support_handoffs', `session_id = '${id}'`)).toBe(3);
  });

  it('the same key with a different body is refused and creates nothing', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' }, key('a'));
    const other = await agent.post(`/sessions/${id}/handoffs`, { destination: 'app' }, key('a'));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
    expect(await count(h.server, 'support_handoffs')).toBe(1);
    // A refusal is replayed as a refusal: the same key does not retry a forbidden destination.
    const managed = await verifiedTechnicalSession(h, agent, DEMO.users.managed);
    const store = await agent.post(`/sessions/${managed}/handoffs`, { destination: 'store' }, key('s'));
    const again = await agent.post(`/sessions/${managed}/handoffs`, { destination: 'store' }, key('s'));
    expect([store.status, again.status]).toEqual([403, 403]);
    expect(again.body).toEqual(store.body);
  });
});
