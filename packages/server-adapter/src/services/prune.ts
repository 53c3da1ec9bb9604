import type { ServiceContext } from './context.js';
import { CODE_SEND_WINDOW_SECONDS } from './rate-limits.js';
import { bind } from './sql.js';

/** The most rows one sweep deletes from each table: each delete is short and holds few locks. */
export const PRUNE_BATCH_SIZE = 1000;

/**
 * How long a rate-limit row is kept after its window started: twice the longest window (code
 * sends, one hour; lookups and assisted calls count per minute, end links per 10 minutes), so a
 * window is never dropped while any instance, even one whose clock lags, still counts in it.
 */
export const RATE_LIMIT_RETENTION_SECONDS = 2 * CODE_SEND_WINDOW_SECONDS;

/** How long an Idempotency-Key is honoured (docs/security.md §2.6): a retry after that runs again. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600;

export interface PrunedCounts {
  readonly rateLimits: number;
  readonly idempotency: number;
  readonly spentRefresh: number;
  readonly passkeyChallenges: number;
}

/**
 * One bounded delete: at most `:batch` rows of `table` that are `expired`, picked by primary key
 * (`key`). The outer WHERE repeats the condition: if a row was rewritten under the same key
 * between the pick and the delete (a challenge re-issued, a key claimed again), PostgreSQL
 * re-checks it on the new version and leaves it alone.
 */
function boundedDelete(table: string, key: string, expired: string): string {
  return `DELETE FROM ${table}
  WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${expired} LIMIT :batch)
  AND ${expired}
  RETURNING 1 AS pruned`;
}

const RATE_LIMITS = boundedDelete(
  'support_rate_limits',
  'bucket, window_start',
  'window_start <= :cutoff::timestamptz',
);

const IDEMPOTENCY = boundedDelete(
  'support_idempotency',
  'agent_id, route, idempotency_key',
  'created_at <= :cutoff::timestamptz',
);

/*
 * A spent refresh hash only serves reuse detection, which matters only while its assisted
 * session can still be refreshed. Once the assisted session has ended, its refresh deadline has
 * passed or its support session is closed, none of which ever reverses, no refresh can succeed,
 * and a replay gets the same refusal with or without the row.
 */
const SPENT_REFRESH = `DELETE FROM support_assisted_spent_refresh
  WHERE refresh_hash IN (
    SELECT r.refresh_hash FROM support_assisted_spent_refresh r
    JOIN support_assisted_sessions a ON a.id = r.assisted_session_id
    JOIN support_sessions s ON s.id = a.session_id
    WHERE a.ended_at IS NOT NULL OR a.refresh_expires_at <= :now::timestamptz
      OR s.closed_at IS NOT NULL
    LIMIT :batch)
  RETURNING 1 AS pruned`;

/** A challenge is accepted only before expires_at (passkeys/step-up.ts, passkeys/enrol.ts). */
const CHALLENGES = boundedDelete(
  'support_passkey_challenges',
  'agent_id, scope, purpose',
  'expires_at <= :now::timestamptz',
);

function ago(now: Date, seconds: number): string {
  return new Date(now.getTime() - seconds * 1000).toISOString();
}

/**
 * Deletes rows no rule can need any more from the tables that would otherwise only grow, at most
 * `PRUNE_BATCH_SIZE` per table per call (a backlog clears over several sweeps). Sessions, codes,
 * handoffs, the audit and the outbox are records and are never pruned here.
 */
export async function pruneExpiredRows(ctx: ServiceContext): Promise<PrunedCounts> {
  const now = ctx.clock.now();
  const run = async (statement: string, values: Record<string, unknown>): Promise<number> => {
    const { rows } = await ctx.db.query(...bind(statement, { ...values, batch: PRUNE_BATCH_SIZE }));
    return rows.length;
  };
  const counts: PrunedCounts = {
    rateLimits: await run(RATE_LIMITS, { cutoff: ago(now, RATE_LIMIT_RETENTION_SECONDS) }),
    idempotency: await run(IDEMPOTENCY, { cutoff: ago(now, IDEMPOTENCY_RETENTION_SECONDS) }),
    spentRefresh: await run(SPENT_REFRESH, { now: now.toISOString() }),
    passkeyChallenges: await run(CHALLENGES, { now: now.toISOString() }),
  };
  if (Object.values(counts).some((n) => n > 0)) ctx.logger.info('expired rows pruned', { ...counts });
  return counts;
}
