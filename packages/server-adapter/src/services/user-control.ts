import type { SqlExecutor } from '../ports/index.js';
import { audit } from './audit.js';
import { drawToken, hmacHex, iso, type ServiceContext } from './context.js';
import { hitRateLimit, RateLimitedError } from './rate-limits.js';
import { settleEndedSessions } from './session-ended.js';
import { instant, liveSession, revokeSecretsOf } from './session-store.js';
import { bind } from './sql.js';

/**
 * The end user's kill switch (docs/security.md, "The end user's link"): each "assisted session
 * started" e-mail carries a single-use link, valid until the support session's absolute end,
 * that ends the whole support session. The token is 128 bits from the system's CSPRNG and is
 * stored only as an HMAC; it is never logged, audited or echoed.
 */

/** 128 bits. */
export const END_LINK_TOKEN_BYTES = 16;

/** Domain-separated from the handoff tokens' HMAC (same key, different first field). */
export function endLinkHash(ctx: ServiceContext, token: string): string {
  return hmacHex(ctx.keys.token, 'end-link', token);
}

/**
 * Draws and stores a new link for `sessionId` (inside the caller's statement order), valid
 * until `expiresAt`. Returns the URL for the e-mail (token in the fragment, which browsers
 * never send to a server), or null when the host configured no end page.
 */
export async function issueEndLink(
  ctx: ServiceContext,
  sql: SqlExecutor,
  sessionId: string,
  expiresAt: Date,
): Promise<string | null> {
  if (!ctx.endPageUrl) return null;
  const token = drawToken(END_LINK_TOKEN_BYTES);
  await sql.query(
    `INSERT INTO support_end_links (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
    [endLinkHash(ctx, token), sessionId, ctx.clock.now().toISOString(), expiresAt.toISOString()],
  );
  return `${ctx.endPageUrl.split('#')[0]}#t=${token}`;
}

/** Window and caps of the end page's buckets (docs/limits.md). */
const WINDOW_SECONDS = 600;
const PER_ADDRESS = 30;
const PER_TOKEN = 10;

/** Counts one hit of the end page per client address (when known) and per token hash. */
export async function hitEndLinkLimits(
  ctx: ServiceContext,
  clientAddress: string | null,
  token: string,
): Promise<void> {
  try {
    if (clientAddress)
      await hitRateLimit(
        ctx,
        ctx.db,
        'end_link_address',
        `end-link:address:${clientAddress}`,
        WINDOW_SECONDS,
        PER_ADDRESS,
      );
    await hitRateLimit(
      ctx,
      ctx.db,
      'end_link_token',
      `end-link:token:${endLinkHash(ctx, token)}`,
      WINDOW_SECONDS,
      PER_TOKEN,
    );
  } catch (error) {
    if (error instanceof RateLimitedError) {
      await audit(ctx, ctx.db, {
        agentId: null,
        sessionRef: null,
        action: 'session.end_by_user',
        outcome: 'refused',
        detail: { error: 'rate_limited', bucket: error.bucket },
      });
    }
    throw error;
  }
}

/** What the end page shows before the user confirms. */
export interface EndLinkPreview {
  readonly agentName: string;
  readonly ecosystemName: string | null;
  readonly endsAt: string;
}

interface LinkSessionRow {
  agent_id: string;
  user_id: string;
  ecosystem_id: string | null;
  session_ref: string;
  absolute_expires_at: Date | string;
}

/** The link's session when the link can still end it (unused, unexpired, session live); else null. */
export async function previewEndLink(ctx: ServiceContext, token: string): Promise<EndLinkPreview | null> {
  const live = liveSession(instant(ctx), 's');
  const { rows } = await ctx.db.query<LinkSessionRow>(
    ...bind(
      `SELECT s.agent_id, s.user_id, s.ecosystem_id, s.session_ref, s.absolute_expires_at
       FROM support_end_links l JOIN support_sessions s ON s.id = l.session_id
       WHERE l.token_hash = :token_hash AND l.used_at IS NULL AND l.expires_at > :now AND ${live.sql}`,
      { token_hash: endLinkHash(ctx, token), ...live.params },
    ),
  );
  const row = rows[0];
  if (!row) {
    await refused(ctx, 'end_link.view');
    return null;
  }
  const [agent, user] = await Promise.all([
    ctx.directory.getAgent(row.agent_id),
    ctx.directory.getUser(row.user_id),
  ]);
  await audit(ctx, ctx.db, {
    agentId: row.agent_id,
    sessionRef: row.session_ref,
    action: 'end_link.view',
    outcome: 'ok',
  });
  return {
    agentName: agent?.name ?? 'Waizant support',
    ecosystemName: user?.ecosystems.find((e) => e.id === row.ecosystem_id)?.name ?? null,
    endsAt: iso(row.absolute_expires_at),
  };
}

async function refused(ctx: ServiceContext, action: string): Promise<void> {
  // No session reference: the token matched nothing live, and says nothing about which session.
  await audit(ctx, ctx.db, {
    agentId: null,
    sessionRef: null,
    action,
    outcome: 'refused',
    detail: { error: 'link_invalid' },
  });
  ctx.logger.info('end link refused');
}

/**
 * Ends the support session of a live link, in ONE statement: closes the session as
 * `ended_by_user` (only if still open and alive), marks the link used, revokes its unused codes
 * and unclaimed handoffs, and writes the audit record. Then settles what follows a close (the
 * receipt). Returns false for a bad, used or expired link, or a session already closed.
 */
export async function endByUser(ctx: ServiceContext, token: string): Promise<boolean> {
  const live = liveSession(instant(ctx), 's');
  const { rows } = await ctx.db.query<{ id: string; agent_id: string }>(
    ...bind(
      `WITH s AS (
       UPDATE support_sessions s SET step = 'ended_by_user', closed_at = :now
       FROM support_end_links l
       WHERE l.token_hash = :token_hash AND l.used_at IS NULL AND l.expires_at > :now AND s.id = l.session_id
         AND ${live.sql}
       RETURNING s.id, s.agent_id, s.session_ref
     ),
     l AS (
       UPDATE support_end_links SET used_at = :now
       WHERE token_hash = :token_hash AND session_id IN (SELECT id FROM s)
     ),
     ${revokeSecretsOf('s')},
     a AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT :now, agent_id, session_ref, 'session.end_by_user', 'ok', '{}'::jsonb FROM s
     )
     SELECT id, agent_id FROM s`,
      { token_hash: endLinkHash(ctx, token), ...live.params },
    ),
  );
  const ended = rows[0];
  if (!ended) {
    await refused(ctx, 'session.end_by_user');
    return false;
  }
  ctx.logger.info('support session ended by the user', { agentId: ended.agent_id });
  await settleEndedSessions(ctx, ended.id);
  return true;
}
