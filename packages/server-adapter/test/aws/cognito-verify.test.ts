import { SupportError } from '@waizant/support-core';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { capturingLogger, SECRET } from './helpers.js';

// docs/security.md §3 rules 16, 15; §4 check 17 and the JWT half of check 3.
const POOL = 'eu-west-1_TestPool1';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const CLIENT = 'backoffice-client-id';
/** The end users' pool: its tokens must never pass as an agent's (two-pool setup). */
const END_USER_POOL = 'eu-west-1_EndUsers1';
const GROUP = 'support-agents';
const AGENT = '7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f';

let privateKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let networkFetches = 0;
const logger = capturingLogger();
const INACTIVE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const agents = new Map([
  [AGENT, { id: AGENT, name: 'Agent', email: 'agent@waizant.test', active: true }],
  [INACTIVE, { id: INACTIVE, name: 'Former', email: 'former@waizant.test', active: false }],
]);
const directory = { getAgent: async (id: string) => agents.get(id) ?? null };
/** What a verified agent resolves to: the id, and the directory record it was checked against. */
const VERIFIED = { agentId: AGENT, record: agents.get(AGENT) };

interface IdentityOptions {
  /** `false`: the one-pool setup (agents and end users in `POOL`). */
  readonly twoPools?: boolean;
  readonly agentClientId?: string | string[];
}

function identity(o: IdentityOptions = {}) {
  // A fetcher that refuses: nothing in these tests may leave the machine.
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async () => {
        networkFetches++;
        throw new Error('network disabled in tests');
      },
    },
  });
  const id = createCognitoIdentity({
    ...((o.twoPools ?? true) ? { userPoolId: END_USER_POOL, agentUserPoolId: POOL } : { userPoolId: POOL }),
    agentClientId: o.agentClientId ?? CLIENT,
    assistedClientId: 'assisted-client-id',
    region: 'eu-west-1',
    agentGroup: GROUP,
    assistedSecret: SECRET,
    jwksCache,
    directory,
    logger,
  });
  id.verifier.cacheJwks({ keys: [jwk] });
  return id;
}

interface TokenOptions {
  readonly sub?: string;
  readonly aud?: string;
  readonly iss?: string;
  readonly tokenUse?: string;
  readonly groups?: string[] | null;
  readonly exp?: number;
  readonly key?: CryptoKey;
  readonly kid?: string;
}

async function token(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { token_use: o.tokenUse ?? 'id', email: 'agent@waizant.test' };
  if (o.groups !== null) claims['cognito:groups'] = o.groups ?? [GROUP];
  // Cognito access tokens carry client_id instead of aud.
  if (o.tokenUse === 'access') claims.client_id = CLIENT;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'test-key' })
    .setSubject(o.sub ?? AGENT)
    .setIssuer(o.iss ?? ISSUER)
    .setIssuedAt(now - 60)
    .setExpirationTime(o.exp ?? now + 600);
  if (o.tokenUse !== 'access') jwt.setAudience(o.aud ?? CLIENT);
  return jwt.sign(o.key ?? privateKey);
}

async function expectRefused(run: () => Promise<unknown>, secretToken: string, reason: string) {
  const before = logger.lines.length;
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SupportError);
  const support = error as SupportError;
  expect(support.code).toBe('unauthorized');
  expect(support.message).toBe('Sign in again.');
  // Refused for the expected reason (the verifier's error class is the only thing logged).
  const logged = logger.lines.slice(before).map((l) => (JSON.parse(l) as { reason?: string }).reason);
  expect(logged).toEqual([reason]);
  // Nothing of the token in the message or the logs.
  for (const part of secretToken.split('.').filter((p) => p.length > 8)) {
    expect(support.message).not.toContain(part);
    expect(logger.text()).not.toContain(part);
  }
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

describe('Cognito agent token verification (aws-jwt-verify, hydrated JWKS)', () => {
  it('accepts a valid ID token of an agent and maps sub to the agent id', async () => {
    await expect(identity().verifyAgentToken(await token())).resolves.toEqual(VERIFIED);
  });

  it('refuses a tampered signature', async () => {
    const good = await token();
    const [h, p, s] = good.split('.') as [string, string, string];
    const flipped = `${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expectRefused(
      () => identity().verifyAgentToken(`${h}.${p}.${flipped}`),
      good,
      'JwtInvalidSignatureError',
    );
  });

  it('refuses a tampered payload under the original signature', async () => {
    const good = await token();
    const [h, , s] = good.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({
        sub: 'someone-else',
        iss: ISSUER,
        aud: CLIENT,
        token_use: 'id',
        'cognito:groups': [GROUP],
      }),
    ).toString('base64url');
    await expectRefused(
      () => identity().verifyAgentToken(`${h}.${forged}.${s}`),
      good,
      'JwtInvalidSignatureError',
    );
  });

  it('refuses a token signed by another key with the same kid', async () => {
    const t = await token({ key: otherKey });
    await expectRefused(() => identity().verifyAgentToken(t), t, 'JwtInvalidSignatureError');
  });

  it('refuses alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'test-key', typ: 'JWT' })).toString(
      'base64url',
    );
    const payload = Buffer.from(
      JSON.stringify({
        sub: AGENT,
        iss: ISSUER,
        aud: CLIENT,
        token_use: 'id',
        'cognito:groups': [GROUP],
        iat: now,
        exp: now + 600,
      }),
    ).toString('base64url');
    await expectRefused(
      () => identity().verifyAgentToken(`${header}.${payload}.`),
      `${header}.${payload}`,
      'JwtParseError',
    );
  });

  it('refuses a wrong audience', async () => {
    const t = await token({ aud: 'some-other-client' });
    await expectRefused(() => identity().verifyAgentToken(t), t, 'CognitoJwtInvalidClientIdError');
  });

  // aws-jwt-verify refuses an issuer it is not configured for ("issuer not configured").
  it('refuses a wrong issuer', async () => {
    const t = await token({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' });
    await expectRefused(() => identity().verifyAgentToken(t), t, 'ParameterValidationError');
  });

  it('refuses an access token in place of an ID token (token_use: access)', async () => {
    const t = await token({ tokenUse: 'access' });
    await expectRefused(() => identity().verifyAgentToken(t), t, 'CognitoJwtInvalidTokenUseError');
  });

  it('refuses token_use: access even with an aud claim', async () => {
    const now = Math.floor(Date.now() / 1000);
    const t = await new SignJWT({ token_use: 'access', 'cognito:groups': [GROUP] })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject(AGENT)
      .setIssuer(ISSUER)
      .setAudience(CLIENT)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    await expectRefused(() => identity().verifyAgentToken(t), t, 'CognitoJwtInvalidTokenUseError');
  });

  it('refuses a token expired one second ago (no grace)', async () => {
    const t = await token({ exp: Math.floor(Date.now() / 1000) - 1 });
    await expectRefused(() => identity().verifyAgentToken(t), t, 'JwtExpiredError');
  });

  it('refuses a user outside the agent group, and one with no groups', async () => {
    const other = await token({ groups: ['admins'] });
    await expectRefused(() => identity().verifyAgentToken(other), other, 'CognitoJwtInvalidGroupError');
    const none = await token({ groups: null });
    await expectRefused(() => identity().verifyAgentToken(none), none, 'CognitoJwtInvalidGroupError');
  });

  it('refuses a valid token of an agent the Core DB does not know or has deactivated', async () => {
    const unknown = await token({ sub: '00000000-0000-4000-8000-000000000000' });
    await expectRefused(() => identity().verifyAgentToken(unknown), unknown, 'agent_unknown');
    const inactive = await token({ sub: INACTIVE });
    await expectRefused(() => identity().verifyAgentToken(inactive), inactive, 'agent_inactive');
  });

  it('refuses garbage and an empty token', async () => {
    await expectRefused(() => identity().verifyAgentToken('not-a-jwt'), 'not-a-jwt', 'JwtParseError');
    await expectRefused(() => identity().verifyAgentToken(''), '', 'malformed');
  });

  it("two pools: verifies agents against the agents' pool; an end-user pool token is refused", async () => {
    await expect(identity({ twoPools: true }).verifyAgentToken(await token())).resolves.toEqual(VERIFIED);
    const endUser = await token({ iss: `https://cognito-idp.eu-west-1.amazonaws.com/${END_USER_POOL}` });
    await expectRefused(
      () => identity({ twoPools: true }).verifyAgentToken(endUser),
      endUser,
      'ParameterValidationError',
    );
  });

  it('one pool (no agentUserPoolId): agents are verified against the one pool', async () => {
    await expect(identity({ twoPools: false }).verifyAgentToken(await token())).resolves.toEqual(VERIFIED);
  });

  it('accepts each configured back-office client, and no other', async () => {
    const id = identity({ agentClientId: ['backoffice-web', CLIENT] });
    await expect(id.verifyAgentToken(await token({ aud: 'backoffice-web' }))).resolves.toEqual(VERIFIED);
    await expect(id.verifyAgentToken(await token())).resolves.toEqual(VERIFIED);
    const other = await token({ aud: 'assisted-client-id' });
    await expectRefused(() => id.verifyAgentToken(other), other, 'CognitoJwtInvalidClientIdError');
  });

  it('refuses a configuration where the assisted client is also an agent client of the same pool', () => {
    expect(() =>
      createCognitoIdentity({
        userPoolId: POOL,
        agentClientId: [CLIENT, 'assisted-client-id'],
        assistedClientId: 'assisted-client-id',
        region: 'eu-west-1',
        agentGroup: GROUP,
        assistedSecret: SECRET,
        directory,
      }),
    ).toThrow('The assisted client must not be one of the agent clients.');
  });

  it('made no network call to fetch a JWKS during these tests', () => {
    expect(networkFetches).toBe(0);
  });
});

describe('Cognito agent token verification is cached per token until its exp', () => {
  afterEach(() => vi.useRealTimers());

  it('a second request with the same token does not verify its signature again', async () => {
    const id = identity();
    const verify = vi.spyOn(id.verifier, 'verify');
    const good = await token();
    await expect(id.verifyAgentToken(good)).resolves.toEqual(VERIFIED);
    await expect(id.verifyAgentToken(good)).resolves.toEqual(VERIFIED);
    expect(verify).toHaveBeenCalledTimes(1);
    // Another token is verified on its own.
    await expect(
      id.verifyAgentToken(await token({ exp: Math.floor(Date.now() / 1000) + 300 })),
    ).resolves.toEqual(VERIFIED);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('a refused token is not cached: each try is verified, and refused', async () => {
    const id = identity();
    const verify = vi.spyOn(id.verifier, 'verify');
    const forged = await token({ key: otherKey });
    await expectRefused(() => id.verifyAgentToken(forged), forged, 'JwtInvalidSignatureError');
    await expectRefused(() => id.verifyAgentToken(forged), forged, 'JwtInvalidSignatureError');
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('the agent status is still read on every request', async () => {
    const id = identity();
    const verify = vi.spyOn(id.verifier, 'verify');
    const former = await token({ sub: INACTIVE });
    await expect(id.verifyAgentToken(former)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(id.verifyAgentToken(former)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('an expired token is verified again, and refused', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = identity();
    const verify = vi.spyOn(id.verifier, 'verify');
    const good = await token();
    await expect(id.verifyAgentToken(good)).resolves.toEqual(VERIFIED);
    vi.setSystemTime(Date.now() + 601_000);
    await expectRefused(() => id.verifyAgentToken(good), good, 'JwtExpiredError');
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
