import {
  type AssistedRefreshResponse,
  Id,
  type IntrospectResponse,
  SupportError,
} from '@waizant/support-core';
import { drawRefreshToken, issueAssistedAccess, refreshHash } from './assisted-tokens.js';
import { audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { settleEndedSessions } from './session-ended.js';
import { type Fragment, type Instant, instant, liveSession } from './session-store.js';
import { bind } from './sql.js';

/**
 * An assisted session is live iff its own row is not ended AND its support session is verified
 * and alive. The condition is evaluated inside each statement below, so every way a support
 * session closes ends its assisted sessions at that same instant, with no write of its own.
 */
function assistedLive(at: Instant): Fragment {
  const live = liveSession(at, 's');
  return {
    sql: `a.ended_at IS NULL AND s.id = a.session_id AND s.step = 'verified' AND ${live.sql}`,
    params: live.params,
  };
}

const INACTIVE: IntrospectResponse = { active: false };

/**
 * RFC 7662 introspection for a destination client: the token's signature and expiry are checked
 * by the identity, then one statement says whether its assisted session (`sid`) is still live
 * and still this user's and this support session's.
 */
export async function introspectAssisted(ctx: ServiceContext, token: string): Promise<IntrospectResponse> {
  const claims = ctx.identity.verifyAssistedToken ? await ctx.identity.verifyAssistedToken(token) : null;
  if (!claims) return INACTIVE;
  // Signed by us, so these are UUIDs; checked anyway so the statement never sees anything else.
  if (![claims.sid, claims.sub, claims.agentId].every((v) => Id.safeParse(v).success)) return INACTIVE;
  const live = assistedLive(instant(ctx));
  const { rows } = await ctx.db.query<{ id: string }>(
    ...bind(
      `SELECT a.id FROM support_assisted_sessions a, support_sessions s
       WHERE a.id = :sid::uuid AND s.session_ref = :support_ref AND s.user_id = :sub::uuid
         AND s.agent_id = :agent_id::uuid AND ${live.sql}`,
      {
        sid: claims.sid,
        support_ref: claims.supportRef,
        sub: claims.sub,
        agent_id: claims.agentId,
        ...live.params,
      },
    ),
  );
  if (rows.length === 0) return INACTIVE;
  return {
    active: true,
    sub: claims.sub,
    act: { sub: claims.agentId },
    exp: claims.exp,
    iat: claims.iat,
    client_id: claims.audience,
    sid: claims.sid,
    support_ref: claims.supportRef,
    token_type: 'Bearer',
  };
}

interface RotatedRow {
  id: string;
  session_ref: string;
  agent_id: string;
  user_id: string;
  ecosystem_id: string;
  role: string;
  destination: string;
  last_activity_at: Date | string;
  absolute_expires_at: Date | string;
}

const ENDED = () => new SupportError('assisted_session_ended', 'The assisted session has ended.');

/**
 * Rotates a refresh token with one conditional statement (the old hash stops working and is
 * recorded as spent) only while the assisted session is live, then issues a new access token in
 * the same transaction: if issuing fails, the rotation rolls back and the old token still works.
 * A spent token presented again ends its assisted session (refresh-token reuse detection).
 */
export async function refreshAssisted(
  ctx: ServiceContext,
  clientId: string,
  refreshToken: string,
): Promise<AssistedRefreshResponse> {
  const oldHash = refreshHash(ctx.keys, refreshToken);
  const next = drawRefreshToken(ctx.keys);
  const at = instant(ctx);
  const live = assistedLive(at);
  const issued = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<RotatedRow>(
      ...bind(
        `WITH rotated AS (
           UPDATE support_assisted_sessions a SET refresh_hash = :next_hash
           FROM support_sessions s
           WHERE a.refresh_hash = :old_hash AND a.refresh_expires_at > :now AND ${live.sql}
           RETURNING a.id, a.destination, s.session_ref, s.agent_id, s.user_id, s.ecosystem_id, s.role,
             s.last_activity_at, s.absolute_expires_at
         ),
         spent AS (
           INSERT INTO support_assisted_spent_refresh (refresh_hash, assisted_session_id, spent_at)
           SELECT :old_hash, id, :now FROM rotated
         )
         SELECT * FROM rotated`,
        { old_hash: oldHash, next_hash: next.hash, ...live.params },
      ),
    );
    const row = rows[0];
    if (!row) return null;
    const access = await issueAssistedAccess(ctx, tx, {
      assistedSessionId: row.id,
      userId: row.user_id,
      agentId: row.agent_id,
      ecosystemId: row.ecosystem_id,
      role: row.role,
      destination: row.destination,
      sessionRef: row.session_ref,
      lastActivityAt: row.last_activity_at,
      absoluteExpiresAt: row.absolute_expires_at,
    });
    await audit(ctx, tx, {
      agentId: row.agent_id,
      sessionRef: row.session_ref,
      action: 'assisted.refresh',
      outcome: 'ok',
      detail: { client: clientId, destination: row.destination },
    });
    return { row, access };
  });
  if (issued) {
    return {
      access_token: issued.access.accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(0, Math.floor((issued.access.expiresAt.getTime() - at.now.getTime()) / 1000)),
      refresh_token: next.token,
      sid: issued.row.id,
    };
  }
  throw await refuseRefresh(ctx, clientId, oldHash, at.nowIso);
}

async function refuseRefresh(
  ctx: ServiceContext,
  clientId: string,
  oldHash: string,
  nowIso: string,
): Promise<SupportError> {
  // A spent token again: someone else may hold the current one, so the assisted session ends.
  const reused = await ctx.db.query<{ session_id: string; session_ref: string; agent_id: string }>(
    `UPDATE support_assisted_sessions a SET ended_at = $2, ended_reason = 'refresh_reuse'
     FROM support_assisted_spent_refresh r, support_sessions s
     WHERE r.refresh_hash = $1 AND a.id = r.assisted_session_id AND s.id = a.session_id
       AND a.ended_at IS NULL
     RETURNING a.session_id, s.session_ref, s.agent_id`,
    [oldHash, nowIso],
  );
  const ended = reused.rows[0];
  if (ended) {
    await audit(ctx, ctx.db, {
      agentId: ended.agent_id,
      sessionRef: ended.session_ref,
      action: 'assisted.refresh',
      outcome: 'refused',
      detail: { error: 'refresh_reuse', client: clientId, ended: true },
    });
    ctx.logger.warn('assisted session ended: refresh token reused', { agentId: ended.agent_id });
    await settleEndedSessions(ctx, ended.session_id);
    return ENDED();
  }
  const known = await ctx.db.query<{ session_ref: string; agent_id: string }>(
    `SELECT s.session_ref, s.agent_id FROM support_assisted_sessions a
     JOIN support_sessions s ON s.id = a.session_id
     WHERE a.refresh_hash = $1
     UNION ALL
     SELECT s.session_ref, s.agent_id FROM support_assisted_spent_refresh r
     JOIN support_assisted_sessions a ON a.id = r.assisted_session_id
     JOIN support_sessions s ON s.id = a.session_id
     WHERE r.refresh_hash = $1`,
    [oldHash],
  );
  const row = known.rows[0];
  await audit(ctx, ctx.db, {
    agentId: row?.agent_id ?? null,
    sessionRef: row?.session_ref ?? null,
    action: 'assisted.refresh',
    outcome: 'refused',
    detail: { error: 'assisted_session_ended', client: clientId, known: row !== undefined },
  });
  ctx.logger.info('assisted refresh refused', { client: clientId });
  return ENDED();
}
