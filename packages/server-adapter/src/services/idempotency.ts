import { SupportError } from '@waizant/support-core';
import type { ServiceContext } from './context.js';

export type Claim = { kind: 'claimed' } | { kind: 'replay'; status: number; body: unknown };

/**
 * Claims an Idempotency-Key for (agent, route) atomically (INSERT … ON CONFLICT DO NOTHING).
 * A repeat with the same request replays the stored response; with a different request it is refused.
 */
export async function claimIdempotencyKey(
  ctx: ServiceContext,
  agentId: string,
  route: string,
  key: string,
  requestHash: string,
): Promise<Claim> {
  const inserted = await ctx.db.query(
    `INSERT INTO support_idempotency (agent_id, route, idempotency_key, request_hash, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1 AS claimed`,
    [agentId, route, key, requestHash, ctx.clock.now().toISOString()],
  );
  if (inserted.rows.length > 0) return { kind: 'claimed' };
  const { rows } = await ctx.db.query<{ request_hash: string; status: number | null; response: unknown }>(
    `SELECT request_hash, status, response FROM support_idempotency
     WHERE agent_id = $1 AND route = $2 AND idempotency_key = $3`,
    [agentId, route, key],
  );
  const row = rows[0];
  if (!row || row.request_hash !== requestHash) {
    throw new SupportError('idempotency_conflict', 'This Idempotency-Key was used for a different request.', {
      issues: [{ path: 'Idempotency-Key', message: 'reused with a different request' }],
    });
  }
  if (row.status === null) {
    throw new SupportError('rate_limited', 'The first request with this Idempotency-Key is still running.', {
      retryAfterSeconds: 1,
    });
  }
  return { kind: 'replay', status: row.status, body: row.response };
}

export async function storeIdempotentResponse(
  ctx: ServiceContext,
  agentId: string,
  route: string,
  key: string,
  status: number,
  body: unknown,
): Promise<void> {
  if (status >= 500) {
    // A server-side failure had no effect (rolled back): let a retry run again.
    await ctx.db.query(
      'DELETE FROM support_idempotency WHERE agent_id = $1 AND route = $2 AND idempotency_key = $3',
      [agentId, route, key],
    );
    return;
  }
  await ctx.db.query(
    `UPDATE support_idempotency SET status = $4, response = $5
     WHERE agent_id = $1 AND route = $2 AND idempotency_key = $3`,
    [agentId, route, key, status, JSON.stringify(body)],
  );
}
