import { type CodePurpose, SupportError, type SupportLimits } from '@waizant/support-core';
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
  const window = windowAt(ctx.clock.now(), windowSeconds);
  const { rows } = await sql.query<{ count: number }>(
    `INSERT INTO support_rate_limits (bucket, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET count = support_rate_limits.count + 1
     RETURNING count`,
    [bucket, window.start],
  );
  const count = Number(rows[0]?.count ?? 0);
  if (count > limit) throw new RateLimitedError(kind, window.retryAfterSeconds);
}

/** One fixed-window bucket a command counts in. */
export interface Bucket {
  readonly kind: BucketKind;
  readonly key: string;
  readonly limit: number;
}

/** The start of the current `windowSeconds` window and the seconds left in it. */
export function windowAt(now: Date, windowSeconds: number): { start: string; retryAfterSeconds: number } {
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    start: new Date(start).toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - now.getTime()) / 1000)),
  };
}

/**
 * The `WITH` clause that counts one hit in each of `:buckets` (window `:window_start`) once for
 * each row the clause `source` returns, and returns each bucket's new count: the fixed-window
 * upsert of `hitRateLimit`, inside a command's own statement.
 */
export function bucketHitsFrom(source: string): string {
  return `hits AS (
         INSERT INTO support_rate_limits (bucket, window_start, count)
         SELECT b.bucket, :window_start::timestamptz, 1 FROM ${source}
         CROSS JOIN unnest(:buckets::text[]) AS b(bucket)
         ON CONFLICT (bucket, window_start) DO UPDATE SET count = support_rate_limits.count + 1
         RETURNING bucket, count
       )`;
}

/**
 * Throws `RateLimitedError` for the first of `buckets` (in their order) whose count is over its
 * limit. The caller's transaction then rolls back, so a refused hit counts nowhere.
 */
export function checkBucketHits(
  buckets: readonly Bucket[],
  counts: ReadonlyArray<{ bucket: string; count: number }>,
  retryAfterSeconds: number,
): void {
  const byKey = new Map(counts.map((hit) => [hit.bucket, Number(hit.count)]));
  for (const bucket of buckets) {
    if ((byKey.get(bucket.key) ?? 0) > bucket.limit)
      throw new RateLimitedError(bucket.kind, retryAfterSeconds);
  }
}

/**
 * The buckets one code send counts in (docs/limits.md), narrowest first. A user's code counts
 * per session, per agent and user, per user and per agent; an agent's own step-up code only per
 * session and per agent, so an agent's resends cannot spend the user's budget. On a trip the
 * caller's transaction rolls back: one agent at its own cap for a user never uses up the
 * per-user bucket that other agents share.
 */
export function codeSendBuckets(
  limits: SupportLimits,
  send: { sessionRef: string; agentId: string; userId: string; purpose: CodePurpose },
): Bucket[] {
  return [
    {
      kind: 'send_session',
      key: `code-send:session:${send.sessionRef}`,
      limit: limits.codeSendsPerSessionPerHour,
    },
    ...(send.purpose === 'user'
      ? ([
          {
            kind: 'send_agent_user',
            key: `code-send:agent-user:${send.agentId}:${send.userId}`,
            limit: limits.codeSendsPerAgentUserPerHour,
          },
          { kind: 'send_user', key: `code-send:user:${send.userId}`, limit: limits.codeSendsPerUserPerHour },
        ] as const)
      : []),
    { kind: 'send_agent', key: `code-send:agent:${send.agentId}`, limit: limits.codeSendsPerAgentPerHour },
  ];
}

/** The window every code-send bucket counts in. */
export const CODE_SEND_WINDOW_SECONDS = 3600;
