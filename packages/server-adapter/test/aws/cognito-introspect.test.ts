import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IntrospectResponse } from '@waizant/support-core';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { verifyAssertion } from '../../src/bindings/aws/signed-assertion.js';
import type { PreTokenGenerationV2Event } from '../../src/bindings/aws/triggers/events.js';
import { createPreTokenGenerationHandler } from '../../src/bindings/aws/triggers/pre-token-generation.js';
import { createVerifyAuthChallengeHandler } from '../../src/bindings/aws/triggers/verify-auth-challenge.js';
import { createLocalIdentity } from '../../src/bindings/embedded/identity.js';
import { outboxNotifier, readOutbox } from '../../src/bindings/embedded/outbox.js';
import { sqlCoreDirectory } from '../../src/bindings/postgres/directory.js';
import { createSupportServer } from '../../src/server.js';
import { BACKEND, BASE, CapturingLogger, DEMO, freshDatabase, HMAC_KEY, TestClock } from '../helpers.js';
import { SECRET } from './helpers.js';

// Introspection of Cognito-issued assisted tokens: the trigger puts sid / support_ref / the Core
// user id into the access token, the binding verifies it against the pool's JWKS, and the HTTP
// route answers active until the support session ends.
const REGION = 'eu-west-1';
const POOL = 'eu-west-1_TestPool1';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const ASSISTED_CLIENT = 'assisted-client-id';
const DESTINATION = { id: 'web-backend', secret: 'web-backend-secret-0123456789-abcdefghij' };
/** Cognito's own user id: never the Core user id. */
const COGNITO_SUB = 'c0c0c0c0-1111-4222-8333-444455556666';

let privateKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

interface Sent {
  target: string;
  body: Record<string, unknown>;
}

interface AccessClaims {
  readonly iss?: string;
  readonly clientId?: string;
  readonly tokenUse?: string;
  readonly exp?: number;
  readonly key?: CryptoKey;
  readonly extra?: Record<string, unknown>;
}

/** A Cognito access token as the pool would sign it (no `aud`; `client_id` instead). */
async function accessToken(o: AccessClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    token_use: o.tokenUse ?? 'access',
    client_id: o.clientId ?? ASSISTED_CLIENT,
    scope: 'aws.cognito.signin.user.admin',
    username: DEMO.users.admin.id,
    auth_time: now,
    origin_jti: randomUUID(),
    ...o.extra,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'pool-key' })
    .setSubject(COGNITO_SUB)
    .setIssuer(o.iss ?? ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 300)
    .setJti(randomUUID())
    .sign(o.key ?? privateKey);
}

/**
 * A local endpoint for Cognito's JSON protocol and the pool's JWKS. RespondToAuthChallenge runs
 * the kit's real VerifyAuthChallenge and PreTokenGeneration (V2) handlers on what the binding
 * sent, and signs an access token with the claims the trigger answered.
 */
async function fakeCognito(clock: TestClock) {
  const sent: Sent[] = [];
  const triggers = { secret: SECRET, assistedClientId: ASSISTED_CLIENT, clock };
  const verify = createVerifyAuthChallengeHandler(triggers);
  const preToken = createPreTokenGenerationHandler(triggers);
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'GET' && req.url === `/${POOL}/.well-known/jwks.json`)
        return reply(200, { keys: [jwk] });
      const target = String(req.headers['x-amz-target']).replace('AWSCognitoIdentityProviderService.', '');
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      sent.push({ target, body });
      void answer(target, body).then(
        ([status, payload]) => reply(status, payload),
        () => reply(400, { __type: 'UserLambdaValidationException', message: 'refused' }),
      );
    });
  });
  async function answer(target: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    if (target === 'ListUsers') return [200, { Users: [{ Username: DEMO.users.admin.id }] }];
    if (target === 'AdminGetUser')
      return [200, { Username: DEMO.users.admin.id, Enabled: true, UserStatus: 'CONFIRMED' }];
    if (target === 'AdminInitiateAuth') {
      const username = (body.AuthParameters as Record<string, string>).USERNAME;
      return [
        200,
        { ChallengeName: 'CUSTOM_CHALLENGE', Session: 'sess-1', ChallengeParameters: { USERNAME: username } },
      ];
    }
    if (target === 'AdminRespondToAuthChallenge') {
      const responses = body.ChallengeResponses as Record<string, string>;
      const clientMetadata = body.ClientMetadata as Record<string, string>;
      const base = {
        version: '2',
        region: REGION,
        userPoolId: POOL,
        userName: responses.USERNAME ?? '',
        callerContext: { awsSdkVersion: 'aws-sdk-js', clientId: String(body.ClientId) },
      };
      const verified = await verify({
        ...base,
        triggerSource: 'VerifyAuthChallengeResponse_Authentication',
        request: {
          userAttributes: {},
          privateChallengeParameters: { type: 'waizant-assisted' },
          challengeAnswer: responses.ANSWER ?? '',
          clientMetadata,
        },
        response: { answerCorrect: null },
      });
      if (!verified.response.answerCorrect) return [400, { __type: 'NotAuthorizedException', message: 'x' }];
      const event: PreTokenGenerationV2Event = {
        ...base,
        triggerSource: 'TokenGeneration_Authentication',
        request: {
          userAttributes: {},
          groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
          scopes: ['aws.cognito.signin.user.admin'],
          clientMetadata,
        },
        response: { claimsAndScopeOverrideDetails: null },
      };
      const out = await preToken(event);
      const extra = out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride;
      return [
        200,
        {
          AuthenticationResult: {
            AccessToken: await accessToken({ extra: extra ?? {} }),
            ExpiresIn: 300,
            RefreshToken: `cognito-refresh-${sent.length}`,
            TokenType: 'Bearer',
          },
        },
      ];
    }
    if (target === 'RevokeToken') return [200, {}];
    return [400, { __type: 'InvalidParameterException', message: `unexpected ${target}` }];
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    sent,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
});
