import type { Pool, PoolClient } from 'pg';
import type { SqlDatabase, SqlExecutor } from '../../ports/index.js';

function executor(client: Pool | PoolClient): SqlExecutor {
  return {
    query: async (text, params) => {
      const result = await client.query(text, params ? [...params] : []);
      return { rows: result.rows };
    },
  };
}

/**
 * The `SqlDatabase` port over a `pg.Pool` (PostgreSQL 15+). Transactions run on one pooled
 * client between BEGIN and COMMIT (READ COMMITTED: the services' statements are atomic on their own).
 */
export function postgresDatabase(
  pool: Pool,
  options: { endPoolOnClose?: boolean; onIdleClientError?: (error: Error) => void } = {},
): SqlDatabase {
  const base = executor(pool);
  // An idle pooled client can lose its connection (restart, failover): the pool drops it; do not crash.
  pool.on('error', options.onIdleClientError ?? (() => {}));
  return {
    query: base.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (options.endPoolOnClose ?? true) await pool.end();
    },
  };
}

/** Opens a pool on a connection string and wraps it (the pool is ended on `close()`). */
export async function openPostgresDatabase(connectionString: string, max = 10): Promise<SqlDatabase> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString, max });
  return postgresDatabase(pool);
}
