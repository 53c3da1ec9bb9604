import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { pgliteDatabase } from '../src/bindings/embedded/pglite.js';
import { seedDemoData } from '../src/bindings/embedded/seed.js';
import { CORE_DIRECTORY_MIGRATIONS, runMigrations, SUPPORT_MIGRATIONS } from '../src/migrations/index.js';
import type { SqlDatabase } from '../src/ports/index.js';
import { plainPostgres } from './support/plain-postgres.js';

export const PG_TEMPLATE = 'waizant_support_template';

// The same as prepareEmbeddedDatabase (not imported: the global setup cannot resolve the core's source condition).
async function prepare(db: SqlDatabase) {
  await runMigrations(db, [...CORE_DIRECTORY_MIGRATIONS, ...SUPPORT_MIGRATIONS]);
  await seedDemoData(db);
}

/**
 * Builds the migrated + seeded database once per run: a PGlite dump file, or — when
 * WAIZANT_TEST_PG_URL names a PostgreSQL server — a template database each test copies.
 * With the variable set, an unreachable server fails the run (it is never skipped).
 */
export default async function setup(project: TestProject) {
  const url = process.env.WAIZANT_TEST_PG_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `WAIZANT_TEST_PG_URL is set but PostgreSQL is unreachable (${(error as Error).message}); ` +
          'start the server or unset the variable to test on PGlite.',
      );
    }
    await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${PG_TEMPLATE}`;
    const client = new pg.Client({ connectionString: templateUrl.toString() });
    await client.connect();
    const db = plainPostgres(client);
    await prepare(db);
    await db.close();
    await admin.end();
    project.provide('pgTemplate', { url, template: PG_TEMPLATE });
    project.provide('pgliteTemplate', '');
    return;
  }
  if (process.env.CI === 'true' && process.env.WAIZANT_TEST_REQUIRE_PG === 'true') {
    throw new Error('WAIZANT_TEST_REQUIRE_PG=true under CI but WAIZANT_TEST_PG_URL is not set.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'waizant-support-template-'));
  const pglite = await PGlite.create();
  await prepare(pgliteDatabase(pglite));
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplate', null);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: { url: string; template: string } | null;
  }
}
