import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrateCommand } from '../src/cli/migrate.js';
import { openPgliteDatabase } from '../src/embedded.js';
import { closeAll, closeTemplate, freshDatabase } from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

function capture() {
  const lines: string[] = [];
  return {
    lines,
    out: { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) },
  };
}

describe('waizant-support-migrate', () => {
  it('applies every migration to an empty database and never prints the URL', async () => {
    const { lines, out } = capture();
    const opened: string[] = [];
    const open = async (url: string) => {
      opened.push(url);
      return openPgliteDatabase();
    };
    const url = 'postgres://support:s3cret@db.internal/support';
    expect(await migrateCommand([`--url=${url}`, '--with-demo-directory'], {}, { open, out })).toBe(0);
    expect(opened).toEqual([url]);
    expect(lines.at(-1)).toMatch(/^Applied migrations \d+(, \d+)*\.$/);
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it('is idempotent on a migrated database (PGlite, or the PostgreSQL server of the PostgreSQL run)', async () => {
    const database = await freshDatabase();
    const { lines, out } = capture();
    const code = await migrateCommand(
      [],
      { DATABASE_URL: 'postgres://x' },
      { open: async () => database, out },
    );
    expect(code).toBe(0);
    expect(lines).toEqual(['The database is up to date.']);
  });

  it('--help prints the usage and succeeds, opening nothing', async () => {
    const { lines, out } = capture();
    const open = async () => {
      throw new Error('must not open');
    };
    expect(await migrateCommand(['--help'], { DATABASE_URL: 'postgres://x' }, { open, out })).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Usage: DATABASE_URL=/);
  });

  it('says DATABASE_URL is missing when no database is given', async () => {
    const { lines, out } = capture();
    expect(await migrateCommand([], {}, { open: async () => openPgliteDatabase(), out })).toBe(2);
    expect(lines[0]).toMatch(/^No database given: set DATABASE_URL \(or pass --url=\)\./);
  });

  it('refuses to run without a database or with unknown flags, saying how to call it', async () => {
    const { lines, out } = capture();
    const open = async () => {
      throw new Error('must not open');
    };
    expect(await migrateCommand([], {}, { open, out })).toBe(2);
    expect(lines[0]).toMatch(/No database given/);
    expect(await migrateCommand(['--drop-everything'], { DATABASE_URL: 'postgres://x' }, { open, out })).toBe(
      2,
    );
    expect(lines.at(-1)).toMatch(/^Usage:/);
  });
});
