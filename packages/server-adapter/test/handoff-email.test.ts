/**
 * The App link e-mailed to the user (#13 §4): `POST /sessions/{id}/handoffs/{handoffId}/email`
 * with the link's token sends the same one-time link, as text and as an inline QR picture,
 * once; every other case is refused and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outboxNotifier } from '../src/bindings/embedded/outbox.js';
import type { Notifier } from '../src/ports/index.js';
import {
  type Agent,
  BACKEND,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  snapshot,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;
const bruno = DEMO.agents.bruno;
const admin = DEMO.users.admin;
const PNG_SIGNATURE = '89504e470d0a1a0a';

async function handoff(agent: Agent, id: string, destination = 'app') {
  const created = await agent.post(`/sessions/${id}/handoffs`, { destination });
  expect(created.status).toBe(201);
  const link = created.body.link as string;
  return { id: created.body.id as string, link, token: new URL(link).hash.slice('#token='.length) };
}

const emailIt = (agent: Agent, sessionId: string, handoffId: string, token: string, headers = {}) =>
  agent.post(`/sessions/${sessionId}/handoffs/${handoffId}/email`, { token }, headers);

const qrMails = async (h: Harness) =>
  (await h.server.outbox(admin.email)).filter((m) => m.kind === 'handoff_qr');

async function ready(options: Parameters<typeof harness>[0] = {}) {
  const h = await harness(options);
  const agent = await h.as(ana.id);
  const id = await verifiedTechnicalSession(h, agent, admin);
  return { h, agent, id };
}

describe(`the App link by e-mail (${BACKEND})`, () => {
  it('sends the same one-time link as text, HTML and an inline QR PNG to the verified address, audited without the token', async () => {
    const { h, agent, id } = await ready();
    const app = await handoff(agent, id);
    const sent = await emailIt(agent, id, app.id, app.token);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ id: app.id, sentTo: 'm***n@example.com', emailedAt: expect.any(String) });

    const [mail, ...rest] = await qrMails(h);
    expect(rest).toHaveLength(0);
    expect(mail!.to).toBe(admin.email);
    expect(mail!.subject).toBe('Your QR code to open the Waizant app with support');
    expect(mail!.text).toContain(app.link);
    expect(mail!.text).toContain('Ana Agent, from Waizant support');
    expect(mail!.html).toContain(`<a href="${app.link}">`);
    expect(mail!.inline).toHaveLength(1);
    const image = mail!.inline[0]!;
    expect(mail!.html).toContain(`src="cid:${image.cid}"`);
    expect(image.contentType).toBe('image/png');
    expect(Buffer.from(image.contentBase64, 'base64').subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);

    const audits = await h.server.database.query<{ outcome: string; detail: unknown }>(
      "SELECT outcome, detail FROM support_audit WHERE action = 'handoff.email'",
    );
    expect(audits.rows).toEqual([{ outcome: 'ok', detail: { destination: 'app' } }]);
    const all = await h.server.database.query('SELECT * FROM support_audit');
    expect(JSON.stringify(all.rows)).not.toContain(app.token);
    expect(JSON.stringify(h.logger.lines)).not.toContain(app.token);

    // The e-mailed link is the same handoff: claiming it shows as claimed to the agent.
    expect((await h.call('POST', '/handoffs/redeem', { body: { token: app.token } })).status).toBe(200);
    expect((await agent.get(`/sessions/${id}/handoffs/${app.id}`)).body.state).toBe('claimed');
  });

  it("writes in the user's language (Spanish)", async () => {
    const { h, agent, id } = await ready();
    await h.server.database.query('INSERT INTO embedded_user_locales (user_id, locale) VALUES ($1, $2)', [
      admin.id,
      'es-ES',
    ]);
    const app = await handoff(agent, id);
    expect((await emailIt(agent, id, app.id, app.token)).status).toBe(200);
    const [mail] = await qrMails(h);
    expect(mail!.subject).toBe('Tu código QR para abrir la app de Waizant con el soporte');
    expect(mail!.text).toContain('Ana Agent, del soporte de Waizant');
    expect(mail!.html).toContain('alt="Código QR de la app de Waizant"');
  });

  it('a second e-mail of the same link is refused: the e-mail is single use too', async () => {
    const { h, agent, id } = await ready();
    const app = await handoff(agent, id);
    expect((await emailIt(agent, id, app.id, app.token)).status).toBe(200);
    const before = await snapshot(h.server);
    const again = await emailIt(agent, id, app.id, app.token);
    expect(again.body.error.code).toBe('handoff_invalid');
    expect(await snapshot(h.server)).toBe(before);
    expect(await qrMails(h)).toHaveLength(1);
  });

  const refusals: Array<[string, (h: Harness, agent: Agent, id: string) => Promise<[string, string]>]> = [
    [
      'a Web link',
      async (_h, agent, id) => {
        const web = await handoff(agent, id, 'web');
        return [web.id, web.token];
      },
    ],
    [
      'a Store link',
      async (_h, agent, id) => {
        const store = await handoff(agent, id, 'store');
        return [store.id, store.token];
      },
    ],
    [
      'a wrong token',
      async (_h, agent, id) => {
        const app = await handoff(agent, id);
        const other = await handoff(agent, id, 'web');
        return [app.id, other.token];
      },
    ],
    [
      'a claimed link',
      async (h, agent, id) => {
        const app = await handoff(agent, id);
        expect((await h.call('POST', '/handoffs/redeem', { body: { token: app.token } })).status).toBe(200);
        return [app.id, app.token];
      },
    ],
    [
      'an expired link',
      async (h, agent, id) => {
        const app = await handoff(agent, id);
        h.clock.advance(h.server.limits.handoffTtlSeconds + 1);
        return [app.id, app.token];
      },
    ],
  ];
  for (const [name, prepare] of refusals) {
    it(`${name} is refused with the neutral handoff_invalid and changes nothing`, async () => {
      const { h, agent, id } = await ready();
      const [handoffId, token] = await prepare(h, agent, id);
      const before = await snapshot(h.server);
      const refused = await emailIt(agent, id, handoffId, token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('handoff_invalid');
      expect(await snapshot(h.server)).toBe(before);
      expect(await qrMails(h)).toHaveLength(0);
      expect(await count(h.server, 'support_handoffs', 'emailed_at IS NOT NULL')).toBe(0);
      const audit = await h.server.database.query<{ outcome: string; detail: unknown }>(
        "SELECT outcome, detail FROM support_audit WHERE action = 'handoff.email'",
      );
      expect(audit.rows).toEqual([{ outcome: 'refused', detail: { error: 'handoff_invalid' } }]);
    });
  }

  it("another agent's session looks missing; a closed session says so", async () => {
    const { h, agent, id } = await ready();
    const app = await handoff(agent, id);
    const other = await h.as(bruno.id);
    expect((await emailIt(other, id, app.id, app.token)).body.error.code).toBe('not_found');
    expect((await agent.post(`/sessions/${id}/cancel`, { reason: 'user hung up' })).status).toBe(200);
    expect((await emailIt(agent, id, app.id, app.token)).body.error.code).toBe('session_closed');
    expect(await qrMails(h)).toHaveLength(0);
    expect(await count(h.server, 'support_handoffs', 'emailed_at IS NOT NULL')).toBe(0);
  });

  it('a failed send rolls the mark back, so the agent can try again', async () => {
    let fail = true;
    let outbox: Notifier | undefined;
    const h = await harness({
      notifier: {
        async send(message, context) {
          if (fail && message.kind === 'handoff_qr') throw new Error('SMTP down');
          await outbox!.send(message, context);
        },
      },
    });
    outbox = outboxNotifier(h.server.database, h.clock);
    const agent = await h.as(ana.id);
    const id = await verifiedTechnicalSession(h, agent, admin);
    const app = await handoff(agent, id);
    const failed = await emailIt(agent, id, app.id, app.token);
    expect(failed.body.error.code).toBe('upstream_unavailable');
    expect(await count(h.server, 'support_handoffs', 'emailed_at IS NOT NULL')).toBe(0);
    fail = false;
    expect((await emailIt(agent, id, app.id, app.token)).status).toBe(200);
    expect(await qrMails(h)).toHaveLength(1);
  });

  it('a retried request with the same Idempotency-Key gets the same answer and sends once', async () => {
    const { h, agent, id } = await ready();
    const app = await handoff(agent, id);
    const key = { 'Idempotency-Key': 'qr-mail-0123456789abcdef' };
    const first = await emailIt(agent, id, app.id, app.token, key);
    const second = await emailIt(agent, id, app.id, app.token, key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await qrMails(h)).toHaveLength(1);
  });
});
