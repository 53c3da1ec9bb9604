import type { Role } from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import { sealProviderToken } from './assisted-crypto.js';
import { addSeconds, drawToken, hmacHex, type Keys, type ServiceContext } from './context.js';
import { sessionDeadline } from './session-view.js';

/** 256-bit refresh tokens (base64url, 43 characters). */
export const REFRESH_TOKEN_BYTES = 32;

export function refreshHash(keys: Keys, token: string): string {
  return hmacHex(keys.assistedRefresh, token);
}

export function drawRefreshToken(keys: Keys): { token: string; hash: string } {
  const token = drawToken(REFRESH_TOKEN_BYTES);
  return { token, hash: refreshHash(keys, token) };
}

/**
 * The `WITH` clause redeem's claim adds: the assisted session is created in the same statement
 * that claims the handoff, so a claimed handoff always has exactly one. `claim` must return
 * `h.id`, `h.session_id`, `h.destination`, `s.absolute_expires_at`; `$idParam` is the new row's
 * id, `$hashParam` its refresh token's hash, `$nowParam` the claim time.
 */
export function assistedSessionInsertSql(idParam: string, hashParam: string, nowParam: string): string {
  return `INSERT INTO support_assisted_sessions
       (id, session_id, handoff_id, destination, created_at, refresh_hash, refresh_expires_at)
     SELECT ${idParam}::uuid, session_id, id, destination, ${nowParam}::timestamptz, ${hashParam},
       absolute_expires_at
     FROM claim
     RETURNING id`;
}

export interface AssistedSubject {
  readonly assistedSessionId: string;
  readonly userId: string;
  readonly agentId: string;
  readonly ecosystemId: string;
  readonly role: Role | string;
  readonly destination: string;
  readonly sessionRef: string;
  readonly lastActivityAt: Date | string;
  readonly absoluteExpiresAt: Date | string;
}

/**
 * Issues a short access token: `assistedTokenTtlSeconds` at most, and never past the moment the
 * support session would end (idle or absolute). A provider refresh token (Cognito) is sealed into
 * the row, only so that the session's end can revoke it.
 */
export async function issueAssistedAccess(
  ctx: ServiceContext,
  sql: SqlExecutor,
  subject: AssistedSubject,
): Promise<{ accessToken: string; expiresAt: Date }> {
  const ttlEnd = addSeconds(ctx.clock.now(), ctx.limits.assistedTokenTtlSeconds);
  const sessionEnd = sessionDeadline(
    { last_activity_at: subject.lastActivityAt, absolute_expires_at: subject.absoluteExpiresAt },
    ctx.limits,
  );
  const expiresAt = new Date(Math.min(ttlEnd.getTime(), sessionEnd.getTime()));
  const issued = await ctx.identity.issueAssistedToken({
    userId: subject.userId,
    agentId: subject.agentId,
    ecosystemId: subject.ecosystemId,
    role: subject.role,
    destination: subject.destination,
    sessionRef: subject.sessionRef,
    assistedSessionId: subject.assistedSessionId,
    expiresAt,
  });
  if (issued.refreshToken) {
    await sql.query(
      `UPDATE support_assisted_sessions SET provider_refresh_ciphertext = $2, provider_revoked_at = NULL
       WHERE id = $1`,
      [
        subject.assistedSessionId,
        sealProviderToken(ctx.keys.providerToken, subject.assistedSessionId, issued.refreshToken),
      ],
    );
  }
  return { accessToken: issued.accessToken, expiresAt: issued.expiresAt };
}
