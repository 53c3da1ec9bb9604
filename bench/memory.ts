// Memory: the server process's RSS and heap before and after opening 10,000 support sessions
// (POST /sessions through the Fetch handler, in process), after global.gc when run with
// --expose-gc. On PostgreSQL the data lives in the PostgreSQL processes (not counted); on PGlite
// (in memory) it lives in this process, so its RSS includes the database. Nothing is asserted.
//
// Run: node --expose-gc --import tsx … ; or
//      NODE_OPTIONS=--expose-gc examples/back-office/node_modules/.bin/tsx --conditions=@waizant/source bench/memory.ts
import { randomUUID } from 'node:crypto';
import { BoundedMap } from '../packages/server-adapter/src/bounded-map.js';
import { addPeople, type Backend, type BenchServer, timeMany, withServer, writeResult } from './lib.js';

const SESSIONS = 10_000;
const CONCURRENCY = 8;
const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

async function settle() {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((done) => setTimeout(done, 50));
  }
  return process.memoryUsage();
}

interface Row {
  backend: Backend;
  opened: number;
  seconds: number;
  before: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
}

async function run(bench: BenchServer): Promise<Row> {
  const people = await addPeople(bench.db, CONCURRENCY);
  const tokens = await Promise.all(people.agents.map((a) => bench.server.issueAgentToken(a.id)));
  const create = async (i: number) => {
    const w = i % CONCURRENCY;
    const response = await bench.server.fetch(
      new Request('https://support.example/sessions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[w]}` },
        body: JSON.stringify({ flow: 'technical-assistance', userId: people.users[w]!.id }),
      }),
    );
    await response.text();
    if (response.status !== 201) throw new Error(`create → ${response.status}`);
  };
  await timeMany(200, CONCURRENCY, create); // warm-up: JIT, pool, caches
  const before = await settle();
  const t0 = performance.now();
  const samples = await timeMany(SESSIONS, CONCURRENCY, create, 120_000);
  const seconds = (performance.now() - t0) / 1000;
  const after = await settle();
  console.error(`${bench.backend}: ${samples.length} sessions in ${seconds.toFixed(1)} s`);
  return { backend: bench.backend, opened: samples.length, seconds, before, after };
}

const rows: Row[] = [];
for (const backend of ['PGlite', 'PostgreSQL 15'] as const) {
  const row = await withServer(backend, 'waizant_bench_memory', run);
  if (row) rows.push(row);
}

/**
 * The one per-session thing an instance keeps: the settled subjects it remembers (see
 * sessionIdentity), at capacity. Filled here directly with entries shaped like the rows it keeps
 * (fresh strings, as read from the wire), since opening sessions alone never settles one.
 */
async function settledSubjectsAtCapacity(): Promise<number> {
  const fresh = () => Buffer.from(randomUUID()).toString('latin1');
  const before = await settle();
  const memo = new BoundedMap<string, object>(SESSIONS);
  for (let i = 0; i < SESSIONS; i++) {
    memo.set(`${fresh()} ${fresh()}`, {
      flow: 'technical-assistance',
      user_id: fresh(),
      session_ref: fresh().replaceAll('-', ''),
      ecosystem_id: fresh(),
      role: 'administrator',
    });
  }
  const after = await settle();
  if (memo.size !== SESSIONS) throw new Error('the memo lost entries');
  return (after.heapUsed - before.heapUsed) / MB;
}
const memoMb = await settledSubjectsAtCapacity();

const mb = (n: number) => (n / MB).toFixed(1);
const per = (r: Row, k: 'rss' | 'heapUsed' | 'external') =>
  (((r.after[k] - r.before[k]) / r.opened) * 10_000) / MB;
const body = [
  `${gc ? 'After global.gc() (--expose-gc).' : 'WITHOUT --expose-gc: figures include garbage not yet collected.'} Sessions opened with POST /sessions (${CONCURRENCY} agents in parallel), in process.`,
  '',
  '| backend | sessions | s | RSS before (MB) | RSS after (MB) | Δ RSS per 10,000 (MB) | Δ heapUsed per 10,000 (MB) | Δ external per 10,000 (MB) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.backend} | ${r.opened} | ${r.seconds.toFixed(1)} | ${mb(r.before.rss)} | ${mb(r.after.rss)} | ${per(r, 'rss').toFixed(1)} | ${per(r, 'heapUsed').toFixed(1)} | ${per(r, 'external').toFixed(1)} |`,
  ),
  '',
  'PGlite keeps the database in this process (WASM memory counts in RSS); on PostgreSQL the delta is what the Node process itself keeps.',
  '',
  `The settled subjects an instance remembers (whom a session is about, once its ecosystem is chosen; bounded at ${SESSIONS.toLocaleString('en')}), at capacity: ${memoMb.toFixed(1)} MB of heap. Opening sessions alone settles none, so the table above does not include it.`,
];
console.log(writeResult('memory', '## Server memory after opening 10,000 sessions', body));
process.exit(0);
