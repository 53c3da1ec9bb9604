import { SupportError } from '@waizant/support-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createLocalIdentity,
  type EmbeddedSupportServer,
  outboxNotifier,
  readOutbox,
} from '../src/embedded.js';
import {
  type AccountStatus,
  createSupportServer,
  type Identity,
  sqlCoreDirectory,
  stricterUserStatus,
} from '../src/index.js';
import { effectiveUserStatus, identityUserStatus } from '../src/services/user-status.js';
import {
  BACKOFFICE,
  CapturingLogger,
  closeAll,
  closeTemplate,
  count,
  DEMO,
  freshDatabase,
  type Harness,
  HMAC_KEY,
  snapshot,
  TestClock,
  trackServer,
  wrap,
} from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

type AccountAnswer = AccountStatus | SupportError;

const ACTIVE: AccountStatus = { exists: true, enabled: true, userStatus: 'active' };
const DISABLED: AccountStatus = { exists: true, enabled: false, userStatus: 'disabled' };
const MISSING: AccountStatus = { exists: false, enabled: false, userStatus: null };
const UNAVAILABLE = () =>
  new SupportError('upstream_unavailable', 'The identity service is busy. Try again.');

interface StubState {
  /** What the stub answers next (an error is thrown). */
  answer: AccountAnswer;
  /** The e-mails the stub was asked about. */
  readonly asked: string[];
}

interface IdentityHarness extends Harness {
  readonly stub: StubState;
}

/**
 * The production wiring (`createSupportServer`) over the test database, with an `Identity` that
 * delegates to the local signer but reports end-user account statuses like Cognito would.
 */
async function identityHarness(answer: AccountAnswer): Promise<IdentityHarness> {
  const clock = new TestClock();
  const logger = new CapturingLogger();
  const database = await freshDatabase();
  const directory = sqlCoreDirectory(database);
  const local = await createLocalIdentity({ directory, clock });
  const stub: StubState = { answer, asked: [] };
  const identity: Identity = {
    verifyAgentToken: (token) => local.verifyAgentToken(token),
    issueAssistedToken: (request) => local.issueAssistedToken(request),
    jwks: () => local.jwks(),
    async getUserAccountStatus(email) {
      stub.asked.push(email);
      if (stub.answer instanceof SupportError) throw stub.answer;
      return stub.answer;
    },
  };
  const server = await createSupportServer({
    bindings: { database, directory, identity, notifier: outboxNotifier(database, clock) },
    secrets: { hmacKey: HMAC_KEY },
    origins: [BACKOFFICE],
    clock,
    logger,
  });
  const embedded: EmbeddedSupportServer = {
    ...server,
    database,
    directory,
    identity: local,
    issueAgentToken: (agentId, overrides) => local.issueAgentToken(agentId, overrides),
    outbox: (to) => readOutbox(database, to),
  };
  trackServer(embedded);
  return { ...wrap(embedded, clock, logger), stub };
}

async function lookupAudits(h: Harness): Promise<{ outcome: string; detail: string }[]> {
  const { rows } = await h.server.database.query<{ outcome: string; detail: string }>(
    "SELECT outcome, detail::text AS detail FROM support_audit WHERE action = 'lookup' ORDER BY id",
  );
  return rows;
}

describe('status rules', () => {
  it('the stricter status wins: active < unconfirmed < locked < disabled', () => {
    expect(stricterUserStatus('active', 'disabled')).toBe('disabled');
    expect(stricterUserStatus('locked', 'active')).toBe('locked');
    expect(stricterUserStatus('unconfirmed', 'locked')).toBe('locked');
    expect(stricterUserStatus('disabled', 'unconfirmed')).toBe('disabled');
    expect(stricterUserStatus('active', null)).toBe('active');
  });

  it('an account missing from the identity provider counts as locked; a disabled one as disabled', () => {
    expect(identityUserStatus(MISSING)).toBe('missing');
    expect(identityUserStatus(DISABLED)).toBe('disabled');
    expect(identityUserStatus({ exists: true, enabled: false, userStatus: 'active' })).toBe('disabled');
    expect(identityUserStatus({ exists: true, enabled: true, userStatus: null })).toBe('locked');
    expect(effectiveUserStatus('active', 'missing')).toBe('locked');
    expect(effectiveUserStatus('disabled', 'missing')).toBe('disabled');
    expect(effectiveUserStatus('unconfirmed', null)).toBe('unconfirmed');
  });
});

describe('lookup with the identity provider’s account status', () => {
  const admin = DEMO.users.admin;
  const lookup = { email: admin.email, flow: 'technical-assistance' } as const;

  it('active in both: eligible, and the identity status is audited without the e-mail', async () => {
    const h = await identityHarness(ACTIVE);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/lookup', lookup);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      found: true,
      eligible: true,
      ineligibleReason: null,
      user: { status: 'active' },
    });
    expect(h.stub.asked).toEqual([admin.email]);
    const audits = await lookupAudits(h);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.outcome).toBe('ok');
    expect(JSON.parse(audits[0]?.detail ?? '{}')).toEqual({
      flow: 'technical-assistance',
      found: true,
      eligible: true,
      identityStatus: 'active',
    });
    expect(audits[0]?.detail).not.toContain(admin.email);
  });

  it('disabled in the identity provider but active in the Core DB: not eligible (account_disabled)', async () => {
    const h = await identityHarness(DISABLED);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/lookup', lookup);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      found: true,
      eligible: false,
      ineligibleReason: 'account_disabled',
      user: { id: admin.id, status: 'disabled' },
    });
    const [entry] = await lookupAudits(h);
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ eligible: false, identityStatus: 'disabled' });
    expect(entry?.detail).not.toContain(admin.email);
  });

  it('missing from the identity provider: not eligible (account_locked)', async () => {
    const h = await identityHarness(MISSING);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/lookup', lookup);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      found: true,
      eligible: false,
      ineligibleReason: 'account_locked',
      user: { id: admin.id, status: 'locked' },
    });
    const [entry] = await lookupAudits(h);
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ eligible: false, identityStatus: 'missing' });
  });

  it('the Core DB status stays when it is the stricter one (active in the identity provider)', async () => {
    const h = await identityHarness(ACTIVE);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/lookup', { email: DEMO.users.disabled.email, flow: 'technical-assistance' });
    expect(r.body).toMatchObject({
      found: true,
      eligible: false,
      ineligibleReason: 'account_disabled',
      user: { status: 'disabled' },
    });
  });

  it('a user the Core DB does not know: the identity provider is not asked', async () => {
    const h = await identityHarness(ACTIVE);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/lookup', { email: 'nobody@example.com', flow: 'technical-assistance' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ found: false });
    expect(h.stub.asked).toEqual([]);
    const [entry] = await lookupAudits(h);
    expect(JSON.parse(entry?.detail ?? '{}')).not.toHaveProperty('identityStatus');
  });

  it('identity provider unavailable: 503, never "active", nothing else changes, and a retry runs again', async () => {
    const h = await identityHarness(UNAVAILABLE());
    const ana = await h.as(DEMO.agents.ana.id);
    const before = await snapshot(h.server);
    const key = { 'Idempotency-Key': 'lookup-identity-unavailable-1' };

    const r = await ana.post('/lookup', lookup, key);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: { code: 'upstream_unavailable', message: expect.any(String) } });
    expect(JSON.stringify(r.body)).not.toContain('active');
    expect(await snapshot(h.server)).toBe(before);
    const audits = await lookupAudits(h);
    expect(audits.map((a) => a.outcome)).toEqual(['failed']);
    expect(JSON.parse(audits[0]?.detail ?? '{}')).toEqual({
      flow: 'technical-assistance',
      error: 'upstream_unavailable',
    });
    expect(audits[0]?.detail).not.toContain(admin.email);
    expect(await count(h.server, 'support_sessions')).toBe(0);

    // The 503 was not stored under the key: once the provider answers, the same request runs.
    h.stub.answer = DISABLED;
    const retried = await ana.post('/lookup', lookup, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
    expect(retried.body).toMatchObject({ eligible: false, ineligibleReason: 'account_disabled' });
  });
});

describe('opening a session applies the identity provider’s status too', () => {
  const admin = DEMO.users.admin;
  const open = { flow: 'technical-assistance', userId: admin.id } as const;

  it('a user disabled in the identity provider cannot be given a session by skipping the lookup', async () => {
    const h = await identityHarness(DISABLED);
    const ana = await h.as(DEMO.agents.ana.id);
    const r = await ana.post('/sessions', open);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('not_eligible');
    expect(h.stub.asked).toEqual([admin.email]);
    expect(await count(h.server, 'support_sessions')).toBe(0);
    expect(await count(h.server, 'support_outbox')).toBe(0);
    const { rows } = await h.server.database.query<{ outcome: string; detail: string }>(
      "SELECT outcome, detail::text AS detail FROM support_audit WHERE action = 'session.create'",
    );
    expect(rows.map((row) => row.outcome)).toEqual(['refused']);
    expect(JSON.parse(rows[0]?.detail ?? '{}')).toMatchObject({
      reason: 'account_disabled',
      identityStatus: 'disabled',
    });
  });

  it('a user missing from the identity provider is refused; an unavailable provider gives 503 and no session', async () => {
    const missing = await identityHarness(MISSING);
    const ana = await missing.as(DEMO.agents.ana.id);
    const r = await ana.post('/sessions', open);
    expect(r.body.error.code).toBe('not_eligible');
    const down = await identityHarness(UNAVAILABLE());
    const agent = await down.as(DEMO.agents.ana.id);
    const failed = await agent.post('/sessions', open);
    expect(failed.status).toBe(503);
    expect(await count(down.server, 'support_sessions')).toBe(0);
  });

  it('active in both: the session opens', async () => {
    const h = await identityHarness(ACTIVE);
    const ana = await h.as(DEMO.agents.ana.id);
    expect((await ana.post('/sessions', open)).status).toBe(201);
  });
});
