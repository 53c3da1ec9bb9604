import { type CodePurpose, SupportError } from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import type { ServiceContext } from './context.js';

/** The kinds of bucket, as audited when one trips (never the bucket's key). See docs/limits.md. */
export type BucketKind =
  | 'lookup_agent'
  | 'send_session'
  | 'send_agent_user'
  | 'send_user'
  | 'send_agent'
  | 'assisted_client'
  | 'end_link_address'
  | 'end_link_token';

/** `rate_limited`, knowing which kind of bucket tripped (for the audit; not sent to clients). */
export class RateLimitedError extends SupportError {
  constructor(
    readonly bucket: BucketKind,
    retryAfterSeconds: number,
  ) {
    super('rate_limited', 'Too many requests; try again later.', { retryAfterSeconds });
  }
}

/**
 * Fixed-window counter in the database: one atomic upsert per hit, so every instance shares
 * the count. Throws `RateLimitedError` once `limit` hits were counted in the current window.
 * Inside a transaction that then rolls back, a refused hit leaves the count unchanged.
 */
export async function hitRateLimit(
  ctx: ServiceContext,
  sql: SqlExecutor,
  kind: BucketKind,
  bucket: string,
  windowSeconds: number,
  limit: number,
): Promise<void> {
  const now = ctx.clock.now().getTime();
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  const { rows } = await sql.query<{ count: number }>(
    `INSERT INTO support_rate_limits (bucket, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET count = support_rate_limits.count + 1
     RETURNING count`,
    [bucket, new Date(start).toISOString()],
  );
  const count = Number(rows[0]?.count ?? 0);
  if (count > limit) {
    throw new RateLimitedError(kind, Math.max(1, Math.ceil((start + windowMs - now) / 1000)));
  }
}

const HOUR = 3600;

/**
 * The buckets one code send counts in (docs/limits.md). A user's code counts per session, per
 * agent and user, per user and per agent; an agent's own step-up code only per session and per
 * agent, so an agent's resends cannot spend the user's budget. The narrowest bucket is hit first,
 * and the caller's transaction rolls back on a trip: one agent at its own cap for a user never
 * uses up the per-user bucket that other agents share.
 */
export async function hitCodeSendLimits(
  ctx: ServiceContext,
  tx: SqlExecutor,
  send: { sessionRef: string; agentId: string; userId: string; purpose: CodePurpose },
): Promise<void> {
  const { limits } = ctx;
  await hitRateLimit(
    ctx,
    tx,
    'send_session',
    `code-send:session:${send.sessionRef}`,
    HOUR,
    limits.codeSendsPerSessionPerHour,
  );
  if (send.purpose === 'user') {
    await hitRateLimit(
      ctx,
      tx,
      'send_agent_user',
      `code-send:agent-user:${send.agentId}:${send.userId}`,
      HOUR,
      limits.codeSendsPerAgentUserPerHour,
    );
    await hitRateLimit(
      ctx,
      tx,
      'send_user',
      `code-send:user:${send.userId}`,
      HOUR,
      limits.codeSendsPerUserPerHour,
    );
  }
  await hitRateLimit(
    ctx,
    tx,
    'send_agent',
    `code-send:agent:${send.agentId}`,
    HOUR,
    limits.codeSendsPerAgentPerHour,
  );
}
