import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from '../../ports/index.js';

export interface PgliteDatabase extends SqlDatabase {
  /** The underlying instance (e.g. to `clone()` a migrated and seeded template in tests). */
  readonly pglite: PGliteInterface;
}

/** Wraps a PGlite instance (in memory, or persisted in `dataDir`) as the `SqlDatabase` port. */
export function pgliteDatabase(pglite: PGliteInterface): PgliteDatabase {
  const run: SqlExecutor['query'] = async (text, params) => {
    const result = await pglite.query(text, params ? [...params] : []);
    return { rows: result.rows as never[] };
  };
  return {
    pglite,
    query: run,
    transaction: (fn) =>
      pglite.transaction(async (tx) =>
        fn({
          query: async (text, params) => {
            const result = await tx.query(text, params ? [...params] : []);
            return { rows: result.rows as never[] };
          },
        }),
      ),
    close: () => pglite.close(),
  };
}

/** Opens PGlite: in memory without `dataDir`, persisted in that folder with it. */
export async function openPgliteDatabase(options: { dataDir?: string } = {}): Promise<PgliteDatabase> {
  const pglite = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  return pgliteDatabase(pglite);
}
