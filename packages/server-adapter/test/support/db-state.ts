import type { SqlDatabase } from '../../src/index.js';

/**
 * Row count and content hash of every table of the kit (support_* and the embedded core_*
 * directory), to prove a run of refused requests changed nothing.
 */
export async function databaseState(db: SqlDatabase): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND (table_name LIKE 'support\\_%' OR table_name LIKE 'core\\_%')
     ORDER BY 1`,
  );
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await db.query<{ n: number; h: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS h FROM ${name} t`,
    );
    state[name] = `${rows[0]?.n ?? 0}:${rows[0]?.h ?? ''}`;
  }
  return state;
}
