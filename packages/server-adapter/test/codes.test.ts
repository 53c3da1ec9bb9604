import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, count, DEMO, harness, latestCode, openTechnicalSession, snapshot } from './helpers.js';

import { attempts, codeOtherThan, sessionAtAgentCode, wrong } from './support/codes.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;

describe('wrong codes are counted and lock the session (docs/security.md §4 check 1)', () => {
  it('counts 5 wrong codes, locks the session on the 5th, refuses the 6th (even the right code)', async () => {
    const h = await harness();
    const { agent, id } = await sessionAtAgentCode(h);
    const code = await latestCode(h.server, ana.email);
    const left: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await agent.post(`/sessions/${id}/agent-code/verify`, { code: wrong(code) });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('code_invalid');
      left.push(r.body.error.details.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const fifth = await agent.post(`/sessions/${id}/agent-code/verify`, { code: wrong(code) });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('code_locked');
    expect(await attempts(h, id)).toEqual({ code_attempts: 5, step: 'locked' });
    const sixth = await agent.post(`/sessions/${id}/agent-code/verify`, { code });
    expect(sixth.body.error.code).toBe('code_locked');
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(0);
    expect(await count(h.server, 'support_audit', "action = 'session.lock'")).toBe(1);
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('locked');
  });

  it('resends do not reset the failure count', async () => {
    const h = await harness();
    const { agent, id } = await sessionAtAgentCode(h);
    for (let i = 0; i < 3; i++) {
      const code = await latestCode(h.server, ana.email);
      await agent.post(`/sessions/${id}/agent-code/verify`, { code: wrong(code) });
    }
    h.clock.advance(31);
    const resent = await agent.post(`/sessions/${id}/agent-code`);
    expect(resent.status).toBe(200);
    expect(resent.body.code.attemptsLeft).toBe(2);
    const code = await latestCode(h.server, ana.email);
    const fourth = await agent.post(`/sessions/${id}/agent-code/verify`, { code: wrong(code) });
    expect(fourth.body.error.details.attemptsLeft).toBe(1);
    const fifth = await agent.post(`/sessions/${id}/agent-code/verify`, { code: wrong(code) });
    expect(fifth.body.error.code).toBe('code_locked');
    expect(await attempts(h, id)).toEqual({ code_attempts: 5, step: 'locked' });
  });

  it('resend: cooldown with retryAfterSeconds, at most 3 resends, the old code is revoked', async () => {
    const h = await harness();
    const { agent, id } = await sessionAtAgentCode(h);
    const first = await latestCode(h.server, ana.email);
    const early = await agent.post(`/sessions/${id}/agent-code`);
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'resend_too_soon', details: { retryAfterSeconds: 30 } });
    expect(early.headers.get('retry-after')).toBe('30');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(30);
      const r = await agent.post(`/sessions/${id}/agent-code`);
      expect(r.status).toBe(200);
      expect(r.body.code.resendsLeft).toBe(2 - i);
    }
    h.clock.advance(30);
    const exhausted = await agent.post(`/sessions/${id}/agent-code`);
    expect(exhausted.body.error.code).toBe('resends_exhausted');
    expect(await count(h.server, 'support_outbox', `kind = 'agent_code'`)).toBe(4);
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(1);
    const latest = await latestCode(h.server, ana.email);
    // One of the four codes sent differs from the live one (all four equal: once in 10^18).
    const sent = (await h.server.outbox(ana.email)).map((m) => m.code);
    const stale = [first, ...sent].find((c) => c !== latest);
    expect(stale).toBeDefined();
    const old = await agent.post(`/sessions/${id}/agent-code/verify`, { code: stale });
    expect(old.body.error.code).toBe('code_invalid');
    const ok = await agent.post(`/sessions/${id}/agent-code/verify`, { code: latest });
    expect(ok.body.step).toBe('user_code');
  });
});

describe('a used code cannot be replayed (b2)', () => {
  it('a used code cannot be used again and changes nothing', async () => {
    const h = await harness();
    const { agent, id } = await sessionAtAgentCode(h);
    const code = await latestCode(h.server, ana.email);
    expect((await agent.post(`/sessions/${id}/agent-code/verify`, { code })).status).toBe(200);
    const before = await snapshot(h.server);
    const again = await agent.post(`/sessions/${id}/agent-code/verify`, { code });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('wrong_step');
    expect(await snapshot(h.server)).toBe(before);
  });
});

describe('a code expires after its TTL on the injected clock (b3)', () => {
  it('a code is accepted at 9:59 and refused at 10:01', async () => {
    const h = await harness();
    const a = await sessionAtAgentCode(h);
    h.clock.advance(9 * 60 + 59);
    const ok = await a.agent.post(`/sessions/${a.id}/agent-code/verify`, {
      code: await latestCode(h.server, ana.email),
    });
    expect(ok.status).toBe(200);

    const h2 = await harness();
    const b = await sessionAtAgentCode(h2);
    h2.clock.advance(10 * 60 + 1);
    const late = await b.agent.post(`/sessions/${b.id}/agent-code/verify`, {
      code: await latestCode(h2.server, ana.email),
    });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('code_expired');
    expect(await attempts(h2, b.id)).toEqual({ code_attempts: 0, step: 'agent_code' });
  });
});

describe('a code is bound to its session, its purpose and its agent (b5)', () => {
  it('an agent code submitted as the user code is refused', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await openTechnicalSession(h, agent, admin);
    const agentCode = await latestCode(h.server, ana.email);
    await agent.post(`/sessions/${id}/user-code`);
    await codeOtherThan(h, agent, id, 'user', admin.email, agentCode);
    const r = await agent.post(`/sessions/${id}/user-code/verify`, { code: agentCode });
    expect(r.body.error.code).toBe('code_invalid');
    // And in the agent step, a user-code verify is a wrong step.
    const h2 = await harness();
    const s = await sessionAtAgentCode(h2);
    const early = await s.agent.post(`/sessions/${s.id}/user-code/verify`, {
      code: await latestCode(h2.server, ana.email),
    });
    expect(early.body.error.code).toBe('wrong_step');
  });

  it("session A's code does not open session B", async () => {
    const h = await harness();
    const a = await sessionAtAgentCode(h);
    const codeA = await latestCode(h.server, ana.email);
    h.clock.advance(1);
    const b = await sessionAtAgentCode(h);
    await codeOtherThan(h, b.agent, b.id, 'agent', ana.email, codeA);
    const r = await b.agent.post(`/sessions/${b.id}/agent-code/verify`, { code: codeA });
    expect(r.body.error.code).toBe('code_invalid');
    expect(await attempts(h, b.id)).toEqual({ code_attempts: 1, step: 'agent_code' });
    expect(await attempts(h, a.id)).toEqual({ code_attempts: 0, step: 'agent_code' });
  });

  it("agent Y cannot act on agent X's session: not_found, nothing changes, refusal audited", async () => {
    const h = await harness();
    const x = await sessionAtAgentCode(h);
    const code = await latestCode(h.server, ana.email);
    const y = await h.as(DEMO.agents.bruno.id);
    const before = await snapshot(h.server);
    const audits = await count(h.server, 'support_audit');
    for (const r of [
      await y.get(`/sessions/${x.id}`),
      await y.post(`/sessions/${x.id}/agent-code/verify`, { code }),
      await y.post(`/sessions/${x.id}/agent-code`),
      await y.post(`/sessions/${x.id}/cancel`, { reason: 'not mine' }),
      await y.post(`/sessions/${x.id}/activity`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect(await snapshot(h.server)).toBe(before);
    expect(await count(h.server, 'support_audit')).toBeGreaterThan(audits);
    const missing = await y.get('/sessions/00000000-0000-4000-8000-00000000beef');
    expect(missing.body).toEqual((await y.get(`/sessions/${x.id}`)).body);
  });

  it('a code from a cancelled session is refused', async () => {
    const h = await harness();
    const { agent, id } = await sessionAtAgentCode(h);
    const code = await latestCode(h.server, ana.email);
    expect((await agent.post(`/sessions/${id}/cancel`, { reason: 'caller hung up' })).status).toBe(200);
    const r = await agent.post(`/sessions/${id}/agent-code/verify`, { code });
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('session_closed');
  });
});

describe('notifier faults: nothing half-sent, nothing sent twice (b8)', () => {
  it('a failing send rolls back: 503, no resend consumed, no live code; the retry works', async () => {
    let fail = true;
    const h = await harness({
      notifier: {
        async send(message, context) {
          if (fail) throw new Error('Lambda FunctionError: Unhandled');
          await context?.sql?.query(
            `INSERT INTO support_outbox (id, issue_id, kind, to_address, subject, body, created_at)
             VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now())`,
            [message.issueId, message.kind, message.to, message.subject, message.text],
          );
        },
      },
    });
    const agent = await h.as(ana.id);
    const created = await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id });
    const id = created.body.id as string;
    await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    const failed = await agent.post(`/sessions/${id}/agent-code`);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('upstream_unavailable');
    expect(await count(h.server, 'support_codes')).toBe(0);
    const { rows } = await h.server.database.query<{ code_sends: number }>(
      'SELECT code_sends FROM support_sessions WHERE id = $1',
      [id],
    );
    expect(rows[0]?.code_sends).toBe(0);
    fail = false;
    const retried = await agent.post(`/sessions/${id}/agent-code`);
    expect(retried.status).toBe(200);
    expect(retried.body.code.resendsLeft).toBe(3);
  });

  it('the outbox stores one message per issueId', async () => {
    const h = await harness();
    const { outboxNotifier } = await import('../src/embedded.js');
    const notifier = outboxNotifier(h.server.database, h.clock);
    const message = {
      issueId: 'same-issue',
      kind: 'user_code' as const,
      to: 'x@example.com',
      subject: 's',
      text: 't',
    };
    await notifier.send(message);
    await notifier.send(message);
    expect(await count(h.server, 'support_outbox', "issue_id = 'same-issue'")).toBe(1);
  });
});

describe('codes are compared as HMACs in constant time (b11)', () => {
  it('codes and tokens are compared as HMACs with timingSafeEqual, never with ===', () => {
    const context = readFileSync(new URL('../src/services/context.ts', import.meta.url), 'utf8');
    const codes = readFileSync(new URL('../src/services/code-verify.ts', import.meta.url), 'utf8');
    expect(context).toMatch(/timingSafeEqual\(a, b\)/);
    expect(context).toMatch(/createHmac\('sha256'/);
    expect(codes).toMatch(/hashesEqual\(expected, attempt\.code_hash\)/);
    for (const source of [context, codes]) {
      expect(source).not.toMatch(/(code_hash|codeHash|submitted|expected|token_hash|tokenHash)\s*[!=]==/);
      expect(source).not.toMatch(/[!=]==\s*(code_hash|codeHash|submitted|expected|token_hash|tokenHash)\b/);
    }
  });
});

describe('a server configured for 8-digit codes', () => {
  it('draws, documents and accepts 8-digit codes; a 6-digit code is malformed and costs no attempt', async () => {
    const h = await harness({ limits: { codeDigits: 8 } });
    const doc = await h.call('GET', '/openapi.json');
    const verifyBody = JSON.stringify(
      doc.body.paths['/sessions/{sessionId}/agent-code/verify'].post.requestBody,
    );
    expect(verifyBody).toContain('^[0-9]{8}$');
    expect(verifyBody).not.toContain('^[0-9]{6}$');

    const { agent, id } = await sessionAtAgentCode(h);
    const code = await latestCode(h.server, ana.email);
    expect(code).toMatch(/^[0-9]{8}$/);
    const short = await agent.post(`/sessions/${id}/agent-code/verify`, { code: code.slice(0, 6) });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid_input');
    expect((await attempts(h, id)).code_attempts).toBe(0);
    const verified = await agent.post(`/sessions/${id}/agent-code/verify`, { code });
    expect(verified.status).toBe(200);
    expect(verified.body.step).toBe('user_code');
  });
});
