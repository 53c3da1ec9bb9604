import type pg from 'pg';
import type { SqlDatabase } from '../../src/ports/index.js';

/**
 * The `SqlDatabase` port over one `pg.Client`, for the global setup only: it cannot load the
 * core package's sources, which the production binding imports for its typed errors.
 */
export function plainPostgres(client: pg.Client): SqlDatabase {
  const query: SqlDatabase['query'] = async (text, params) => {
    const result = await client.query(text, params ? [...params] : []);
    return { rows: result.rows };
  };
  return {
    query,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn({ query });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    close: () => client.end(),
  };
}
