import {
  AssistedSession,
  Handoff,
  ProcessDetail,
  ProcessPage,
  SupportSessionView,
} from '@waizant/support-core';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OutboxMessages } from '../src/embedded.js';
import { closeAll, closeTemplate, DEMO, harness, latestCode } from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

describe('technical assistance, end to end over HTTP', () => {
  for (const [label, user, destinations] of [
    ['administrator', DEMO.users.admin, ['store', 'web', 'app']],
    ['managed user', DEMO.users.managed, ['web', 'app']],
  ] as const) {
    it(`${label}: lookup → ecosystem → agent code → user code → ${destinations.length} destinations → redeemed handoff naming the agent`, async () => {
      const h = await harness();
      const ana = await h.as(DEMO.agents.ana.id);

      const found = await ana.post('/lookup', {
        email: user.email.toUpperCase(),
        flow: 'technical-assistance',
      });
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ found: true, eligible: true, user: { id: user.id } });

      const created = await ana.post('/sessions', { flow: 'technical-assistance', userId: user.id });
      expect(created.status).toBe(201);
      const session = SupportSessionView.parse(created.body);
      expect(session.step).toBe('select_ecosystem');
      const id = session.id;

      const selected = await ana.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
      expect(selected.body.step).toBe('agent_code');

      const sent = await ana.post(`/sessions/${id}/agent-code`);
      expect(sent.status).toBe(200);
      expect(sent.body.code).toMatchObject({
        purpose: 'agent',
        attemptsLeft: 5,
        resendsLeft: 3,
        sentTo: 'a***t@support.waizant.local',
      });
      const agentMail = (await h.server.outbox(DEMO.agents.ana.email)).at(-1);
      expect(agentMail?.text).toContain('Familia Pérez');
      expect(agentMail?.text).toContain(user.name);

      const agentOk = await ana.post(`/sessions/${id}/agent-code/verify`, {
        code: await latestCode(h.server, DEMO.agents.ana.email),
      });
      expect(agentOk.status).toBe(200);
      expect(agentOk.body.step).toBe('user_code');
      expect(agentOk.body.code).toBeNull();

      await ana.post(`/sessions/${id}/user-code`);
      const userMail = (await h.server.outbox(user.email)).at(-1);
      expect(userMail?.text).toContain('Ana Agent');
      expect(userMail?.text).toContain('Familia Pérez');
      expect(userMail?.text.toLowerCase()).not.toContain('never share');
      const userOk = await ana.post(`/sessions/${id}/user-code/verify`, {
        code: await latestCode(h.server, user.email),
      });
      expect(userOk.body.step).toBe('verified');
      expect(userOk.body.destinations).toEqual(destinations);

      const handoffs: Handoff[] = [];
      for (const destination of destinations) {
        const created = await ana.post(`/sessions/${id}/handoffs`, { destination });
        expect(created.status).toBe(201);
        handoffs.push(Handoff.parse(created.body));
      }
      const web = handoffs.find((x) => x.destination === 'web');
      expect(web?.page).toBe(label === 'administrator' ? 'web-home' : 'web-my-ecosystem');
      expect(web?.link).toMatch(/^https:\/\/web\.example\/.*assist#token=[A-Za-z0-9_-]{22}$/);
      expect(web?.expiresIn).toBe(120);

      const token = new URL(web!.link).hash.replace('#token=', '');
      const redeemed = await h.call('POST', '/handoffs/redeem', {
        body: { token },
        headers: { Origin: 'https://web.example', 'Sec-Fetch-Site': 'cross-site' },
      });
      expect(redeemed.status).toBe(200);
      const assisted = AssistedSession.parse(redeemed.body);
      expect(assisted.assistedBy.id).toBe(DEMO.agents.ana.id);
      expect(assisted.role).toBe(label === 'administrator' ? 'administrator' : 'managed');

      const jwks = await h.call('GET', '/.well-known/jwks.json');
      const { payload } = await jwtVerify(assisted.accessToken, createLocalJWKSet(jwks.body), {
        issuer: h.server.identity.issuer,
        audience: h.server.identity.assistedAudience,
        currentDate: h.clock.now(),
      });
      expect(payload.sub).toBe(user.id);
      expect(payload.act).toEqual({ sub: DEMO.agents.ana.id });
      const view = SupportSessionView.parse((await ana.get(`/sessions/${id}`)).body);
      expect(payload.exp! * 1000).toBeLessThanOrEqual(new Date(view.expiresAt).getTime());

      const status = await ana.get(`/sessions/${id}/handoffs/${web!.id}`);
      expect(status.body.state).toBe('claimed');
      const other = handoffs.find((x) => x.destination === 'app')!;
      expect((await ana.get(`/sessions/${id}/handoffs/${other.id}`)).body.state).toBe('pending');

      const notice = (await h.server.outbox(user.email)).at(-1);
      expect(notice?.kind).toBe('assisted_session_started');

      const done = await ana.post(`/sessions/${id}/complete`);
      expect(done.body.step).toBe('completed');
      expect((await ana.get(`/sessions/${id}/handoffs/${other.id}`)).body.state).toBe('revoked');
    });
  }

  it('a managed user cannot be taken to the store', async () => {
    const h = await harness();
    const ana = await h.as(DEMO.agents.ana.id);
    const { verifiedTechnicalSession } = await import('./helpers.js');
    const id = await verifiedTechnicalSession(h, ana, DEMO.users.managed);
    const refused = await ana.post(`/sessions/${id}/handoffs`, { destination: 'store' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});

describe('ecosystem admin (successor), end to end over HTTP', () => {
  it('user code first, then ecosystem + agent code, then the process list and the rejected process', async () => {
    const h = await harness();
    const ana = await h.as(DEMO.agents.ana.id);
    const user = DEMO.users.successor;
    const found = await ana.post('/lookup', { email: user.email, flow: 'ecosystem-admin' });
    expect(found.body.eligible).toBe(true);
    const notSuccessor = await ana.post('/lookup', {
      email: DEMO.users.admin.email,
      flow: 'ecosystem-admin',
    });
    expect(notSuccessor.body).toMatchObject({ eligible: false, ineligibleReason: 'not_a_successor' });

    const created = await ana.post('/sessions', { flow: 'ecosystem-admin', userId: user.id });
    expect(created.body.step).toBe('user_code');
    const id = created.body.id as string;
    // Only inherited ecosystems are selectable.
    expect(created.body.ecosystems.map((e: { id: string }) => e.id).sort()).toEqual(
      [DEMO.ecosystems.gomez.id, DEMO.ecosystems.lopez.id].sort(),
    );

    await ana.post(`/sessions/${id}/user-code`);
    const userOk = await ana.post(`/sessions/${id}/user-code/verify`, {
      code: await latestCode(h.server, user.email),
    });
    expect(userOk.body.step).toBe('select_ecosystem');

    const notInherited = await ana.post(`/sessions/${id}/ecosystem`, {
      ecosystemId: DEMO.ecosystems.perez.id,
    });
    expect(notInherited.status).toBe(403);
    const selected = await ana.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.lopez.id });
    expect(selected.body).toMatchObject({ step: 'agent_code', role: 'administrator' });

    await ana.post(`/sessions/${id}/agent-code`);
    const agentOk = await ana.post(`/sessions/${id}/agent-code/verify`, {
      code: await latestCode(h.server, DEMO.agents.ana.email),
    });
    expect(agentOk.body.step).toBe('verified');
    expect(agentOk.body.destinations).toEqual([]);

    const page1 = await ana.get(`/sessions/${id}/processes?limit=2`);
    expect(page1.status).toBe(200);
    const p1 = ProcessPage.parse(page1.body);
    expect(p1.total).toBe(4);
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).not.toBeNull();
    const page2 = ProcessPage.parse(
      (await ana.get(`/sessions/${id}/processes?limit=2&cursor=${p1.nextCursor}`)).body,
    );
    expect(page2.nextCursor).toBeNull();
    const all = [...p1.items, ...page2.items];
    expect(all.map((p) => p.id)).not.toContain(DEMO.processes.otherUser);
    expect(new Set(all.map((p) => p.id)).size).toBe(4);

    const lopezOnly = ProcessPage.parse(
      (await ana.get(`/sessions/${id}/processes?ecosystemId=${DEMO.ecosystems.lopez.id}`)).body,
    );
    expect(lopezOnly.total).toBe(3);

    const rejected = lopezOnly.items.find((p) => p.title === DEMO.rejectedTitle);
    expect(rejected?.status).toBe('rejected');
    const detail = ProcessDetail.parse((await ana.get(`/sessions/${id}/processes/${rejected!.id}`)).body);
    expect(detail.reason).toContain('illegible');
    expect(detail.decidedBy).toContain('Waizant');
    expect(detail.decidedAt).not.toBeNull();

    const foreign = await ana.get(`/sessions/${id}/processes/${DEMO.processes.otherUser}`);
    expect(foreign.status).toBe(404);
    // The successor was e-mailed their code and nothing else: no handoff, no assisted session here.
    const mail = OutboxMessages.parse((await h.call('GET', `/dev/outbox?to=${user.email}`)).body);
    expect(mail.map((m) => [m.kind, m.to])).toEqual([['user_code', user.email]]);
  });
});

describe('successor processes are paged by an opaque keyset cursor', () => {
  it('pages through 250 generated processes with an opaque cursor, newest first, no duplicates', async () => {
    const h = await harness();
    const { generateProcesses } = await import('../src/embedded.js');
    await generateProcesses(h.server.database, {
      userId: DEMO.users.successor.id,
      ecosystemId: DEMO.ecosystems.gomez.id,
      count: 250,
    });
    const ana = await h.as(DEMO.agents.ana.id);
    const user = DEMO.users.successor;
    const id = (await ana.post('/sessions', { flow: 'ecosystem-admin', userId: user.id })).body.id as string;
    await ana.post(`/sessions/${id}/user-code`);
    await ana.post(`/sessions/${id}/user-code/verify`, { code: await latestCode(h.server, user.email) });
    await ana.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.gomez.id });
    await ana.post(`/sessions/${id}/agent-code`);
    await ana.post(`/sessions/${id}/agent-code/verify`, {
      code: await latestCode(h.server, DEMO.agents.ana.email),
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `ecosystemId=${DEMO.ecosystems.gomez.id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const page = ProcessPage.parse((await ana.get(`/sessions/${id}/processes?${query}`)).body);
      expect(page.total).toBe(251);
      seen.push(...page.items.map((p) => p.createdAt + p.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(251);
    expect([...seen].sort().reverse()).toEqual(seen);
  });
});
