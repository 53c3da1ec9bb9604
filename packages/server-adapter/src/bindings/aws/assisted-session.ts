import { createHmac } from 'node:crypto';
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  type AuthenticationResultType,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SupportError } from '@waizant/support-core';
import type { AssistedTokenRequest, Clock, Logger } from '../../ports/index.js';
import { type BackoffOptions, backoffDelay, defaultSleep, errorName, isThrottling } from './retry.js';
import { newNonce, signAssertion } from './signed-assertion.js';

/** Only `send` is used; the real client and aws-sdk-client-mock both fit. */
export interface CognitoSender {
  send(command: unknown): Promise<unknown>;
}

/** ClientMetadata keys the trigger Lambdas read. */
export const CLIENT_METADATA = {
  agentId: 'waizant_agent_id',
  sessionRef: 'waizant_session_ref',
  /** Signed `claims` assertion: PreTokenGeneration trusts only what this signs. */
  assertion: 'waizant_assertion',
} as const;

/** What `issueAssistedToken` returns on AWS: the port's fields plus the refresh token. */
export interface CognitoAssistedTokens {
  readonly accessToken: string;
  readonly expiresAt: Date;
  /**
   * Cognito's refresh token, kept only so that `revokeAssistedToken` can end the session early
   * (RevokeToken). A secret: never log it nor send it to a browser. It cannot be used to refresh:
   * PreTokenGeneration refuses refreshes on the assisted client.
   */
  readonly refreshToken?: string;
}

export interface AssistedSessionConfig {
  readonly userPoolId: string;
  readonly clientId: string;
  /** The assisted client's secret, when it has one: every call then carries SECRET_HASH. */
  readonly clientSecret?: string;
  readonly assistedSecret: string | Uint8Array;
  readonly usernameFor?: (userId: string) => string | Promise<string>;
  readonly appToken: 'access' | 'id';
  readonly answerTtlSeconds: number;
  readonly client: CognitoSender;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
}

/** SECRET_HASH = Base64(HMAC-SHA-256(client secret, username + client id)), as Cognito defines it. */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

const REFUSED = 'An assisted session cannot be opened for this account.';
const refused = () => new SupportError('forbidden', REFUSED);
const unavailable = () =>
  new SupportError('upstream_unavailable', 'The identity service is busy. Try again.');

/** Cognito refusals that no retry can change; anything else unknown is the service's trouble. */
export function mapAuthError(error: unknown): SupportError {
  switch (errorName(error)) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
    // Too many failed sign-ins for this user: Cognito refuses until it cools down. Not throttling
    // of the request: retrying only adds failures.
    case 'TooManyFailedAttemptsException':
      return refused();
    default:
      return unavailable();
  }
}

function validUsername(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128;
}

/**
 * AdminInitiateAuth(CUSTOM_AUTH) → AdminRespondToAuthChallenge(CUSTOM_CHALLENGE, signed answer).
 *
 * The answer and the claims assertion are signed after InitiateAuth, for the username Cognito
 * returns in `ChallengeParameters.USERNAME`: the triggers see that username (`event.userName`),
 * not the alias (e.g. an e-mail) the host may have sent.
 *
 * Retry policy: each attempt is a fresh InitiateAuth (new Cognito session) with a freshly signed
 * answer (new nonce). A throttled InitiateAuth is retried with backoff; a throttled
 * RespondToAuthChallenge (refused before it ran) restarts the flow from InitiateAuth — its
 * session and answer are never replayed. Any other Respond failure (timeout, 5xx, network) is
 * not retried: Cognito may already have consumed the session, and a second token set nobody
 * asked for is worse than a 503 the agent can retry.
 */
export function assistedSession(config: AssistedSessionConfig) {
  const { client, clock, logger, backoff } = config;
  const sleep = backoff.sleep ?? defaultSleep;
  const withHash = (username: string): Record<string, string> =>
    config.clientSecret ? { SECRET_HASH: secretHash(config.clientSecret, username, config.clientId) } : {};

  async function issueAssistedToken(request: AssistedTokenRequest): Promise<CognitoAssistedTokens> {
    const alias = config.usernameFor ? await config.usernameFor(request.userId) : request.userId;
    if (!validUsername(alias)) throw refused();
    if (request.expiresAt.getTime() <= clock.now().getTime())
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
      let session: string;
      let username: string;
      try {
        const initiated = (await client.send(
          new AdminInitiateAuthCommand({
            UserPoolId: config.userPoolId,
            ClientId: config.clientId,
            AuthFlow: 'CUSTOM_AUTH',
            AuthParameters: { USERNAME: alias, ...withHash(alias) },
            ClientMetadata: metadataBase,
          }),
        )) as { ChallengeName?: string; Session?: string; ChallengeParameters?: Record<string, string> };
        const named = initiated.ChallengeParameters?.USERNAME ?? alias;
        if (initiated.ChallengeName !== 'CUSTOM_CHALLENGE' || !initiated.Session || !validUsername(named)) {
          logger.error('assisted session: unexpected challenge', {
            challenge: initiated.ChallengeName ?? 'none',
          });
          throw refused();
        }
        session = initiated.Session;
        username = named;
      } catch (error) {
        if (error instanceof SupportError) throw error;
        await backOffOrThrow('initiate', error, attempt);
        continue;
      }

      const issuedAt = clock.now();
      const exp = Math.floor(
        Math.min(issuedAt.getTime() / 1000 + config.answerTtlSeconds, request.expiresAt.getTime() / 1000),
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
        // Carried into the tokens as `sid`, so that introspection can find the assisted session.
        ...(request.assistedSessionId ? { assistedSessionId: request.assistedSessionId } : {}),
      };
      let answer: string;
      let assertion: string;
      try {
        answer = signAssertion(config.assistedSecret, 'answer', { ...base, nonce: newNonce() });
        assertion = signAssertion(config.assistedSecret, 'claims', { ...base, nonce: newNonce() });
      } catch {
        logger.error('assisted session: request out of bounds', {});
        throw refused();
      }

      let result: AuthenticationResultType | undefined;
      try {
        const responded = (await client.send(
          new AdminRespondToAuthChallengeCommand({
            UserPoolId: config.userPoolId,
            ClientId: config.clientId,
            ChallengeName: 'CUSTOM_CHALLENGE',
            Session: session,
            ChallengeResponses: { USERNAME: username, ANSWER: answer, ...withHash(username) },
            ClientMetadata: { ...metadataBase, [CLIENT_METADATA.assertion]: assertion },
          }),
        )) as { AuthenticationResult?: AuthenticationResultType };
        result = responded.AuthenticationResult;
      } catch (error) {
        await backOffOrThrow('respond', error, attempt);
        continue; // fresh InitiateAuth + fresh answer; the throttled session is abandoned
      }

      const token = config.appToken === 'access' ? result?.AccessToken : result?.IdToken;
      if (!token || !result?.ExpiresIn) {
        logger.error('assisted session: no tokens returned', {});
        throw refused();
      }
      const cognitoExpiry = issuedAt.getTime() + result.ExpiresIn * 1000;
      const expiresAt = new Date(Math.min(cognitoExpiry, request.expiresAt.getTime()));
      logger.info('assisted session: tokens issued', { agentId: request.agentId, attempt });
      return {
        accessToken: token,
        expiresAt,
        ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
      };
    }
  }

  /**
   * RevokeToken with the refresh token of an assisted sign-in: Cognito then refuses the access and
   * ID tokens issued with it (needs `EnableTokenRevocation`, the default for new clients).
   */
  async function revokeAssistedToken(refreshToken: string): Promise<void> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 8192)
      throw new SupportError('invalid_input', 'Nothing to revoke.');
    try {
      await client.send(
        new RevokeTokenCommand({
          Token: refreshToken,
          ClientId: config.clientId,
          ...(config.clientSecret ? { ClientSecret: config.clientSecret } : {}),
        }),
      );
    } catch (error) {
      logger.warn('assisted session: revoke failed', { error: errorName(error) || 'unknown' });
      throw unavailable();
    }
  }

  return { issueAssistedToken, revokeAssistedToken };
}
