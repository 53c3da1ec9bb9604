// The floor: the least SQL a code's life can cost, with nothing else (no HTTP, no auth, no audit).
// One pair = INSERT a code for a session waiting at `agent_code`, then the service's own
// conditional UPDATE…RETURNING that consumes it and advances the session (imported, not copied).
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DEFAULT_LIMITS } from '../../packages/core/src/index.js';
import { consumeCodeStatement } from '../../packages/server-adapter/src/services/code-verify.js';
import { instantAt } from '../../packages/server-adapter/src/services/session-store.js';
import type { LoadAgent, Person } from '../../packages/server-adapter/test/support/mixed-load.js';

export interface FloorSession {
  id: string;
  agentId: string;
}

/** `count` sessions at step agent_code, spread over the pairs; setup, before the counters start. */
export async function floorSessions(
  pool: Pool,
  pairs: ReadonlyArray<{ agent: LoadAgent; user: Person }>,
  ecosystemId: string,
  count: number,
): Promise<FloorSession[]> {
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000).toISOString();
  const perPair = Math.ceil(count / pairs.length);
  const sessions: FloorSession[] = [];
  for (const { agent, user } of pairs) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO support_sessions (id, session_ref, agent_id, flow, user_id, step, ecosystem_id, role,
         created_at, last_activity_at, absolute_expires_at)
       SELECT gen_random_uuid(), $1 || g, $2, 'technical-assistance', $3, 'agent_code', $4, 'administrator', $5, $5, $6
       FROM generate_series(1, $7::int) g RETURNING id`,
      [`floor-${randomUUID()}-`, agent.id, user.id, ecosystemId, now.toISOString(), later, perPair],
    );
    sessions.push(...rows.map((r) => ({ id: r.id, agentId: agent.id })));
  }
  // Interleave the pairs' sessions so concurrent workers touch different agents.
  return sessions.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** One pair on `session`: the code's INSERT, then its consuming UPDATE; throws when it does not advance. */
export async function floorPair(pool: Pool, session: FloorSession): Promise<void> {
  const at = instantAt(new Date(), DEFAULT_LIMITS);
  const codeId = randomUUID();
  await pool.query(
    `INSERT INTO support_codes (id, session_id, agent_id, purpose, code_hash, sent_to, issue_id, created_at, expires_at)
     VALUES ($1, $2, $3, 'agent', 'floor-hash', 'f***r@example.com', $4, $5, $6)`,
    [
      codeId,
      session.id,
      session.agentId,
      randomUUID(),
      at.nowIso,
      new Date(at.now.getTime() + 600_000).toISOString(),
    ],
  );
  const key = { sessionId: session.id, agentId: session.agentId, purpose: 'agent', at } as const;
  const { rows } = await pool.query(...consumeCodeStatement(key, codeId, 'user_code'));
  if (!rows[0]) throw new Error('floor: the session did not advance');
}
