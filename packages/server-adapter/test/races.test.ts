import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKEND, count, DEMO, latestCode } from './helpers.js';
import { HttpClient, outcomes, tally } from './support/http.js';
import { type Instances, twoInstances } from './support/instances.js';

// Races driven over loopback HTTP into two instances sharing one database (on PostgreSQL: two
// pools of 10 connections, so up to 20 statements really run at once).
const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const N = 30;

let kit: Instances;
let client: HttpClient;
beforeEach(async () => {
  kit = await twoInstances();
  client = new HttpClient();
});
afterEach(async () => {
  client.close();
  await kit.close();
});

/** Spreads calls over the two instances. */
function on(i: number) {
  return kit.http[i % 2]!.base;
}

async function atAgentCode() {
  const token = await kit.one.issueAgentToken(ana.id);
  const post = (path: string, body?: unknown) => client.call(on(0), 'POST', path, { token, body });
  const created = await post('/sessions', { flow: 'technical-assistance', userId: admin.id });
  const id = created.body.id as string;
  await post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
  expect((await post(`/sessions/${id}/agent-code`)).status).toBe(200);
  return { token, id, post, code: await latestCode(kit.one, ana.email) };
}

async function sessionRow(id: string) {
  const { rows } = await kit.one.database.query<{ step: string; code_attempts: number }>(
    'SELECT step, code_attempts FROM support_sessions WHERE id = $1',
    [id],
  );
  return rows[0];
}

describe(`races over HTTP, two instances (${BACKEND})`, () => {
  it(`${N} parallel submissions of the correct code: one 200, typed 409s, the session goes on unlocked`, async () => {
    const { token, id, code } = await atAgentCode();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        client.call(on(i), 'POST', `/sessions/${id}/agent-code/verify`, { token, body: { code } }),
      ),
    );
    const seen = tally(outcomes(results));
    expect(seen['200 ok'], JSON.stringify(seen)).toBe(1);
    // The losers are told the session moved on; nobody is told the code was wrong or the session locked.
    expect(seen['409 wrong_step'], JSON.stringify(seen)).toBe(N - 1);
    expect(await sessionRow(id)).toEqual({ step: 'user_code', code_attempts: 0 });
    expect(await count(kit.one, 'support_codes', 'consumed_at IS NOT NULL')).toBe(1);
    expect(await count(kit.one, 'support_audit', "action = 'session.lock'")).toBe(0);
    const view = await client.call(on(1), 'GET', `/sessions/${id}`, { token });
    expect(view.body.step).toBe('user_code');
  });

  it(`${N} parallel wrong codes: exactly 5 attempts counted, 4 code_invalid then code_locked`, async () => {
    const { token, id, code } = await atAgentCode();
    const bad = code === '000000' ? '000001' : '000000';
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        client.call(on(i), 'POST', `/sessions/${id}/agent-code/verify`, { token, body: { code: bad } }),
      ),
    );
    const seen = tally(outcomes(results));
    expect(seen, JSON.stringify(seen)).toEqual({ '422 code_invalid': 4, '423 code_locked': N - 4 });
    expect(await sessionRow(id)).toEqual({ step: 'locked', code_attempts: 5 });
    expect(await count(kit.one, 'support_audit', "detail->>'error' = 'code_invalid'")).toBe(4);
    expect(await count(kit.one, 'support_audit', "action = 'session.lock'")).toBe(1);
  });

  it(`${N} parallel redeems of one handoff token: exactly one assisted session`, async () => {
    const { token, id, code, post } = await atAgentCode();
    expect((await post(`/sessions/${id}/agent-code/verify`, { code })).status).toBe(200);
    expect((await post(`/sessions/${id}/user-code`)).status).toBe(200);
    const userCode = await latestCode(kit.one, admin.email);
    expect((await post(`/sessions/${id}/user-code/verify`, { code: userCode })).body.step).toBe('verified');
    const handoff = await post(`/sessions/${id}/handoffs`, { destination: 'web' });
    expect(handoff.status).toBe(201);
    const handoffToken = new URL(handoff.body.link).hash.replace('#token=', '');
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        client.call(on(i), 'POST', '/handoffs/redeem', {
          body: { token: handoffToken },
          headers: { origin: 'https://web.example' },
        }),
      ),
    );
    const seen = tally(outcomes(results));
    expect(seen, JSON.stringify(seen)).toEqual({ '200 ok': 1, '401 handoff_invalid': N - 1 });
    expect(await count(kit.one, 'support_handoffs', 'claimed_at IS NOT NULL')).toBe(1);
    expect(await count(kit.one, 'support_outbox', "kind = 'assisted_session_started'")).toBe(1);
    const state = await client.call(on(1), 'GET', `/sessions/${id}/handoffs/${handoff.body.id}`, { token });
    expect(state.body.state).toBe('claimed');
  });
});
