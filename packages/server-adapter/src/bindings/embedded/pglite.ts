import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from '../../ports/index.js';

interface PgliteQueryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/**
 * The part of a PGlite instance the kit uses. Structural on purpose: PGlite's own typings need
 * Emscripten's global types, which a host compiling with `skipLibCheck: false` may not have.
 */
export interface PgliteInstance extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgliteDatabase<P extends PgliteInstance = PgliteInstance> extends SqlDatabase {
  /** The underlying instance (e.g. to `clone()` a migrated and seeded template in tests). */
  readonly pglite: P;
}

/** Wraps a PGlite instance (in memory, or persisted in `dataDir`) as the `SqlDatabase` port. */
export function pgliteDatabase<P extends PgliteInstance>(pglite: P): PgliteDatabase<P> {
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
