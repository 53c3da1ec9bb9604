import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Email, SupportError, type UserStatus } from '@waizant/support-core';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type {
  AccountStatus,
  AgentIdentity,
  AssistedTokenClaims,
  Clock,
  CoreDirectory,
  Identity,
  Logger,
} from '../../ports/index.js';
import { silentLogger, stricterUserStatus, systemClock } from '../../ports/index.js';
import { verifiedTokenCache } from '../verified-token-cache.js';
import { assistedSession, type CognitoAssistedTokens } from './assisted-session.js';
import { assistedTokenVerifier, type CognitoIdVerifier, errorClass } from './assisted-verify.js';
import { type BackoffOptions, backoffDelay, defaultSleep, errorName, isThrottling } from './retry.js';
import { newNonce, signAssertion } from './signed-assertion.js';

export { CLIENT_METADATA, type CognitoAssistedTokens, secretHash } from './assisted-session.js';
export type { CognitoIdVerifier } from './assisted-verify.js';

/** The `Identity` port, with the optional `getUserAccountStatus` always present. */
export interface CognitoIdentity extends Identity {
  getUserAccountStatus(email: string): Promise<AccountStatus>;
  /** Also returns Cognito's refresh token, so that the session can be revoked early. */
  issueAssistedToken(request: Parameters<Identity['issueAssistedToken']>[0]): Promise<CognitoAssistedTokens>;
  /** RevokeToken on the assisted client: ends the tokens issued with that refresh token. */
  revokeAssistedToken(refreshToken: string): Promise<void>;
  /**
   * Verifies an assisted token of the assisted client (end users' pool) and returns the claims
   * introspection reports, with the Core user id (`waizant:user_id`) as `sub`; `null` otherwise.
   */
  verifyAssistedToken(token: string): Promise<AssistedTokenClaims | null>;
  /** The underlying agent verifier (e.g. to `cacheJwks` at start-up or in tests). */
  readonly verifier: CognitoIdVerifier;
  /** The assisted tokens' verifier (end users' pool, assisted client). */
  readonly assistedVerifier: CognitoIdVerifier;
}

/** Only `send` is used; the real client and aws-sdk-client-mock both fit. */
export type CognitoClientLike = Pick<CognitoIdentityProviderClient, 'send'>;

export interface CognitoIdentityOptions {
  readonly region: string;
  /** The end users' pool: account status reads and assisted sessions (the Admin* calls). */
  readonly userPoolId: string;
  /**
   * The agents' pool, where the back office signs in. Defaults to `userPoolId` (one pool for
   * both; README, "Topology" says what that gives up). Only its public keys are read.
   */
  readonly agentUserPoolId?: string;
  /** The back office's app client(s) in the agents' pool: the `aud` an agent's ID token must carry. */
  readonly agentClientId: string | readonly string[];
  /** Cognito group every agent must be in (`cognito:groups`). */
  readonly agentGroup: string;
  /**
   * The Core DB: a verified token is accepted only for an agent that exists there and is active
   * (the Core DB stays authoritative — the JWT verifier cannot see revocation). A directory
   * failure propagates (it never grants access).
   */
  readonly directory: Pick<CoreDirectory, 'getAgent'>;
  /**
   * How many verified agent tokens to remember (default 10,000): a token's signature is checked
   * once and its claims kept until its `exp`; the agent's status is still read on every request.
   */
  readonly verifiedTokenCapacity?: number;
  /**
   * The app client of assisted sessions in the end users' pool: the only one with
   * `ALLOW_CUSTOM_AUTH`, and the one the triggers are configured with. Never an agent client.
   */
  readonly assistedClientId: string;
  /** Its client secret, when it was created with one: every call then carries SECRET_HASH. */
  readonly assistedClientSecret?: string;
  /** HMAC secret shared with the VerifyAuthChallenge / PreTokenGeneration Lambdas (≥32 bytes). */
  readonly assistedSecret: string | Uint8Array;
  /**
   * Maps the Core DB user id to what InitiateAuth accepts as USERNAME: the username or an alias
   * (e.g. the e-mail). Default: the same value. The answer is signed for the username Cognito
   * returns, so an alias is fine here.
   */
  readonly usernameFor?: (userId: string) => string | Promise<string>;
  /**
   * Maps a verified agent ID token to the Core DB agent id. Default: the Cognito `sub` is the
   * agent id (the directory stores it as `agents.id`).
   */
  readonly agentIdFor?: (claims: { sub: string } & Record<string, unknown>) => string | Promise<string>;
  /** Which Cognito token is returned as `accessToken` (default `access`, see README). */
  readonly appToken?: 'access' | 'id';
  /** Lifetime of the signed CUSTOM_CHALLENGE answer (default 60 s, max 300 s). */
  readonly answerTtlSeconds?: number;
  /**
   * Provide a client built with `maxAttempts: 1`: this binding retries itself, only where safe.
   * Built for you from `region` (and `endpoint`) otherwise.
   */
  readonly client?: CognitoClientLike;
  readonly endpoint?: string;
  /** Per-request timeout of the client built from `region` (default 10 s; see the README). */
  readonly requestTimeoutMs?: number;
  readonly verifier?: CognitoIdVerifier;
  /** JWKS cache for the verifier (tests inject one whose fetcher refuses any network call). */
  readonly jwksCache?: JwksCache;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Backoff for throttled calls (default 3 attempts, 100 ms base, 2 s cap). */
  readonly backoff?: Partial<BackoffOptions>;
}

const GENERIC_UNAUTHORIZED = 'Sign in again.';

/**
 * Cognito `UserStatus` + `Enabled` → the kit's status. Unknown or unusual states fail closed.
 * FORCE_CHANGE_PASSWORD (admin-created, never signed in) counts as unconfirmed.
 */
export function mapCognitoStatus(enabled: boolean, cognitoStatus: string | undefined): UserStatus {
  if (!enabled) return 'disabled';
  switch (cognitoStatus) {
    case 'CONFIRMED':
    case 'EXTERNAL_PROVIDER':
      return 'active';
    case 'UNCONFIRMED':
    case 'FORCE_CHANGE_PASSWORD':
      return 'unconfirmed';
    case 'ARCHIVED':
      return 'disabled';
    default:
      // RESET_REQUIRED, COMPROMISED, UNKNOWN, anything new: the user cannot sign in as is.
      return 'locked';
  }
}

/** Escapes a value for a Cognito ListUsers filter string (`attr = "value"`). */
export function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

export function createCognitoIdentity(options: CognitoIdentityOptions): CognitoIdentity {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const client: CognitoClientLike =
    options.client ??
    new CognitoIdentityProviderClient({
      region: options.region,
      maxAttempts: 1,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // throwOnRequestTimeout: without it this smithy version only warns when requestTimeout passes.
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? 10_000,
        connectionTimeout: 3_000,
        throwOnRequestTimeout: true,
      },
    });
  const agentPoolId = options.agentUserPoolId ?? options.userPoolId;
  const agentClientIds =
    typeof options.agentClientId === 'string' ? [options.agentClientId] : [...options.agentClientId];
  if (agentClientIds.length === 0 || !options.assistedClientId)
    throw new Error('agentClientId and assistedClientId are required.');
  // An assisted token is the end user's: it must never pass as an agent's sign-in.
  if (agentPoolId === options.userPoolId && agentClientIds.includes(options.assistedClientId))
    throw new Error('The assisted client must not be one of the agent clients.');
  const verifier: CognitoIdVerifier =
    options.verifier ??
    (CognitoJwtVerifier.create(
      {
        userPoolId: agentPoolId,
        tokenUse: 'id',
        clientId: agentClientIds,
        groups: options.agentGroup,
      },
      options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
    ) as unknown as CognitoIdVerifier);
  const backoff: BackoffOptions = {
    attempts: options.backoff?.attempts ?? 3,
    baseDelayMs: options.backoff?.baseDelayMs ?? 100,
    maxDelayMs: options.backoff?.maxDelayMs ?? 2000,
    sleep: options.backoff?.sleep ?? defaultSleep,
    ...(options.backoff?.random ? { random: options.backoff.random } : {}),
  };
  const sleep = backoff.sleep ?? defaultSleep;
  const answerTtl = Math.min(300, Math.max(5, options.answerTtlSeconds ?? 60));
  // Fail at start-up, not on the first handoff, when the secret is too short.
  signAssertion(options.assistedSecret, 'answer', {
    username: 'probe',
    userId: 'probe',
    agentId: 'probe',
    sessionRef: 'probe',
    ecosystemId: 'probe',
    role: 'probe',
    destination: 'probe',
    nonce: newNonce(),
    exp: 1,
  });

  const unavailable = () =>
    new SupportError('upstream_unavailable', 'The identity service is busy. Try again.');

  /** Read-only calls: retried on throttling with backoff. */
  async function readWithRetry<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const throttled = isThrottling(error);
        logger.warn('cognito call failed', {
          operation,
          error: errorName(error) || 'unknown',
          attempt,
          throttled,
        });
        if (!throttled || attempt >= backoff.attempts) throw unavailable();
        await sleep(backoffDelay(attempt, backoff));
      }
    }
  }

  // aws-jwt-verify checks `exp` against the system time: the cache expires entries by the same.
  const verifiedClaims = verifiedTokenCache<{ sub: string } & Record<string, unknown>>({
    now: Date.now,
    capacity: options.verifiedTokenCapacity,
  });

  async function verifyAgentToken(token: string): Promise<AgentIdentity> {
    let claims: { sub: string } & Record<string, unknown>;
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      logger.info('agent token refused', { reason: 'malformed' });
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
    }
    const cached = verifiedClaims.get(token);
    if (cached) {
      claims = cached;
    } else {
      try {
        claims = await verifier.verify(token);
      } catch (error) {
        // The error class only (e.g. JwtExpiredError); aws-jwt-verify never embeds the raw JWT unless
        // `includeRawJwtInErrors` is set, and this binding does not set it.
        logger.info('agent token refused', { reason: errorClass(error) });
        throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
      }
      verifiedClaims.set(token, claims, Number(claims.exp));
    }
    let agentId: string;
    try {
      agentId = options.agentIdFor ? await options.agentIdFor(claims) : claims.sub;
    } catch {
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
    }
    if (typeof agentId !== 'string' || agentId.length === 0 || agentId.length > 128)
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
    const agent = await options.directory.getAgent(agentId);
    if (!agent?.active) {
      logger.info('agent token refused', { reason: agent ? 'agent_inactive' : 'agent_unknown' });
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
    }
    return { agentId: agent.id, record: agent };
  }

  async function getUserAccountStatus(email: string): Promise<AccountStatus> {
    const parsed = Email.safeParse(email);
    if (!parsed.success) throw new SupportError('invalid_input', 'Enter a valid e-mail address.');
    const filter = `email = "${escapeFilterValue(parsed.data)}"`;
    const listed = await readWithRetry('ListUsers', () =>
      client.send(new ListUsersCommand({ UserPoolId: options.userPoolId, Filter: filter, Limit: 10 })),
    );
    const usernames = (listed.Users ?? []).map((u) => u.Username).filter((u): u is string => !!u);
    if (usernames.length === 0) return { exists: false, enabled: false, userStatus: null };
    // An e-mail shared by several users (attribute not unique): the strictest account wins.
    let result: (AccountStatus & { userStatus: UserStatus }) | null = null;
    for (const username of usernames) {
      const user = await readWithRetry('AdminGetUser', () =>
        client.send(new AdminGetUserCommand({ UserPoolId: options.userPoolId, Username: username })),
      );
      const enabled = user.Enabled === true;
      const status = mapCognitoStatus(enabled, user.UserStatus);
      if (!result || stricterUserStatus(result.userStatus, status) !== result.userStatus)
        result = { exists: true, enabled, userStatus: status };
    }
    return result ?? { exists: false, enabled: false, userStatus: null };
  }

  const assistedVerify = assistedTokenVerifier({
    userPoolId: options.userPoolId,
    clientId: options.assistedClientId,
    appToken: options.appToken ?? 'access',
    ...(options.jwksCache ? { jwksCache: options.jwksCache } : {}),
    logger,
  });

  const assisted = assistedSession({
    userPoolId: options.userPoolId,
    clientId: options.assistedClientId,
    ...(options.assistedClientSecret ? { clientSecret: options.assistedClientSecret } : {}),
    assistedSecret: options.assistedSecret,
    ...(options.usernameFor ? { usernameFor: options.usernameFor } : {}),
    appToken: options.appToken ?? 'access',
    answerTtlSeconds: answerTtl,
    client,
    clock,
    logger,
    backoff,
  });

  return {
    verifier,
    assistedVerifier: assistedVerify.verifier,
    verifyAgentToken,
    verifyAssistedToken: assistedVerify.verifyAssistedToken,
    getUserAccountStatus,
    issueAssistedToken: assisted.issueAssistedToken,
    revokeAssistedToken: assisted.revokeAssistedToken,
  };
}
