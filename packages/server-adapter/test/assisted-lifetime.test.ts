import { AssistedSession, IntrospectResponse } from '@waizant/support-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  type ApiResponse,
  BACKEND,
  closeAll,
  count,
  DEMO,
  type Harness,
  harness,
  latestCode,
  openTechnicalSession,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const admin = DEMO.users.admin;
export const CLIENT = { id: 'web-backend', secret: 'web-backend-secret-0123456789-abcdefghij' };
const OTHER = { id: 'store-backend', secret: 'store-backend-secret-0123456789-abcdefgh' };

export function basic(client: { id: string; secret: string }): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
}

export async function assistedHarness(): Promise<Harness> {
  return harness({ destinationClients: [CLIENT, OTHER] });
}

export function form(
  h: Harness,
  path: string,
  fields: Record<string, string>,
  authorization: string | null = basic(CLIENT),
): Promise<ApiResponse> {
  return h.call('POST', path, {
    rawBody: new URLSearchParams(fields).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(authorization ? { Authorization: authorization } : {}),
    },
  });
}

export async function redeem(h: Harness, agent: Agent, sessionId: string, destination = 'web') {
  const created = await agent.post(`/sessions/${sessionId}/handoffs`, { destination });
  expect(created.status).toBe(201);
  const token = new URL(created.body.link).hash.replace('#token=', '');
  const redeemed = await h.call('POST', '/handoffs/redeem', { body: { token } });
  expect(redeemed.status).toBe(200);
  return AssistedSession.parse(redeemed.body);
}

export async function introspect(h: Harness, token: string): Promise<IntrospectResponse> {
  const r = await form(h, '/assisted/introspect', { token });
  expect(r.status).toBe(200);
  return IntrospectResponse.parse(r.body);
}

describe(`assisted-session lifetime (${BACKEND})`, () => {
  it('redeem creates one assisted session in the claim statement; its token carries sid and support_ref, at most 5 minutes', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await verifiedTechnicalSession(h, ana, admin);
    const assisted = await redeem(h, ana, id);
    expect(assisted.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await count(h.server, 'support_assisted_sessions', `id = '${assisted.assistedSessionId}'`)).toBe(
      1,
    );
    const stored = await h.server.database.query<{ refresh_hash: string }>(
      'SELECT refresh_hash FROM support_assisted_sessions',
    );
    expect(stored.rows[0]?.refresh_hash).not.toContain(assisted.refreshToken);
    expect(new Date(assisted.expiresAt).getTime() - h.clock.now().getTime()).toBe(300_000);
    const active = await introspect(h, assisted.accessToken);
    expect(active).toMatchObject({
      active: true,
      sub: admin.id,
      act: { sub: DEMO.agents.ana.id },
      sid: assisted.assistedSessionId,
      client_id: h.server.identity.assistedAudience,
      exp: Math.floor(new Date(assisted.expiresAt).getTime() / 1000),
    });
    expect(active.active && active.support_ref).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the access token expiry is min(ttl, the support session deadline)', async () => {
    const h = await harness({ destinationClients: [CLIENT], limits: { assistedTokenTtlSeconds: 30 } });
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await verifiedTechnicalSession(h, ana, admin);
    const short = await redeem(h, ana, id);
    expect(new Date(short.expiresAt).getTime() - h.clock.now().getTime()).toBe(30_000);
    // Near the idle limit the deadline wins: 880 s idle of 900 leaves 20 s.
    h.clock.advance(880);
    const refreshed = await form(h, '/assisted/refresh', { refresh_token: short.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expires_in).toBe(20);
  });

  // Idle and absolute expiry end it twice over: the access token's exp never passes the support
  // session's deadline, and the refresh statement's liveness condition refuses after it.
  const closings: Array<[string, (h: Harness, ana: Agent, id: string) => Promise<void>]> = [
    [
      'cancel',
      async (_h, ana, id) => void (await ana.post(`/sessions/${id}/cancel`, { reason: 'User hung up' })),
    ],
    ['complete', async (_h, ana, id) => void (await ana.post(`/sessions/${id}/complete`))],
    ['idle expiry (no sweep yet)', async (h) => h.clock.advance(901)],
    [
      'idle expiry (swept)',
      async (h) => {
        h.clock.advance(901);
        expect(await h.server.sweepExpiredSessions()).toBe(1);
      },
    ],
    [
      'absolute cap',
      async (h, ana, id) => {
        // Keep it active past the idle limit several times, then cross the one-hour cap.
        for (let i = 0; i < 4; i++) {
          h.clock.advance(800);
          expect((await ana.post(`/sessions/${id}/activity`)).status).toBe(200);
        }
        h.clock.advance(400);
      },
    ],
    [
      'ineligible user',
      async (h, ana, id) => {
        await h.server.identity.setUserEnabled?.(admin.email, false);
        const r = await ana.post(`/sessions/${id}/handoffs`, { destination: 'store' });
        expect(r.body.error.code).toBe('user_ineligible');
      },
    ],
  ];

  for (const [label, close] of closings) {
    it(`introspection goes active → inactive and refresh is refused after ${label}`, async () => {
      const h = await assistedHarness();
      const ana = await h.as(DEMO.agents.ana.id);
      const id = await verifiedTechnicalSession(h, ana, admin);
      const assisted = await redeem(h, ana, id);
      expect((await introspect(h, assisted.accessToken)).active).toBe(true);
      await close(h, ana, id);
      expect(await introspect(h, assisted.accessToken)).toEqual({ active: false });
      const refused = await form(h, '/assisted/refresh', { refresh_token: assisted.refreshToken });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('assisted_session_ended');
      const audits = await h.server.database.query<{ outcome: string; detail: { error?: string } }>(
        "SELECT outcome, detail FROM support_audit WHERE action = 'assisted.refresh'",
      );
      expect(audits.rows).toEqual([
        expect.objectContaining({
          outcome: 'refused',
          detail: expect.objectContaining({ error: 'assisted_session_ended' }),
        }),
      ]);
    });
  }

  it('lockout cannot end an assisted session: a session locks only before verification, so no handoff exists', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await openTechnicalSession(h, ana, admin);
    await ana.post(`/sessions/${id}/user-code`);
    for (let i = 0; i < 5; i++) await ana.post(`/sessions/${id}/user-code/verify`, { code: '000000' });
    expect((await ana.get(`/sessions/${id}`)).body.step).toBe('locked');
    expect((await ana.post(`/sessions/${id}/handoffs`, { destination: 'web' })).body.error.code).toBe(
      'code_locked',
    );
    expect(await count(h.server, 'support_assisted_sessions')).toBe(0);
    void latestCode;
  });

  it('refresh rotates: new access and refresh tokens, the old refresh token is spent', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await verifiedTechnicalSession(h, ana, admin);
    const assisted = await redeem(h, ana, id);
    h.clock.advance(200);
    const first = await form(h, '/assisted/refresh', {
      grant_type: 'refresh_token',
      refresh_token: assisted.refreshToken,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      sid: assisted.assistedSessionId,
    });
    expect(first.body.refresh_token).not.toBe(assisted.refreshToken);
    expect(await introspect(h, first.body.access_token)).toMatchObject({
      active: true,
      sid: assisted.assistedSessionId,
    });
    const second = await form(h, '/assisted/refresh', { refresh_token: first.body.refresh_token });
    expect(second.status).toBe(200);
    expect(await introspect(h, second.body.access_token)).toMatchObject({ active: true });
  });

  it('a replayed (already rotated) refresh token ends that assisted session, audited, and only that one', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await verifiedTechnicalSession(h, ana, admin);
    const assisted = await redeem(h, ana, id);
    const other = await redeem(h, ana, id, 'store');
    const rotated = await form(h, '/assisted/refresh', { refresh_token: assisted.refreshToken });
    expect(rotated.status).toBe(200);
    const replay = await form(h, '/assisted/refresh', { refresh_token: assisted.refreshToken });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('assisted_session_ended');
    // The thief's and the holder's tokens both stop: the session ended.
    expect(await introspect(h, rotated.body.access_token)).toEqual({ active: false });
    const current = await form(h, '/assisted/refresh', { refresh_token: rotated.body.refresh_token });
    expect(current.body.error.code).toBe('assisted_session_ended');
    // The support session and its other assisted session go on.
    expect(await introspect(h, other.accessToken)).toMatchObject({ active: true });
    expect((await ana.get(`/sessions/${id}`)).body.step).toBe('verified');
    const audit = await h.server.database.query<{ detail: { error?: string } }>(
      "SELECT detail FROM support_audit WHERE action = 'assisted.refresh' AND outcome = 'refused' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.detail.error)).toEqual(['refresh_reuse', 'assisted_session_ended']);
  });

  it('a token of another assisted session, a tampered token and an unknown refresh token get the neutral answers', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const first = await verifiedTechnicalSession(h, ana, admin);
    const a = await redeem(h, ana, first);
    await ana.post(`/sessions/${first}/complete`);
    const second = await verifiedTechnicalSession(h, ana, admin);
    const b = await redeem(h, ana, second);
    expect(await introspect(h, a.accessToken)).toEqual({ active: false });
    expect(await introspect(h, b.accessToken)).toMatchObject({ active: true, sid: b.assistedSessionId });
    const [head, body, sig] = b.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sid: a.assistedSessionId })).toString('base64url')}.${sig}`;
    expect(await introspect(h, forged)).toEqual({ active: false });
    expect(await introspect(h, 'not-a-token')).toEqual({ active: false });
    const unknown = await form(h, '/assisted/refresh', { refresh_token: 'A'.repeat(43) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('assisted_session_ended');
    h.clock.advance(301);
    expect(await introspect(h, b.accessToken)).toEqual({ active: false });
  });

  it('wrong or missing client credentials get 401 with a Basic challenge; an agent token is refused', async () => {
    const h = await assistedHarness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await verifiedTechnicalSession(h, ana, admin);
    const assisted = await redeem(h, ana, id);
    for (const auth of [
      null,
      basic({ id: CLIENT.id, secret: `${CLIENT.secret}x` }),
      basic({ id: 'nobody', secret: CLIENT.secret }),
      `Bearer ${ana.token}`,
      `Bearer ${assisted.accessToken}`,
      'Basic !!!',
    ]) {
      for (const [path, fields] of [
        ['/assisted/introspect', { token: assisted.accessToken }],
        ['/assisted/refresh', { refresh_token: assisted.refreshToken }],
      ] as const) {
        const r = await form(h, path, fields, auth);
        expect(r.status, `${path} ${auth?.slice(0, 6)}`).toBe(401);
        expect(r.body.error.code).toBe('unauthorized');
        expect(r.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
    }
    // The refresh token was not spent by any of those.
    expect((await form(h, '/assisted/refresh', { refresh_token: assisted.refreshToken })).status).toBe(200);
    // The second client is a client too.
    expect(
      (await form(h, '/assisted/introspect', { token: assisted.accessToken }, basic(OTHER))).status,
    ).toBe(200);
  });

  it('wants a form body, refuses repeated or unknown fields, and is rate-limited per client', async () => {
    const h = await harness({
      destinationClients: [CLIENT, OTHER],
      limits: { assistedCallsPerClientPerMinute: 60 },
    });
    const json = await h.call('POST', '/assisted/introspect', {
      body: { token: 'x' },
      headers: { Authorization: basic(CLIENT) },
    });
    expect(json.status).toBe(415);
    const twice = await h.call('POST', '/assisted/introspect', {
      rawBody: 'token=a&token=b',
      headers: { Authorization: basic(CLIENT), 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe('invalid_input');
    expect((await form(h, '/assisted/introspect', { token: 'x', client_secret: 'y' })).status).toBe(400);
    let last: ApiResponse | undefined;
    for (let i = 0; i < 60; i++) last = await form(h, '/assisted/introspect', { token: 'x' });
    expect(last?.status).toBe(429);
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client has its own bucket.
    expect((await form(h, '/assisted/introspect', { token: 'x' }, basic(OTHER))).status).toBe(200);
  });
});
