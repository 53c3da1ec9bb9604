import { SupportError } from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import type { ServiceContext } from './context.js';

/**
 * Fixed-window counter in the database: one atomic upsert per hit, so every instance shares
 * the count. Throws `rate_limited` once `limit` hits were counted in the current window.
 */
export async function hitRateLimit(
  ctx: ServiceContext,
  sql: SqlExecutor,
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
    throw new SupportError('rate_limited', 'Too many requests; try again later.', {
      retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
    });
  }
}
