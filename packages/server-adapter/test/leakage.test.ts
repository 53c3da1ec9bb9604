import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedSupportServer } from '../src/embedded.js';
import {
  BACKEND,
  CapturingLogger,
  closeAll,
  DEMO,
  freshDatabase,
  HMAC_KEY,
  harness,
  latestCode,
  TestClock,
  wrap,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;

describe('log, audit and error leakage (b15)', () => {
  it('after full flows and failures, no code, token or session id appears in logs, audit rows or error bodies', async () => {
    const client = { id: 'web-backend', secret: 'web-backend-secret-0123456789-abcdefghij' };
    const h = await harness({ destinationClients: [client], endPageUrl: 'https://support.example/end' });
    const agent = await h.as(ana.id);
    const secrets = new Set<string>([agent.token, client.secret]);
    const refreshTokens: string[] = [];
    const form = (path: string, fields: Record<string, string>) =>
      h.call('POST', path, {
        rawBody: new URLSearchParams(fields).toString(),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        },
      });

    // Technical assistance, with a wrong code, a resend, a replay and a handoff redeemed twice.
    const ta = (await agent.post('/sessions', { flow: 'technical-assistance', userId: DEMO.users.admin.id }))
      .body.id;
    secrets.add(ta);
    await agent.post(`/sessions/${ta}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    await agent.post(`/sessions/${ta}/agent-code`);
    const first = await latestCode(h.server, ana.email);
    secrets.add(first);
    await agent.post(`/sessions/${ta}/agent-code/verify`, { code: first === '999999' ? '999998' : '999999' });
    h.clock.advance(30);
    await agent.post(`/sessions/${ta}/agent-code`);
    const agentCode = await latestCode(h.server, ana.email);
    secrets.add(agentCode);
    await agent.post(`/sessions/${ta}/agent-code/verify`, { code: agentCode });
    await agent.post(`/sessions/${ta}/agent-code/verify`, { code: agentCode });
    await agent.post(`/sessions/${ta}/user-code`);
    const userCode = await latestCode(h.server, DEMO.users.admin.email);
    secrets.add(userCode);
    await agent.post(`/sessions/${ta}/user-code/verify`, { code: userCode });
    for (const destination of ['web', 'store', 'app']) {
      const handoff = (await agent.post(`/sessions/${ta}/handoffs`, { destination })).body;
      const token = new URL(handoff.link).hash.slice('#token='.length);
      secrets.add(token);
      const redeemed = await h.call('POST', '/handoffs/redeem', { body: { token } });
      secrets.add(redeemed.body.accessToken);
      secrets.add(redeemed.body.refreshToken);
      refreshTokens.push(redeemed.body.refreshToken);
      await h.call('POST', '/handoffs/redeem', { body: { token } });
      // Introspection, a refresh, then the spent refresh token replayed (reuse ends the session).
      expect((await form('/assisted/introspect', { token: redeemed.body.accessToken })).body.active).toBe(
        true,
      );
      const refreshed = await form('/assisted/refresh', { refresh_token: redeemed.body.refreshToken });
      secrets.add(refreshed.body.access_token);
      secrets.add(refreshed.body.refresh_token);
      refreshTokens.push(refreshed.body.refresh_token);
      if (destination === 'app')
        await form('/assisted/refresh', { refresh_token: redeemed.body.refreshToken });
    }
    // The user's end links (one per notice): previewed, used, replayed, and a forged one.
    const endTokens = (await h.server.outbox(DEMO.users.admin.email))
      .filter((m) => m.kind === 'assisted_session_started')
      .map((m) => /#t=([A-Za-z0-9_-]+)/.exec(m.text)?.[1] ?? '');
    expect(endTokens).toHaveLength(3);
    for (const endToken of endTokens) secrets.add(endToken);
    const endPage = (token: string, action: string) =>
      h.server.fetch(
        new Request('https://support.example/end', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, action }).toString(),
        }),
      );
    await endPage(endTokens[0]!, 'preview');
    await endPage(endTokens[1]!, 'confirm');
    await endPage(endTokens[1]!, 'confirm');
    await endPage(endTokens[2]!, 'confirm');
    await endPage('Z'.repeat(22), 'confirm');
    await agent.post(`/sessions/${ta}/cancel`, { reason: 'Finished helping' });
    for (const refresh of refreshTokens) await form('/assisted/refresh', { refresh_token: refresh });
    await agent.post(`/sessions/${ta}/user-code`);

    // Ecosystem admin, to the process detail, then expired.
    const ea = (await agent.post('/sessions', { flow: 'ecosystem-admin', userId: DEMO.users.successor.id }))
      .body.id;
    secrets.add(ea);
    await agent.post(`/sessions/${ea}/user-code`);
    const eaUser = await latestCode(h.server, DEMO.users.successor.email);
    secrets.add(eaUser);
    await agent.post(`/sessions/${ea}/user-code/verify`, { code: eaUser });
    await agent.post(`/sessions/${ea}/ecosystem`, { ecosystemId: DEMO.ecosystems.lopez.id });
    await agent.post(`/sessions/${ea}/agent-code`);
    const eaAgent = await latestCode(h.server, ana.email);
    secrets.add(eaAgent);
    await agent.post(`/sessions/${ea}/agent-code/verify`, { code: eaAgent });
    await agent.get(`/sessions/${ea}/processes`);
    await agent.get(`/sessions/${ea}/processes/${DEMO.processes.rejectedValidation}`);
    h.clock.advance(16 * 60);
    await agent.get(`/sessions/${ea}/processes`);

    const bruno = await h.as(DEMO.agents.bruno.id);
    secrets.add(bruno.token);
    await bruno.get(`/sessions/${ta}`);

    const audit = await h.server.database.query('SELECT * FROM support_audit');
    expect(audit.rows.length).toBeGreaterThan(20);
    const haystacks = {
      logs: h.logger.lines.join('\n'),
      audit: JSON.stringify(audit.rows),
      errors: h.bodies.filter((b) => b.startsWith('{"error"')).join('\n'),
    };
    expect(haystacks.errors.length).toBeGreaterThan(0);
    expect(h.logger.lines.length).toBeGreaterThan(30);
    const hits: string[] = [];
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(haystacks)) {
        if (text.includes(secret)) hits.push(`${where}: ${secret.slice(0, 12)}…`);
      }
    }
    expect(hits).toEqual([]);
    // Refresh tokens are stored only as HMACs.
    for (const table of ['support_assisted_sessions', 'support_assisted_spent_refresh']) {
      const dump = JSON.stringify((await h.server.database.query(`SELECT * FROM ${table}`)).rows);
      expect(dump.length).toBeGreaterThan(10);
      for (const refresh of refreshTokens) expect(dump).not.toContain(refresh);
    }
    const refused = await h.server.database.query<{ detail: { error?: string } }>(
      "SELECT detail FROM support_audit WHERE action = 'assisted.refresh' AND outcome = 'refused'",
    );
    expect(refused.rows.map((r) => r.detail.error)).toContain('refresh_reuse');
    // Codes are stored only as HMACs: no table holds a code in clear (besides the outbox itself).
    for (const table of ['support_codes', 'support_sessions', 'support_handoffs', 'support_idempotency']) {
      const dump = JSON.stringify((await h.server.database.query(`SELECT * FROM ${table}`)).rows);
      for (const code of [first, agentCode, userCode, eaUser, eaAgent])
        expect(dump).not.toContain(`"${code}"`);
    }
    // End links are stored only as HMACs too.
    const links = JSON.stringify((await h.server.database.query('SELECT * FROM support_end_links')).rows);
    expect(JSON.parse(links)).toHaveLength(3);
    for (const endToken of endTokens) expect(links).not.toContain(endToken);
  });
});

describe('restart (b16: timeouts survive a restart)', () => {
  it('a flow started on one instance continues on a second one over the same data (PGlite folder or PostgreSQL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waizant-support-restart-'));
    const pgDatabase = BACKEND === 'postgres' ? await freshDatabase() : null;
    try {
      const clock = new TestClock();
      const options = { clock, secrets: { hmacKey: HMAC_KEY }, devRoutes: true };
      const where = async () => (pgDatabase ? { database: await pgDatabase.reopen() } : { dataDir: dir });
      const one = wrap(
        await createEmbeddedSupportServer({ ...options, ...(await where()), logger: new CapturingLogger() }),
        clock,
        new CapturingLogger(),
      );
      const agent1 = await one.as(ana.id);
      const id = (
        await agent1.post('/sessions', { flow: 'technical-assistance', userId: DEMO.users.managed.id })
      ).body.id;
      await agent1.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
      await agent1.post(`/sessions/${id}/agent-code`);
      const code = await latestCode(one.server, ana.email);
      const wrongCode = code === '000000' ? '000001' : '000000';
      expect((await agent1.post(`/sessions/${id}/agent-code/verify`, { code: wrongCode })).status).toBe(422);
      await one.server.close();

      clock.advance(60);
      const two = wrap(
        await createEmbeddedSupportServer({ ...options, ...(await where()), logger: new CapturingLogger() }),
        clock,
        new CapturingLogger(),
      );
      try {
        const agent2 = await two.as(ana.id);
        const view = await agent2.get(`/sessions/${id}`);
        expect(view.body.step).toBe('agent_code');
        expect(view.body.code.attemptsLeft).toBe(4);
        const verified = await agent2.post(`/sessions/${id}/agent-code/verify`, { code });
        expect(verified.body.step).toBe('user_code');
        clock.advance(15 * 60 + 1);
        const expired = await agent2.post(`/sessions/${id}/user-code`);
        expect(expired.body.error.code).toBe('session_expired');
        expect((await two.server.outbox(ana.email)).length).toBe(1);
      } finally {
        await two.server.close();
      }
    } finally {
      await pgDatabase?.close();
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
