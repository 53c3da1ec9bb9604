import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { pgliteDatabase } from '../src/bindings/embedded/pglite.js';
import { seedDemoData } from '../src/bindings/embedded/seed.js';
import { CORE_DIRECTORY_MIGRATIONS, runMigrations, SUPPORT_MIGRATIONS } from '../src/migrations/index.js';

/** Builds the migrated + seeded database once per run and hands its dump to every test file. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'waizant-support-template-'));
  const pglite = await PGlite.create();
  const db = pgliteDatabase(pglite);
  // The same as prepareEmbeddedDatabase (not imported: the global setup cannot resolve the core's source condition).
  await runMigrations(db, [...CORE_DIRECTORY_MIGRATIONS, ...SUPPORT_MIGRATIONS]);
  await seedDemoData(db);
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
