import { afterEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  BACKEND,
  BASE,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const END_URL = `${BASE}/end`;

async function redeem(h: Harness, agent: Agent, id: string, destination = 'web') {
  const handoff = await agent.post(`/sessions/${id}/handoffs`, { destination });
  expect(handoff.status).toBe(201);
  const token = new URL(handoff.body.link).hash.slice('#token='.length);
  const redeemed = await h.call('POST', '/handoffs/redeem', { body: { token } });
  expect(redeemed.status).toBe(200);
  return handoff.body as { id: string; link: string };
}

/** The end link of the latest "assisted session started" e-mail to `to`. */
async function endLink(h: Harness, to = admin.email) {
  const notices = (await h.server.outbox(to)).filter((m) => m.kind === 'assisted_session_started');
  const text = notices[notices.length - 1]?.text ?? '';
  const match = /(https:\/\/\S+#t=([A-Za-z0-9_-]+))/.exec(text);
  if (!match) throw new Error('no end link in the notice');
  return { url: match[1] as string, token: match[2] as string, text };
}

async function post(h: Harness, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await h.server.fetch(
    new Request(END_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    }),
  );
  return { status: response.status, headers: response.headers, html: await response.text() };
}

const NEUTRAL = 'This link cannot be used.';

async function started() {
  const h = await harness({ endPageUrl: END_URL });
  const agent = await h.as(ana.id);
  const id = await verifiedTechnicalSession(h, agent, admin);
  await redeem(h, agent, id);
  return { h, agent, id };
}

describe(`the end user's link (${BACKEND})`, () => {
  it('the notice names the agent, the ecosystem, the destination and the latest end, and carries a 128-bit link stored only as an HMAC', async () => {
    const { h, id } = await started();
    const { url, token, text } = await endLink(h);
    expect(url.startsWith(`${END_URL}#t=`)).toBe(true);
    expect(Buffer.from(token, 'base64url')).toHaveLength(16);
    expect(text).toContain('Ana Agent, from Waizant support');
    expect(text).toContain('ecosystem Familia Pérez, Waizant Web (home)');
    const { rows } = await h.server.database.query<{ absolute_expires_at: Date }>(
      'SELECT absolute_expires_at FROM support_sessions WHERE id = $1',
      [id],
    );
    const absolute = new Date(rows[0]!.absolute_expires_at).toISOString();
    expect(text).toContain(`at the latest on ${absolute.slice(0, 16).replace('T', ' ')} UTC`);
    expect(text).toContain('End this assisted session now:');
    const links = await h.server.database.query<{ token_hash: string; expires_at: Date }>(
      'SELECT token_hash, expires_at FROM support_end_links',
    );
    expect(links.rows).toHaveLength(1);
    expect(links.rows[0]!.token_hash).not.toContain(token);
    expect(new Date(links.rows[0]!.expires_at).toISOString()).toBe(absolute);
  });

  it('each notice carries its own link, all valid', async () => {
    const { h, agent, id } = await started();
    const first = await endLink(h);
    await redeem(h, agent, id, 'store');
    const second = await endLink(h);
    expect(second.token).not.toBe(first.token);
    expect(await count(h.server, 'support_end_links', 'used_at IS NULL')).toBe(2);
  });

  it('in Spanish when the directory knows the user speaks it', async () => {
    const h = await harness({ endPageUrl: END_URL });
    await h.server.database.query('INSERT INTO embedded_user_locales (user_id, locale) VALUES ($1, $2)', [
      admin.id,
      'es-MX',
    ]);
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await redeem(h, agent, id);
    const { text } = await endLink(h);
    expect(text).toContain('Ana Agent, del soporte de Waizant, abrió una sesión asistida');
    expect(text).toContain('Terminar esta sesión asistida ahora:');
  });

  it('GET /end serves a plain page with a strict CSP that never needs the token in the URL', async () => {
    const { h } = await started();
    const response = await h.server.fetch(new Request(END_URL));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<form id="go" method="post">');
    expect(html).not.toMatch(/https?:\/\/(?!support\.example)/);
  });

  it('preview shows who and until when and changes nothing; confirm closes the session as ended_by_user, revokes its secrets and audits once', async () => {
    const { h, agent, id } = await started();
    const { token } = await endLink(h);
    const pending = await agent.post(`/sessions/${id}/handoffs`, { destination: 'app' });
    expect(pending.status).toBe(201);

    const preview = await post(h, { token, action: 'preview' });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('<dd id="agent">Ana Agent</dd>');
    expect(preview.html).toContain('<dd id="ecosystem">Familia Pérez</dd>');
    expect(preview.html).toContain(
      '<button id="confirm" type="submit">End this assisted session now</button>',
    );
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('verified');

    const confirmed = await post(h, { token, action: 'confirm' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.html).toContain('id="ended"');
    const view = await agent.get(`/sessions/${id}`);
    expect(view.status).toBe(200);
    expect(view.body.step).toBe('ended_by_user');
    expect(view.body.closedAt).toBe(h.clock.now().toISOString());
    expect(await count(h.server, 'support_handoffs', 'revoked_at IS NOT NULL')).toBe(1);
    expect(await count(h.server, 'support_handoffs', 'claimed_at IS NULL AND revoked_at IS NULL')).toBe(0);
    expect(await count(h.server, 'support_codes', 'consumed_at IS NULL AND revoked_at IS NULL')).toBe(0);
    expect(await count(h.server, 'support_end_links', 'used_at IS NOT NULL')).toBe(1);
    expect(await count(h.server, 'support_audit', "action = 'session.end_by_user' AND outcome = 'ok'")).toBe(
      1,
    );

    // The agent's next commands get the typed error.
    const touched = await agent.post(`/sessions/${id}/activity`);
    expect(touched.status).toBe(410);
    expect(touched.body.error.code).toBe('session_ended_by_user');
    const handoff = await agent.post(`/sessions/${id}/handoffs`, { destination: 'web' });
    expect(handoff.body.error.code).toBe('session_ended_by_user');
    const cancel = await agent.post(`/sessions/${id}/cancel`, { reason: 'Too late' });
    expect(cancel.body.error.code).toBe('session_ended_by_user');
    // The revoked App link can no longer be redeemed.
    const appToken = new URL(pending.body.link).hash.slice('#token='.length);
    expect((await h.call('POST', '/handoffs/redeem', { body: { token: appToken } })).status).toBe(401);
  });

  it('a replayed, unknown, malformed or expired link, or one of a closed session, gets the same neutral page and changes nothing', async () => {
    const { h, agent, id } = await started();
    const { token } = await endLink(h);
    expect((await post(h, { token, action: 'confirm' })).html).toContain('id="ended"');

    const replay = await post(h, { token, action: 'confirm' });
    const replayPreview = await post(h, { token, action: 'preview' });
    const unknown = await post(h, { token: 'A'.repeat(22), action: 'confirm' });
    const malformed = await post(h, { token: 'not a token', action: 'confirm' });
    const wrongType = await h.server.fetch(
      new Request(END_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token, action: 'confirm' }),
      }),
    );
    for (const answer of [replay, replayPreview, unknown, malformed]) {
      expect(answer.status).toBe(200);
      expect(answer.html).toContain(NEUTRAL);
      expect(answer.html).not.toContain(token);
    }
    expect(wrongType.status).toBe(200);
    expect(await wrongType.text()).toContain(NEUTRAL);

    // A link whose session the agent closed.
    const second = await verifiedTechnicalSession(h, agent, admin);
    await redeem(h, agent, second);
    const closedLink = await endLink(h);
    expect((await agent.post(`/sessions/${second}/complete`)).status).toBe(200);
    expect((await post(h, { token: closedLink.token, action: 'confirm' })).html).toContain(NEUTRAL);
    expect((await agent.get(`/sessions/${second}`)).body.step).toBe('completed');
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('ended_by_user');
    expect(await count(h.server, 'support_audit', "action = 'session.end_by_user' AND outcome = 'ok'")).toBe(
      1,
    );
    expect(
      await count(h.server, 'support_audit', "action = 'session.end_by_user' AND outcome = 'refused'"),
    ).toBe(3);
  });

  it('an expired link (past the absolute end) gets the neutral page', async () => {
    const { h, agent, id } = await started();
    const { token } = await endLink(h);
    // Keep the session alive while the link's lifetime (the absolute cap) runs out.
    const absolute = h.server.limits.absoluteTimeoutSeconds;
    const step = Math.floor(h.server.limits.idleTimeoutSeconds / 2);
    for (let t = 0; t < absolute; t += step) {
      h.clock.advance(step);
      await agent.post(`/sessions/${id}/activity`);
    }
    const answer = await post(h, { token, action: 'confirm' });
    expect(answer.html).toContain(NEUTRAL);
    // A fresh agent token: the first one expired with the hours that passed.
    const again = await h.as(ana.id);
    expect((await again.get(`/sessions/${id}`)).body.step).toBe('expired');
  });

  it('a cross-site form post is refused with the neutral page', async () => {
    const { h, agent, id } = await started();
    const { token } = await endLink(h);
    const answer = await post(h, { token, action: 'confirm' }, { 'Sec-Fetch-Site': 'cross-site' });
    expect(answer.html).toContain(NEUTRAL);
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('verified');
  });

  it('is rate-limited per token and per client address, audited without the token', async () => {
    const h = await harness({
      endPageUrl: END_URL,
      clientAddress: (req) => req.headers.get('x-test-client'),
    });
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await redeem(h, agent, id);
    const { token } = await endLink(h);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await post(h, { token, action: 'preview' }, { 'x-test-client': `10.0.0.${i}` })).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const limited = await post(h, { token, action: 'confirm' }, { 'x-test-client': '10.0.0.99' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.html).toContain('id="limited"');
    expect((await agent.get(`/sessions/${id}`)).body.step).toBe('verified');

    // One address: 30 attempts with different tokens, then refused.
    const seen: number[] = [];
    for (let i = 0; i < 31; i++)
      seen.push(
        (
          await post(
            h,
            { token: `${'B'.repeat(20)}${String(i).padStart(2, '0')}`, action: 'preview' },
            {
              'x-test-client': '192.0.2.7',
            },
          )
        ).status,
      );
    expect(seen.filter((s) => s === 200)).toHaveLength(30);
    expect(seen[30]).toBe(429);
    const { rows } = await h.server.database.query<{ detail: object }>(
      "SELECT detail FROM support_audit WHERE detail->>'error' = 'rate_limited'",
    );
    expect(rows.map((r) => r.detail)).toEqual([
      { error: 'rate_limited', bucket: 'end_link_token' },
      { error: 'rate_limited', bucket: 'end_link_token' },
      { error: 'rate_limited', bucket: 'end_link_address' },
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('the page follows the browser language', async () => {
    const { h } = await started();
    const { token } = await endLink(h);
    const answer = await post(h, { token, action: 'preview' }, { 'Accept-Language': 'es-ES,es;q=0.9' });
    expect(answer.html).toContain('<html lang="es">');
    expect(answer.html).toContain('Terminar esta sesión asistida ahora');
  });

  it('without endPageUrl the notice has no link and no link is stored', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    await redeem(h, agent, id);
    const notice = (await h.server.outbox(admin.email)).find((m) => m.kind === 'assisted_session_started');
    expect(notice?.text).toContain('at the latest on');
    expect(notice?.text).not.toContain('#t=');
    expect(await count(h.server, 'support_end_links')).toBe(0);
  });
});
