import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { PreTokenGenerationV2Event } from '../../src/bindings/aws/triggers/events.js';
import { createPreTokenGenerationHandler } from '../../src/bindings/aws/triggers/pre-token-generation.js';
import { createVerifyAuthChallengeHandler } from '../../src/bindings/aws/triggers/verify-auth-challenge.js';
import { DEMO, type TestClock } from '../helpers.js';
import { SECRET } from './helpers.js';

// A local stand-in for the end users' pool: Cognito's JSON protocol for the assisted sign-in, the
// kit's own trigger handlers run on what the binding sends, and the pool's JWKS served over HTTP.
export const REGION = 'eu-west-1';
export const POOL = 'eu-west-1_TestPool1';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
export const ASSISTED_CLIENT = 'assisted-client-id';
export const DESTINATION = { id: 'web-backend', secret: 'web-backend-secret-0123456789-abcdefghij' };
/** Cognito's own user id: never the Core user id. */
export const COGNITO_SUB = 'c0c0c0c0-1111-4222-8333-444455556666';

const pair = await generateKeyPair('RS256', { extractable: true });
/** The pool's signing key, and its public half as the pool's JWKS serves it. */
export const privateKey: CryptoKey = pair.privateKey;
export const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
/** A key the pool does not publish. */
export const otherKey: CryptoKey = (await generateKeyPair('RS256')).privateKey;

interface Sent {
  target: string;
  body: Record<string, unknown>;
}

export interface AccessClaims {
  readonly iss?: string;
  readonly clientId?: string;
  readonly tokenUse?: string;
  readonly exp?: number;
  readonly key?: CryptoKey;
  readonly extra?: Record<string, unknown>;
}

/** A Cognito access token as the pool would sign it (no `aud`; `client_id` instead). */
export async function accessToken(o: AccessClaims = {}): Promise<string> {
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
export async function fakeCognito(clock: TestClock) {
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
