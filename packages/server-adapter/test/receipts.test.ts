import { afterEach, describe, expect, it } from 'vitest';
import { outboxNotifier } from '../src/embedded.js';
import type { Notifier } from '../src/index.js';
import {
  type Agent,
  type ApiResponse,
  BACKEND,
  BASE,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  latestCode,
  openTechnicalSession,
  verifiedTechnicalSession,
} from './helpers.js';
import { HttpClient, outcomes, tally } from './support/http.js';
import { twoInstances } from './support/instances.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const END_URL = `${BASE}/end`;
const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function receipts(h: Harness, to = admin.email) {
  return (await h.server.outbox(to)).filter((m) => m.kind === 'assisted_session_receipt');
}

async function handoff(h: Harness, agent: Agent, id: string, destination: string, claim: boolean) {
  const created = await agent.post(`/sessions/${id}/handoffs`, { destination });
  expect(created.status).toBe(201);
  if (claim) {
    const token = new URL(created.body.link).hash.slice('#token='.length);
    expect((await h.call('POST', '/handoffs/redeem', { body: { token } })).status).toBe(200);
  }
}

async function sessionTimes(h: Harness, id: string) {
  const { rows } = await h.server.database.query<{ created_at: Date; closed_at: Date | null }>(
    'SELECT created_at, closed_at FROM support_sessions WHERE id = $1',
    [id],
  );
  return { created: new Date(rows[0]!.created_at), closed: new Date(rows[0]!.closed_at!) };
}

describe(`the receipt (${BACKEND})`, () => {
  it('cancelled: one receipt with the agent, ecosystem, times, each destination and its claim, and the reason', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const webAt = h.clock.now();
    await handoff(h, agent, id, 'web', true);
    h.clock.advance(60);
    const appAt = h.clock.now();
    await handoff(h, agent, id, 'app', false);
    h.clock.advance(60);
    expect((await agent.post(`/sessions/${id}/cancel`, { reason: 'User asked to stop' })).status).toBe(200);
    // Any later call settles nothing more.
    await agent.get(`/sessions/${id}`);
    await h.server.sweepExpiredSessions();
    const sent = await receipts(h);
    expect(sent).toHaveLength(1);
    const { created, closed } = await sessionTimes(h, id);
    const { rows } = await h.server.database.query<{ session_ref: string }>(
      'SELECT session_ref FROM support_sessions WHERE id = $1',
      [id],
    );
    expect(sent[0]!.issueId).toBe(`receipt:${rows[0]!.session_ref}`);
    expect(sent[0]!.subject).toBe('Receipt of your Waizant support session');
    expect(sent[0]!.text).toBe(
      [
        'Hello María Admin,',
        '',
        'Your Waizant support session ended.',
        'Agent: Ana Agent',
        'Ecosystem: Familia Pérez',
        `Started: ${utc(created)}`,
        `Ended: ${utc(closed)}`,
        'How it ended: The agent cancelled it. Reason: User asked to stop',
        '',
        'Destinations opened:',
        `- Waizant Web: link created ${utc(webAt)}, opened ${utc(webAt)}`,
        `- Waizant app (QR code): link created ${utc(appAt)}, QR not claimed`,
        '',
        'If you do not recognise this session, contact us.',
      ].join('\n'),
    );
    expect(await count(h.server, 'support_audit', "action = 'session.receipt'")).toBe(1);
  });

  it('completed, with a claimed QR, in Spanish when the directory says so', async () => {
    const h = await harness();
    await h.server.database.query('INSERT INTO embedded_user_locales (user_id, locale) VALUES ($1, $2)', [
      admin.id,
      'es',
    ]);
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const at = h.clock.now();
    await handoff(h, agent, id, 'app', true);
    await agent.post(`/sessions/${id}/complete`);
    const [sent] = await receipts(h);
    expect(sent?.subject).toBe('Recibo de tu sesión de soporte de Waizant');
    expect(sent?.text).toContain('Cómo terminó: El agente la dio por terminada.');
    expect(sent?.text).toContain(
      `- App de Waizant (código QR): enlace creado ${utc(at)}, QR usado ${utc(at)}`,
    );
  });

  it('expired without any request: the periodic sweep sends it', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    h.clock.advance(h.server.limits.idleTimeoutSeconds + 1);
    expect(await receipts(h)).toHaveLength(0);
    expect(await h.server.sweepExpiredSessions()).toBe(1);
    const sent = await receipts(h);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('How it ended: It expired (time limit).');
    expect(sent[0]!.text).toContain('Destinations opened:\n- None');
    await h.server.sweepExpiredSessions();
    expect(await receipts(h)).toHaveLength(1);
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('expired');
  });

  it('ended by the user from the link', async () => {
    const h = await harness({ endPageUrl: END_URL });
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await handoff(h, agent, id, 'store', true);
    const notice = (await h.server.outbox(admin.email)).find((m) => m.kind === 'assisted_session_started');
    const token = /#t=([A-Za-z0-9_-]+)/.exec(notice!.text)![1]!;
    const response = await h.server.fetch(
      new Request(END_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, action: 'confirm' }).toString(),
      }),
    );
    expect(await response.text()).toContain('id="ended"');
    const sent = await receipts(h);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('How it ended: You ended it.');
    expect(sent[0]!.text).toContain('- Waizant Store: link created');
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('ended_by_user');
  });

  it('closed because the user became ineligible after verification: the refusing command sends it', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await h.server.database.query("UPDATE core_users SET status = 'disabled' WHERE id = $1", [admin.id]);
    const refused = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' });
    expect(refused.body.error.code).toBe('user_ineligible');
    const sent = await receipts(h);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(
      'How it ended: It was closed because your account could no longer be assisted.',
    );
  });

  it('none for sessions that never verified the user (cancelled, locked), and none twice', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const cancelled = await openTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${cancelled}/cancel`, { reason: 'Wrong user' });
    // Locked at the user's code.
    const locked = await openTechnicalSession(h, agent, admin);
    await agent.post(`/sessions/${locked}/user-code`);
    const code = await latestCode(h.server, admin.email);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) await agent.post(`/sessions/${locked}/user-code/verify`, { code: wrong });
    expect((await agent.get(`/sessions/${locked}`)).body.step).toBe('locked');
    await h.server.sweepExpiredSessions();
    expect(await receipts(h)).toHaveLength(0);
    // Both were looked at once and are not looked at again.
    expect(await count(h.server, 'support_sessions', 'receipt_claimed_at IS NULL')).toBe(0);
  });

  it('a failed send gives the claim back; the next sweep sends it once', async () => {
    let fail = true;
    let outbox: Notifier | undefined;
    const h = await harness({
      notifier: {
        async send(message, context) {
          if (fail && message.kind === 'assisted_session_receipt') throw new Error('SMTP down');
          await outbox!.send(message, context);
        },
      },
    });
    outbox = outboxNotifier(h.server.database, h.clock);
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    expect((await agent.post(`/sessions/${id}/complete`)).status).toBe(200);
    expect(await receipts(h)).toHaveLength(0);
    expect(await count(h.server, 'support_sessions', 'receipt_claimed_at IS NULL')).toBe(1);
    fail = false;
    await h.server.sweepExpiredSessions();
    await h.server.sweepExpiredSessions();
    expect(await receipts(h)).toHaveLength(1);
  });
});

describe(`the receipt under concurrent closers, two instances (${BACKEND})`, () => {
  it('cancels, completes, polls and sweeps at once: one close, exactly one receipt', async () => {
    const kit = await twoInstances({ seed: false });
    const client = new HttpClient();
    try {
      const token = await kit.one.issueAgentToken(ana.id);
      const base = (i: number) => kit.http[i % 2]!.base;
      const post = (i: number, path: string, body?: unknown) =>
        client.call(base(i), 'POST', path, { token, body });
      const created = await post(0, '/sessions', { flow: 'technical-assistance', userId: admin.id });
      const id = created.body.id as string;
      await post(0, `/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
      await post(0, `/sessions/${id}/agent-code`);
      await post(0, `/sessions/${id}/agent-code/verify`, { code: await latestCode(kit.one, ana.email) });
      await post(0, `/sessions/${id}/user-code`);
      await post(0, `/sessions/${id}/user-code/verify`, { code: await latestCode(kit.one, admin.email) });
      const N = 24;
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => {
          if (i % 4 === 0) return post(i, `/sessions/${id}/cancel`, { reason: 'Done here' });
          if (i % 4 === 1) return post(i, `/sessions/${id}/complete`);
          if (i % 4 === 2) return client.call(base(i), 'GET', `/sessions/${id}`, { token });
          return (i % 2 ? kit.two : kit.one)
            .sweepExpiredSessions()
            .then((): ApiResponse => ({ status: 0, body: {}, headers: new Headers() }));
        }),
      );
      const closes = results.filter((r, i) => i % 4 < 2 && r.status === 200);
      expect(closes, JSON.stringify(tally(outcomes(results)))).toHaveLength(1);
      await kit.one.sweepExpiredSessions();
      const sent = (await kit.one.outbox(admin.email)).filter((m) => m.kind === 'assisted_session_receipt');
      expect(sent).toHaveLength(1);
      const { rows } = await kit.one.database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM support_audit WHERE action = 'session.receipt'",
      );
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      client.close();
      await kit.close();
    }
  });
});
