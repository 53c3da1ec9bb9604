// Shared helpers of the server benchmarks: machine line, percentiles, a throw-away PostgreSQL 15
// cluster, bench agents/users, servers on PGlite and PostgreSQL, and the Markdown writer.
// Measures only; never asserts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import {
  createEmbeddedSupportServer,
  DEMO,
  type EmbeddedSupportServer,
  type EmbeddedSupportServerOptions,
} from '../packages/server-adapter/src/embedded.js';
import type { SqlDatabase } from '../packages/server-adapter/src/index.js';
import { postgresDatabase } from '../packages/server-adapter/src/postgres.js';
import { addLoadPeople, type Person } from '../packages/server-adapter/test/support/mixed-load.js';
import {
  missingPostgres,
  startCluster as startThrowawayCluster,
} from '../packages/server-adapter/test/support/pg-cluster.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..');
const requireFromServer = createRequire(join(root, 'packages/server-adapter/package.json'));
export const pg = requireFromServer('pg') as typeof import('pg');
export { DEMO };

/** Limits raised so the benchmark measures the server, not its rate limiter (all within core's bounds). */
export const BENCH_LIMITS = {
  lookupsPerAgentPerMinute: 1000,
  codeSendsPerUserPerHour: 100,
  codeSendsPerAgentUserPerHour: 99,
  codeSendsPerAgentPerHour: 10_000,
  codeSendsPerSessionPerHour: 100,
} as const;
export const HMAC_KEY = 'bench-hmac-key-0123456789-abcdefghijklmnopq';

export function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1]!.trim();
  } catch {}
  return `${model}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1)!,
  };
}

export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

export function writeResult(name: string, title: string, body: string[]): string {
  const text = [`${title}`, '', `Machine: ${machine()}`, '', ...body].join('\n');
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', `${name}.md`), `${text}\n`);
  return text;
}

/** Times `fn` `n` times with `concurrency` workers; milliseconds per call. Bounded in count and time. */
export async function timeMany(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
  maxMs = 60_000,
): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  const deadline = performance.now() + maxMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n && performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return samples;
}

// ---------------------------------------------------------------- PostgreSQL 15, throw-away cluster

export interface Cluster {
  url(database?: string): string;
  stop(): void;
}

/** Starts a cluster from PG_BIN (default /usr/lib/postgresql/15/bin) as `postgres`; null when absent. */
export async function startCluster(settings: string[] = []): Promise<Cluster | null> {
  if (process.env.WAIZANT_BENCH_PG_URL) {
    const base = process.env.WAIZANT_BENCH_PG_URL;
    return {
      url: (database = 'postgres') => Object.assign(new URL(base), { pathname: `/${database}` }).toString(),
      stop() {},
    };
  }
  if (missingPostgres() !== null) return null;
  const cluster = await startThrowawayCluster({ settings });
  const stop = () => cluster.destroy();
  process.on('exit', stop);
  return { url: (database = 'postgres') => cluster.url(database), stop };
}

export async function createDatabase(cluster: Cluster, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.url(name);
}

// ---------------------------------------------------------------- servers and bench people

export type Backend = 'PGlite' | 'PostgreSQL 15';

export interface BenchServer {
  backend: Backend;
  server: EmbeddedSupportServer;
  /** The database the server uses (for the floor and bulk loads). */
  db: SqlDatabase;
  pool?: Pool;
}

export async function openServer(
  backend: Backend,
  cluster: Cluster | null,
  dbName: string,
  options: Partial<EmbeddedSupportServerOptions> = {},
  poolSize = 10,
): Promise<BenchServer> {
  let database: SqlDatabase | undefined;
  let pool: Pool | undefined;
  if (backend === 'PostgreSQL 15') {
    if (!cluster) throw new Error('no PostgreSQL cluster');
    pool = new pg.Pool({ connectionString: await createDatabase(cluster, dbName), max: poolSize });
    database = postgresDatabase(pool);
  }
  const server = await createEmbeddedSupportServer({
    ...(database ? { database } : {}),
    secrets: { hmacKey: HMAC_KEY },
    limits: BENCH_LIMITS,
    ...options,
  });
  return { backend, server, db: server.database, ...(pool ? { pool } : {}) };
}

/**
 * Runs `run` against a fresh server on `backend`, then closes the server and, for PostgreSQL,
 * the throw-away cluster. Without PostgreSQL binaries it says so and returns undefined.
 */
export async function withServer<T>(
  backend: Backend,
  dbName: string,
  run: (bench: BenchServer) => Promise<T>,
): Promise<T | undefined> {
  const cluster = backend === 'PostgreSQL 15' ? await startCluster() : null;
  if (backend === 'PostgreSQL 15' && !cluster) {
    console.error('PostgreSQL 15 binaries not found (PG_BIN): PostgreSQL rows skipped');
    return undefined;
  }
  try {
    const bench = await openServer(backend, cluster, dbName);
    try {
      return await run(bench);
    } finally {
      await bench.server.close();
    }
  } finally {
    cluster?.stop();
  }
}

export type { Person };

/** `count` active agents and `count` active users, each user administrator of Familia Pérez. */
export function addPeople(db: SqlDatabase, count: number): Promise<{ agents: Person[]; users: Person[] }> {
  return addLoadPeople(db, count, DEMO.ecosystems.perez.id, 'bench', [0xa, 0xb]);
}

/** The latest code e-mailed to `to`, read from the outbox table (not part of any timing). */
export async function latestCode(db: SqlDatabase, to: string): Promise<string> {
  const { rows } = await db.query<{ body: string }>(
    'SELECT body FROM support_outbox WHERE to_address = $1 ORDER BY seq DESC LIMIT 1',
    [to],
  );
  const match = rows[0] ? /code is: (\d+)/.exec(rows[0].body) : null;
  if (!match?.[1]) throw new Error(`no code e-mailed to ${to}`);
  return match[1];
}
