import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IntrospectResponse } from '@waizant/support-core';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { verifyAssertion } from '../../src/bindings/aws/signed-assertion.js';
import { createLocalIdentity } from '../../src/bindings/embedded/identity.js';
import { outboxNotifier, readOutbox } from '../../src/bindings/embedded/outbox.js';
import { sqlCoreDirectory } from '../../src/bindings/postgres/directory.js';
import { createSupportServer } from '../../src/server.js';
import { BACKEND, BASE, CapturingLogger, DEMO, freshDatabase, HMAC_KEY, TestClock } from '../helpers.js';
import {
  ASSISTED_CLIENT,
  accessToken,
  COGNITO_SUB,
  DESTINATION,
  fakeCognito,
  ISSUER,
  jwk,
  otherKey,
  POOL,
  privateKey,
  REGION,
} from './fake-cognito-pool.js';
import { SECRET } from './helpers.js';

// Introspection of Cognito-issued assisted tokens: the trigger puts sid / support_ref / the Core
// user id into the access token, the binding verifies it against the pool's JWKS, and the HTTP
// route answers active until the support session ends.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const clock = new TestClock();
  const cognito = await fakeCognito(clock);
  cleanups.push(cognito.close);
  // The JWKS is fetched over HTTP from the local endpoint standing in for the pool's address.
  const jwksFetches: string[] = [];
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        jwksFetches.push(uri);
        const local = uri.replace(`https://cognito-idp.${REGION}.amazonaws.com`, cognito.endpoint);
        if (local === uri) throw new Error('only the local stand-in may be reached');
        return (await fetch(local)).arrayBuffer();
      },
    },
  });
  const logger = new CapturingLogger();
  const database = await freshDatabase();
  const directory = sqlCoreDirectory(database);
  const identity = createCognitoIdentity({
    region: REGION,
    userPoolId: POOL,
    agentUserPoolId: 'eu-west-1_Agents1',
    agentClientId: 'backoffice-client',
    agentGroup: 'support-agents',
    assistedClientId: ASSISTED_CLIENT,
    assistedSecret: SECRET,
    directory,
    jwksCache,
    clock,
    logger,
    client: new CognitoIdentityProviderClient({
      region: REGION,
      endpoint: cognito.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    backoff: { attempts: 1 },
  });
  // Agents are not what this test is about: the services are called directly with their id.
  const local = await createLocalIdentity({ directory, clock });
  const server = await createSupportServer({
    bindings: {
      database,
      directory,
      identity: { ...identity, verifyAgentToken: local.verifyAgentToken },
      notifier: outboxNotifier(database, clock),
    },
    secrets: { hmacKey: HMAC_KEY },
    destinationClients: [DESTINATION],
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
  async function post(path: string, fields: Record<string, string>) {
    const response = await server.fetch(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${DESTINATION.id}:${DESTINATION.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams(fields).toString(),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  async function introspect(token: string) {
    const r = await post('/assisted/introspect', { token });
    expect(r.status).toBe(200);
    return IntrospectResponse.parse(r.body);
  }
  return {
    cognito,
    clock,
    identity,
    logger,
    database,
    server,
    agent,
    jwksFetches,
    verifiedSession,
    redeemed,
    post,
    introspect,
  };
}

describe(`Cognito: assisted tokens are introspectable (${BACKEND})`, () => {
  it('the token carries the assisted session; introspection answers active, then inactive after cancel', async () => {
    const t = await setup();
    const id = await t.verifiedSession();
    const assisted = await t.redeemed(id);
    const { rows } = await t.database.query<{ session_ref: string }>(
      'SELECT session_ref FROM support_sessions WHERE id = $1',
      [id],
    );
    const ref = rows[0]?.session_ref ?? '';

    // The exact commands: InitiateAuth, then Respond whose signed claims assertion names the
    // assisted session, the Core user, the agent and the support session.
    const calls = t.cognito.sent.filter((s) => !['ListUsers', 'AdminGetUser'].includes(s.target));
    expect(calls.map((s) => s.target)).toEqual(['AdminInitiateAuth', 'AdminRespondToAuthChallenge']);
    expect(calls[0]?.body).toEqual({
      UserPoolId: POOL,
      ClientId: ASSISTED_CLIENT,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: DEMO.users.admin.id },
      ClientMetadata: { waizant_agent_id: DEMO.agents.ana.id, waizant_session_ref: ref },
    });
    const metadata = calls[1]?.body.ClientMetadata as Record<string, string>;
    expect(Object.keys(metadata).sort()).toEqual([
      'waizant_agent_id',
      'waizant_assertion',
      'waizant_session_ref',
    ]);
    expect(
      verifyAssertion(SECRET, metadata.waizant_assertion, {
        purpose: 'claims',
        username: DEMO.users.admin.id,
        now: t.clock.now(),
      }),
    ).toMatchObject({
      assistedSessionId: assisted.assistedSessionId,
      userId: DEMO.users.admin.id,
      agentId: DEMO.agents.ana.id,
      sessionRef: ref,
    });

    expect(await t.introspect(assisted.accessToken)).toEqual({
      active: true,
      sub: DEMO.users.admin.id,
      act: { sub: DEMO.agents.ana.id },
      exp: expect.any(Number),
      iat: expect.any(Number),
      client_id: ASSISTED_CLIENT,
      sid: assisted.assistedSessionId,
      support_ref: ref,
      token_type: 'Bearer',
    });
    expect(t.jwksFetches).toEqual([`${ISSUER}/.well-known/jwks.json`]);

    await t.server.services.cancel(t.agent, id, 'The user hung up');
    expect(await t.introspect(assisted.accessToken)).toEqual({ active: false });
    expect(t.cognito.sent.filter((s) => s.target === 'RevokeToken')).toHaveLength(1);
  });

  it('a refresh signs in again for the same assisted session; the new token introspects active', async () => {
    const t = await setup();
    const id = await t.verifiedSession();
    const assisted = await t.redeemed(id);
    const refreshed = await t.post('/assisted/refresh', {
      grant_type: 'refresh_token',
      refresh_token: assisted.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const token = String(refreshed.body.access_token);
    expect(token).not.toBe(assisted.accessToken);
    expect(await t.introspect(token)).toMatchObject({ active: true, sid: assisted.assistedSessionId });
    await t.server.services.complete(t.agent, id);
    expect(await t.introspect(token)).toEqual({ active: false });
  });
});

describe('Cognito verifyAssistedToken refusals', () => {
  const SID = '3c9a4f1e-2b7d-4e8a-9f01-5d6c7b8a9e0f';
  const claims = {
    sid: SID,
    'waizant:user_id': DEMO.users.admin.id,
    support_ref: 'ref_5b2f0c7e9a',
    act: { sub: DEMO.agents.ana.id },
  };

  async function refused(t: Awaited<ReturnType<typeof setup>>, token: string, reason: string) {
    const before = t.logger.lines.length;
    expect(await t.identity.verifyAssistedToken(token)).toBeNull();
    expect(await t.introspect(token)).toEqual({ active: false });
    const logged = t.logger.lines.slice(before).join('\n');
    expect(logged).toContain(reason);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(logged).not.toContain(part);
  }

  it('accepts the trigger-shaped token and maps the Core user id to sub', async () => {
    const t = await setup();
    const token = await accessToken({ extra: claims });
    expect(await t.identity.verifyAssistedToken(token)).toEqual({
      sub: DEMO.users.admin.id,
      agentId: DEMO.agents.ana.id,
      sid: SID,
      supportRef: 'ref_5b2f0c7e9a',
      exp: expect.any(Number),
      iat: expect.any(Number),
      audience: ASSISTED_CLIENT,
    });
  });

  it('refuses another client, another pool, an ID token, an expired token, another key, missing claims', async () => {
    const t = await setup();
    await refused(
      t,
      await accessToken({ extra: claims, clientId: 'web-client-id' }),
      'CognitoJwtInvalidClientIdError',
    );
    await refused(
      t,
      await accessToken({
        extra: claims,
        iss: `https://cognito-idp.${REGION}.amazonaws.com/eu-west-1_Agents1`,
      }),
      'ParameterValidationError',
    );
    await refused(t, await accessToken({ extra: claims, tokenUse: 'id' }), 'CognitoJwtInvalidTokenUseError');
    await refused(
      t,
      await accessToken({ extra: claims, exp: Math.floor(Date.now() / 1000) - 1 }),
      'JwtExpiredError',
    );
    await refused(t, await accessToken({ extra: claims, key: otherKey }), 'JwtInvalidSignatureError');
    // A token of the assisted client without the kit's claims (Cognito's sub only).
    await refused(t, await accessToken(), 'claims_missing');
    const { sid: _sid, ...noSid } = claims;
    await refused(t, await accessToken({ extra: noSid }), 'claims_missing');
    const { 'waizant:user_id': _user, ...noUser } = claims;
    await refused(t, await accessToken({ extra: noUser }), 'claims_missing');
  });

  it("appToken 'id' (a V1_0 trigger): verifies ID tokens of the assisted client, act as a JSON string", async () => {
    const identity = createCognitoIdentity({
      region: REGION,
      userPoolId: POOL,
      agentUserPoolId: 'eu-west-1_Agents1',
      agentClientId: 'backoffice-client',
      agentGroup: 'support-agents',
      assistedClientId: ASSISTED_CLIENT,
      assistedSecret: SECRET,
      appToken: 'id',
      directory: { getAgent: async () => null },
      jwksCache: new SimpleJwksCache({
        fetcher: { fetch: async () => Promise.reject(new Error('network disabled in tests')) },
      }),
    });
    identity.assistedVerifier.cacheJwks({ keys: [jwk] });
    const now = Math.floor(Date.now() / 1000);
    const idToken = (audience: string) =>
      new SignJWT({ ...claims, act: JSON.stringify(claims.act), token_use: 'id', auth_time: now })
        .setProtectedHeader({ alg: 'RS256', kid: 'pool-key' })
        .setSubject(COGNITO_SUB)
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(privateKey);
    expect(await identity.verifyAssistedToken(await idToken(ASSISTED_CLIENT))).toMatchObject({
      sub: DEMO.users.admin.id,
      agentId: DEMO.agents.ana.id,
      sid: SID,
    });
    expect(await identity.verifyAssistedToken(await idToken('web-client-id'))).toBeNull();
    // An access token is not what this configuration hands out.
    expect(await identity.verifyAssistedToken(await accessToken({ extra: claims }))).toBeNull();
  });
});
