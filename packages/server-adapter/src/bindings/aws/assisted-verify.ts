import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { AssistedTokenClaims, Logger } from '../../ports/index.js';
import { USER_ID_CLAIM } from './triggers/pre-token-generation.js';

/** What the binding needs from `CognitoJwtVerifier` (the real one fits). */
export interface CognitoIdVerifier {
  verify(token: string): Promise<{ sub: string } & Record<string, unknown>>;
  cacheJwks(jwks: { keys: object[] } & Record<string, unknown>): void;
}

export interface AssistedVerifierConfig {
  /** The end users' pool, which issues the assisted tokens. */
  readonly userPoolId: string;
  readonly clientId: string;
  /** The token the binding hands out as `accessToken` (README, "Token returned"). */
  readonly appToken: 'access' | 'id';
  readonly jwksCache?: JwksCache;
  readonly logger: Logger;
}

/** The class of an error (aws-jwt-verify errors keep `name === 'Error'`), never its message. */
export function errorClass(error: unknown): string {
  if (error instanceof Error) {
    const ctor = error.constructor.name;
    return ctor && ctor !== 'Error' ? ctor : error.name || 'Error';
  }
  return 'invalid';
}

/** `act` is an object under V2/V3 trigger events and a JSON string of it under V1 (ID token). */
function actor(value: unknown): string | null {
  let act = value;
  if (typeof act === 'string') {
    try {
      act = JSON.parse(act) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof act !== 'object' || act === null) return null;
  const sub = (act as { sub?: unknown }).sub;
  return typeof sub === 'string' && sub.length > 0 ? sub : null;
}

/**
 * Verifies the tokens of assisted sign-ins: signature against the end users' pool's JWKS, `iss`,
 * `exp` (no grace), `token_use` and the assisted client (`client_id`, or `aud` for an ID token),
 * then requires the claims the PreTokenGeneration trigger adds from the signed assertion. The
 * Core user id comes from `waizant:user_id` (Cognito's own `sub` cannot be overridden) and is
 * reported as `sub`, as the local signer's tokens are. `null` for anything else; only the
 * verifier's error class is logged, never the token.
 */
export function assistedTokenVerifier(config: AssistedVerifierConfig) {
  // Built on first use: aws-jwt-verify refuses pool ids that are not AWS-shaped (a local
  // emulator's `local_…`), and the account-status reads must still work against such a pool.
  let built: CognitoIdVerifier | undefined;
  const real = (): CognitoIdVerifier => {
    built ??= CognitoJwtVerifier.create(
      { userPoolId: config.userPoolId, tokenUse: config.appToken, clientId: config.clientId },
      config.jwksCache ? { jwksCache: config.jwksCache } : undefined,
    ) as unknown as CognitoIdVerifier;
    return built;
  };
  const verifier: CognitoIdVerifier = {
    verify: (token) => real().verify(token),
    cacheJwks: (jwks) => real().cacheJwks(jwks),
  };

  async function verifyAssistedToken(token: string): Promise<AssistedTokenClaims | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) return null;
    let claims: Record<string, unknown>;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      config.logger.info('assisted token refused', { reason: errorClass(error) });
      return null;
    }
    const { sid, support_ref: supportRef, exp, iat } = claims;
    const sub = claims[USER_ID_CLAIM];
    const agentId = actor(claims.act);
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof supportRef !== 'string' ||
      agentId === null ||
      typeof exp !== 'number' ||
      typeof iat !== 'number'
    ) {
      // A token of the assisted client without the trigger's claims (e.g. issued before `sid`).
      config.logger.info('assisted token refused', { reason: 'claims_missing' });
      return null;
    }
    return { sub, agentId, sid, supportRef, exp, iat, audience: config.clientId };
  }

  return { verifier, verifyAssistedToken };
}
