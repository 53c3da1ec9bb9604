/**
 * `waizant-support-migrate` (run by `bin.ts`): applies the kit's migrations to a PostgreSQL database.
 *   DATABASE_URL=postgres://… waizant-support-migrate [--with-demo-directory]
 * The URL is never printed: it may carry a password.
 */
import { openPostgresDatabase } from '../bindings/postgres/database.js';
import { CORE_DIRECTORY_MIGRATIONS, runMigrations, SUPPORT_MIGRATIONS } from '../migrations/index.js';
import type { SqlDatabase } from '../ports/index.js';

export interface MigrateCommandDeps {
  open(url: string): Promise<SqlDatabase>;
  out: Pick<Console, 'log' | 'error'>;
}

const USAGE =
  'Usage: DATABASE_URL=postgres://… waizant-support-migrate [--url=postgres://…] [--with-demo-directory]\n' +
  '  --with-demo-directory  also creates the stand-in Core DB tables (users, ecosystems, …) for development.';

export async function migrateCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  deps: MigrateCommandDeps = { open: (url) => openPostgresDatabase(url, 1), out: console },
): Promise<number> {
  const unknown = argv.filter((a) => !a.startsWith('--url=') && a !== '--with-demo-directory');
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.out.log(USAGE);
    return 0;
  }
  if (unknown.length > 0) {
    deps.out.error(`Unknown option ${unknown.join(' ')}.`);
    deps.out.error(USAGE);
    return 2;
  }
  const url = argv.find((a) => a.startsWith('--url='))?.slice('--url='.length) ?? env.DATABASE_URL;
  if (!url) {
    deps.out.error(`No database given: set DATABASE_URL (or pass --url=).\n${USAGE}`);
    return 2;
  }
  const migrations = argv.includes('--with-demo-directory')
    ? [...CORE_DIRECTORY_MIGRATIONS, ...SUPPORT_MIGRATIONS]
    : SUPPORT_MIGRATIONS;
  const db = await deps.open(url);
  try {
    const applied = await runMigrations(db, migrations);
    deps.out.log(
      applied.length > 0 ? `Applied migrations ${applied.join(', ')}.` : 'The database is up to date.',
    );
    return 0;
  } catch (error) {
    deps.out.error(`Migration failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    return 1;
  } finally {
    await db.close();
  }
}
