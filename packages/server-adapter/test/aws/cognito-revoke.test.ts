import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { createLocalIdentity } from '../../src/bindings/embedded/identity.js';
import { outboxNotifier, readOutbox } from '../../src/bindings/embedded/outbox.js';
import { sqlCoreDirectory } from '../../src/bindings/postgres/directory.js';
import { createSupportServer, type SupportServer } from '../../src/server.js';
import { BACKEND, CapturingLogger, DEMO, freshDatabase, HMAC_KEY, TestClock } from '../helpers.js';
import { SECRET } from './helpers.js';

// The Cognito half of the assisted-session lifetime: the refresh token Cognito returns is kept
// encrypted and revoked (RevokeToken, with the client secret) once the support session ends.
const POOL = 'eu-west-1_TestPool1';
const ASSISTED_CLIENT = 'assisted-client-id';
const CLIENT_SECRET = 'assisted-client-secret-value';
const REFRESH = `cognito-refresh-${'R'.repeat(60)}`;

interface Sent {
  target: string;
  body: Record<string, unknown>;
}

/** A local HTTP endpoint speaking Cognito's JSON protocol: records each command, answers it. */
async function fakeCognito(revokeStatuses: number[] = []) {
  const sent: Sent[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']).replace('AWSCognitoIdentityProviderService.', '');
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      sent.push({ target, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      // Account status reads (every command re-checks the user): one confirmed, enabled account.
      if (target === 'ListUsers') return reply(200, { Users: [{ Username: 'user-1' }] });
      if (target === 'AdminGetUser')
        return reply(200, { Username: 'user-1', Enabled: true, UserStatus: 'CONFIRMED' });
      if (target === 'AdminInitiateAuth') {
        const username = (body.AuthParameters as Record<string, string>).USERNAME;
        return reply(200, {
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: 'sess-1',
          ChallengeParameters: { USERNAME: username },
        });
      }
      if (target === 'AdminRespondToAuthChallenge') {
        return reply(200, {
          AuthenticationResult: {
            AccessToken: `cognito.access.${sent.length}`,
            ExpiresIn: 3600,
            RefreshToken: REFRESH,
            TokenType: 'Bearer',
          },
        });
      }
      if (target === 'RevokeToken') {
        const status = revokeStatuses.shift() ?? 200;
        return status === 200
          ? reply(200, {})
          : reply(status, { __type: 'InternalErrorException', message: 'x' });
      }
      return reply(400, { __type: 'InvalidParameterException', message: `unexpected ${target}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    sent,
    revokes: () => sent.filter((s) => s.target === 'RevokeToken'),
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(revokeStatuses: number[] = []) {
  const cognito = await fakeCognito(revokeStatuses);
  cleanups.push(cognito.close);
  const clock = new TestClock();
  const logger = new CapturingLogger();
  const database = await freshDatabase();
  const directory = sqlCoreDirectory(database);
  const cognitoIdentity = createCognitoIdentity({
    region: 'eu-west-1',
    userPoolId: POOL,
    agentClientId: 'backoffice-client',
    agentGroup: 'support-agents',
    assistedClientId: ASSISTED_CLIENT,
    assistedClientSecret: CLIENT_SECRET,
    assistedSecret: SECRET,
    directory,
    clock,
    logger,
    client: new CognitoIdentityProviderClient({
      region: 'eu-west-1',
      endpoint: cognito.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    backoff: { attempts: 1 },
  });
  // Agents are not what this test is about: the services are called directly with their id.
  const local = await createLocalIdentity({ directory, clock });
  const server: SupportServer = await createSupportServer({
    bindings: {
      database,
      directory,
      identity: { ...cognitoIdentity, verifyAgentToken: local.verifyAgentToken },
      notifier: outboxNotifier(database, clock),
    },
    secrets: { hmacKey: HMAC_KEY },
    clock,
    logger,
    migrate: false,
  });
  cleanups.push(() => server.close());
  const agent = { agentId: DEMO.agents.ana.id };
  const code = async (to: string) => (await readOutbox(database, to)).at(-1)?.code ?? '';
  async function verifiedSession(): Promise<string> {
    const s = server.services;
    const { id } = await s.createSession(agent, {
      flow: 'technical-assistance',
      userId: DEMO.users.admin.id,
    });
    await s.selectEcosystem(agent, id, DEMO.ecosystems.perez.id);
    await s.sendCode(agent, id, 'agent');
    await s.verifyCode(agent, id, 'agent', await code(DEMO.agents.ana.email));
    await s.sendCode(agent, id, 'user');
    await s.verifyCode(agent, id, 'user', await code(DEMO.users.admin.email));
    return id;
  }
  async function redeemed(sessionId: string) {
    const handoff = await server.services.createHandoff(agent, sessionId, 'web');
    return server.services.redeemHandoff(new URL(handoff.link).hash.replace('#token=', ''));
  }
  return { cognito, clock, logger, database, server, agent, verifiedSession, redeemed };
}

const EXPECTED_REVOKE = { Token: REFRESH, ClientId: ASSISTED_CLIENT, ClientSecret: CLIENT_SECRET };

describe(`Cognito: revocation when the support session ends (${BACKEND})`, () => {
  it('keeps the refresh token only encrypted, then sends exactly one RevokeToken after cancel', async () => {
    const t = await setup();
    const id = await t.verifiedSession();
    const assisted = await t.redeemed(id);
    expect(assisted.accessToken).toMatch(/^cognito\.access\./);
    const assistedCalls = t.cognito.sent.filter((s) => !['ListUsers', 'AdminGetUser'].includes(s.target));
    expect(assistedCalls.map((s) => s.target)).toEqual(['AdminInitiateAuth', 'AdminRespondToAuthChallenge']);
    const { rows } = await t.database.query<{ provider_refresh_ciphertext: string }>(
      'SELECT provider_refresh_ciphertext FROM support_assisted_sessions',
    );
    expect(rows[0]?.provider_refresh_ciphertext).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain('RRRRRRRR');

    await t.server.services.cancel(t.agent, id, 'The user hung up');
    expect(t.cognito.revokes().map((s) => s.body)).toEqual([EXPECTED_REVOKE]);
    // Claimed once: later sweeps send nothing more.
    await t.server.sweepExpiredSessions();
    expect(t.cognito.revokes()).toHaveLength(1);
    const audit = await t.database.query<{ outcome: string }>(
      "SELECT outcome FROM support_audit WHERE action = 'assisted.revoke'",
    );
    expect(audit.rows).toEqual([{ outcome: 'ok' }]);
    const dump = JSON.stringify((await t.database.query('SELECT * FROM support_audit')).rows);
    expect(dump + t.logger.lines.join('\n')).not.toContain('RRRRRRRR');
  });

  it('nothing is revoked while the support session lives; the sweep revokes after idle expiry', async () => {
    const t = await setup();
    const id = await t.verifiedSession();
    await t.redeemed(id);
    await t.server.sweepExpiredSessions();
    expect(t.cognito.revokes()).toEqual([]);
    t.clock.advance(901);
    expect(await t.server.sweepExpiredSessions()).toBe(1);
    expect(t.cognito.revokes().map((s) => s.body)).toEqual([EXPECTED_REVOKE]);
  });

  it('a failed RevokeToken gives the claim back and the next sweep retries it', async () => {
    const t = await setup([500]);
    const id = await t.verifiedSession();
    await t.redeemed(id);
    const view = await t.server.services.complete(t.agent, id);
    expect(view.step).toBe('completed');
    expect(t.cognito.revokes()).toHaveLength(1);
    const pending = await t.database.query<{ provider_revoked_at: unknown }>(
      'SELECT provider_revoked_at FROM support_assisted_sessions',
    );
    expect(pending.rows[0]?.provider_revoked_at).toBeNull();
    await t.server.sweepExpiredSessions();
    expect(t.cognito.revokes().map((s) => s.body)).toEqual([EXPECTED_REVOKE, EXPECTED_REVOKE]);
    const audit = await t.database.query<{ outcome: string }>(
      "SELECT outcome FROM support_audit WHERE action = 'assisted.revoke' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.outcome)).toEqual(['failed', 'ok']);
  });
});
