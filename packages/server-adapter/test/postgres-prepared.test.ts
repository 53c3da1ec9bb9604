/**
 * The PostgreSQL binding runs statements with parameters prepared (named), and survives what
 * that brings: a migration that changes a table a prepared statement returns whole, as happens
 * while the previous version's instances run beside a migrated schema. The cluster belongs to
 * this file, so it runs in both the PGlite and the PostgreSQL run.
 */
import { SupportError } from '@waizant/support-core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../src/index.js';
import { postgresDatabase } from '../src/postgres.js';
import { type Cluster, startCluster } from './support/pg-cluster.mjs';
import { ownClusterAvailable } from './support/require-postgres.js';

describe.runIf(ownClusterAvailable('postgres-prepared.test.ts'))('prepared statements on PostgreSQL', () => {
  let cluster: Cluster;
  let admin: pg.Client;
  let db: SqlDatabase;
  let column = 0;

  beforeAll(async () => {
    cluster = await startCluster();
    admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
  });

  afterAll(async () => {
    await db?.close();
    await admin?.end();
    cluster?.destroy();
  });

  beforeEach(async () => {
    await db?.close();
    await admin.query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, a text)');
    await admin.query("INSERT INTO t VALUES (1, 'first')");
    // One connection: the second statement meets what the first one prepared.
    db = postgresDatabase(new pg.Pool({ connectionString: cluster.url(), max: 1 }));
  });

  /** A migration of the next version, run by another process while this pool stays connected. */
  async function addColumn(): Promise<string> {
    column += 1;
    const name = `added_${column}`;
    await admin.query(`ALTER TABLE t ADD COLUMN ${name} text DEFAULT 'new'`);
    return name;
  }

  it('parses a statement with parameters once per connection, under a name derived from its text', async () => {
    await db.query('SELECT a FROM t WHERE id = $1', [1]);
    await db.query('SELECT a FROM t WHERE id = $1', [1]);
    const { rows } = await db.query<{ name: string; statement: string }>(
      'SELECT name, statement FROM pg_prepared_statements',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ statement: 'SELECT a FROM t WHERE id = $1' });
    expect(rows[0]?.name).toMatch(/^w[\w-]{22}$/);
  });

  it('with preparedStatements: false, no statement is prepared', async () => {
    await db.close();
    db = postgresDatabase(new pg.Pool({ connectionString: cluster.url(), max: 1 }), {
      preparedStatements: false,
    });
    await db.query('SELECT a FROM t WHERE id = $1', [1]);
    await db.transaction((tx) => tx.query('SELECT a FROM t WHERE id = $1', [1]));
    expect((await db.query('SELECT name FROM pg_prepared_statements')).rows).toEqual([]);
  });

  it('a statement prepared before a column was added runs again, on a fresh connection', async () => {
    expect((await db.query('SELECT * FROM t WHERE id = $1', [1])).rows).toEqual([{ id: 1, a: 'first' }]);
    const added = await addColumn();
    expect((await db.query('SELECT * FROM t WHERE id = $1', [1])).rows).toEqual([
      { id: 1, a: 'first', [added]: 'new' },
    ]);
  });

  it('a transaction whose first statement is stale runs once more, and its change is made once', async () => {
    let runs = 0;
    const bump = () =>
      db.transaction(async (tx) => {
        runs += 1;
        const { rows } = await tx.query<Record<string, unknown>>('SELECT * FROM t WHERE id = $1', [1]);
        await tx.query('UPDATE t SET a = a || $1 WHERE id = $2', ['+', 1]);
        return rows[0];
      });
    await bump();
    const added = await addColumn();
    runs = 0;
    expect(await bump()).toEqual({ id: 1, a: 'first+', [added]: 'new' });
    expect(runs).toBe(2);
    expect((await admin.query('SELECT a FROM t WHERE id = 1')).rows[0].a).toBe('first++');
  });

  it('a stale statement later in a transaction rolls it back and answers unavailable; the next call works', async () => {
    const change = () =>
      db.transaction(async (tx) => {
        await tx.query('UPDATE t SET a = a || $1 WHERE id = $2', ['!', 1]);
        return (await tx.query('SELECT * FROM t WHERE id = $1', [1])).rows[0];
      });
    await change();
    await addColumn();
    const refused = await change().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SupportError);
    expect((refused as SupportError).code).toBe('upstream_unavailable');
    expect((await admin.query('SELECT a FROM t WHERE id = 1')).rows[0].a).toBe('first!');
    await change();
    expect((await admin.query('SELECT a FROM t WHERE id = 1')).rows[0].a).toBe('first!!');
  });
});
