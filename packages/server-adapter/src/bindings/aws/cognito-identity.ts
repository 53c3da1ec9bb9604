import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Email, SupportError, type UserStatus } from '@waizant/support-core';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type {
  AccountStatus,
  AgentIdentity,
  AssistedTokenRequest,
  Clock,
  CoreDirectory,
  Identity,
  Logger,
} from '../../ports/index.js';
import { silentLogger, stricterUserStatus, systemClock } from '../../ports/index.js';
import { type BackoffOptions, backoffDelay, defaultSleep, errorName, isThrottling } from './retry.js';
import { newNonce, signAssertion } from './signed-assertion.js';

/** The `Identity` port, with the optional `getUserAccountStatus` always present. */
export interface CognitoIdentity extends Identity {
  getUserAccountStatus(email: string): Promise<AccountStatus>;
  /** The underlying verifier (e.g. to `cacheJwks` at start-up or in tests). */
  readonly verifier: CognitoIdVerifier;
}

/** What the binding needs from `CognitoJwtVerifier` (the real one fits). */
export interface CognitoIdVerifier {
  verify(token: string): Promise<{ sub: string } & Record<string, unknown>>;
  cacheJwks(jwks: { keys: object[] } & Record<string, unknown>): void;
}

/** Only `send` is used; the real client and aws-sdk-client-mock both fit. */
export type CognitoClientLike = Pick<CognitoIdentityProviderClient, 'send'>;

export interface CognitoIdentityOptions {
  readonly userPoolId: string;
  /** App client of the back office (agents' ID tokens) — the `aud` the verifier requires. */
  readonly clientId: string;
  readonly region: string;
  /** Cognito group every agent must be in (`cognito:groups`). */
  readonly agentGroup: string;
  /**
   * The Core DB: a verified token is accepted only for an agent that exists there and is active
   * (the Core DB stays authoritative — the JWT verifier cannot see revocation). A directory
   * failure propagates (it never grants access).
   */
  readonly directory: Pick<CoreDirectory, 'getAgent'>;
  /**
   * App client used for assisted sessions (CUSTOM_AUTH enabled). Defaults to `clientId`; a
   * dedicated client is recommended so that its token lifetimes can be the minimum (README).
   */
  readonly assistedClientId?: string;
  /** HMAC secret shared with the VerifyAuthChallenge / PreTokenGeneration Lambdas (≥32 bytes). */
  readonly assistedSecret: string | Uint8Array;
  /**
   * Maps the Core DB user id to the Cognito username. Default: they are the same value (the
   * Cognito `sub`, which is also the username in pools that sign in with e-mail).
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
  readonly verifier?: CognitoIdVerifier;
  /** JWKS cache for the verifier (tests inject one whose fetcher refuses any network call). */
  readonly jwksCache?: JwksCache;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Backoff for throttled calls (default 3 attempts, 100 ms base, 2 s cap). */
  readonly backoff?: Partial<BackoffOptions>;
}

/** ClientMetadata keys the trigger Lambdas read. */
export const CLIENT_METADATA = {
  agentId: 'waizant_agent_id',
  sessionRef: 'waizant_session_ref',
  /** Signed `claims` assertion: PreTokenGeneration trusts only what this signs. */
  assertion: 'waizant_assertion',
} as const;

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

/** The class of an error (aws-jwt-verify errors keep `name === 'Error'`), never its message. */
function errorClass(error: unknown): string {
  if (error instanceof Error) {
    const ctor = error.constructor.name;
    return ctor && ctor !== 'Error' ? ctor : error.name || 'Error';
  }
  return 'invalid';
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
    });
  const verifier: CognitoIdVerifier =
    options.verifier ??
    (CognitoJwtVerifier.create(
      {
        userPoolId: options.userPoolId,
        tokenUse: 'id',
        clientId: options.clientId,
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
  const assistedClientId = options.assistedClientId ?? options.clientId;
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

  async function verifyAgentToken(token: string): Promise<AgentIdentity> {
    let claims: { sub: string } & Record<string, unknown>;
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      logger.info('agent token refused', { reason: 'malformed' });
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
    }
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      // The error class only (e.g. JwtExpiredError); aws-jwt-verify never embeds the raw JWT unless
      // `includeRawJwtInErrors` is set, and this binding does not set it.
      logger.info('agent token refused', { reason: errorClass(error) });
      throw new SupportError('unauthorized', GENERIC_UNAUTHORIZED);
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
    return { agentId: agent.id };
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

  /**
   * AdminInitiateAuth(CUSTOM_AUTH) → AdminRespondToAuthChallenge(CUSTOM_CHALLENGE, signed answer).
   *
   * Retry policy: each attempt is a fresh InitiateAuth (new Cognito session) with a freshly signed
   * answer (new nonce). A throttled InitiateAuth is retried with backoff; a throttled
   * RespondToAuthChallenge (refused before it ran) restarts the flow from InitiateAuth — its
   * session and answer are never replayed. Any other Respond failure (timeout, 5xx, network) is
   * not retried: Cognito may already have consumed the session, and a second token set nobody
   * asked for is worse than a 503 the agent can retry.
   */
  async function issueAssistedToken(request: AssistedTokenRequest) {
    const username = options.usernameFor ? await options.usernameFor(request.userId) : request.userId;
    const now = clock.now();
    if (request.expiresAt.getTime() <= now.getTime())
      throw new SupportError('session_expired', 'The support session has ended.');
    const metadataBase = {
      [CLIENT_METADATA.agentId]: request.agentId,
      [CLIENT_METADATA.sessionRef]: request.sessionRef,
    };

    /** Only throttling is retried (after a backoff); anything else, or too many tries, throws. */
    const backOffOrThrow = async (step: 'initiate' | 'respond', error: unknown, attempt: number) => {
      const throttled = isThrottling(error);
      logger.warn(`assisted session: ${step} failed`, {
        error: errorName(error) || 'unknown',
        attempt,
        throttled,
      });
      if (!throttled) throw mapAuthError(error);
      if (attempt >= backoff.attempts) throw unavailable();
      await sleep(backoffDelay(attempt, backoff));
    };

    for (let attempt = 1; ; attempt++) {
      const issuedAt = clock.now();
      const exp = Math.floor(
        Math.min(issuedAt.getTime() / 1000 + answerTtl, request.expiresAt.getTime() / 1000),
      );
      const base = {
        username,
        userId: request.userId,
        agentId: request.agentId,
        sessionRef: request.sessionRef,
        ecosystemId: request.ecosystemId,
        role: request.role,
        destination: request.destination,
        exp,
      };
      const answer = signAssertion(options.assistedSecret, 'answer', { ...base, nonce: newNonce() });
      const assertion = signAssertion(options.assistedSecret, 'claims', { ...base, nonce: newNonce() });
      const clientMetadata = { ...metadataBase, [CLIENT_METADATA.assertion]: assertion };

      let session: string | undefined;
      try {
        const initiated = await client.send(
          new AdminInitiateAuthCommand({
            UserPoolId: options.userPoolId,
            ClientId: assistedClientId,
            AuthFlow: 'CUSTOM_AUTH',
            AuthParameters: { USERNAME: username },
            ClientMetadata: metadataBase,
          }),
        );
        if (initiated.ChallengeName !== 'CUSTOM_CHALLENGE' || !initiated.Session) {
          logger.error('assisted session: unexpected challenge', {
            challenge: initiated.ChallengeName ?? 'none',
          });
          throw new SupportError('forbidden', 'An assisted session cannot be opened for this account.');
        }
        session = initiated.Session;
      } catch (error) {
        if (error instanceof SupportError) throw error;
        await backOffOrThrow('initiate', error, attempt);
        continue;
      }

      let result: AuthenticationResultType | undefined;
      try {
        const responded = await client.send(
          new AdminRespondToAuthChallengeCommand({
            UserPoolId: options.userPoolId,
            ClientId: assistedClientId,
            ChallengeName: 'CUSTOM_CHALLENGE',
            Session: session,
            ChallengeResponses: { USERNAME: username, ANSWER: answer },
            ClientMetadata: clientMetadata,
          }),
        );
        result = responded.AuthenticationResult;
      } catch (error) {
        await backOffOrThrow('respond', error, attempt);
        continue; // fresh InitiateAuth + fresh answer; the throttled session is abandoned
      }

      const token = (options.appToken ?? 'access') === 'access' ? result?.AccessToken : result?.IdToken;
      if (!token || !result?.ExpiresIn) {
        logger.error('assisted session: no tokens returned', {});
        throw new SupportError('forbidden', 'An assisted session cannot be opened for this account.');
      }
      // The refresh token is dropped on purpose: an assisted session must not be extendable.
      const cognitoExpiry = issuedAt.getTime() + result.ExpiresIn * 1000;
      const expiresAt = new Date(Math.min(cognitoExpiry, request.expiresAt.getTime()));
      logger.info('assisted session: tokens issued', { agentId: request.agentId, attempt });
      return { accessToken: token, expiresAt };
    }
  }

  function mapAuthError(error: unknown): SupportError {
    switch (errorName(error)) {
      case 'NotAuthorizedException':
      case 'UserNotFoundException':
      case 'UserNotConfirmedException':
      case 'PasswordResetRequiredException':
      case 'CodeMismatchException':
      case 'ExpiredCodeException':
        return new SupportError('forbidden', 'An assisted session cannot be opened for this account.');
      default:
        return unavailable();
    }
  }

  return { verifier, verifyAgentToken, getUserAccountStatus, issueAssistedToken };
}
