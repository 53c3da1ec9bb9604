// Latency and throughput of the HTTP API: the whole Technical Assistance flow over real HTTP
// (toNodeListener on 127.0.0.1:0, Node's fetch) with N concurrent agents, on PGlite (in memory)
// and on a throw-away PostgreSQL 15 cluster. Beside it, the floor: the bare SQL statements one
// verify issues, run directly on the same database. Figures beside goals; nothing is asserted.
//
// Run: examples/back-office/node_modules/.bin/tsx --conditions=@waizant/source bench/server.ts
// The load generator runs in the same process as the server (2-core machine): client time counts.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS } from '../packages/core/src/index.js';
import { toNodeListener } from '../packages/server-adapter/src/http/node.js';
import type { SqlDatabase } from '../packages/server-adapter/src/index.js';
import {
  consumeCodeStatement,
  reserveAttemptStatement,
} from '../packages/server-adapter/src/services/code-verify.js';
import { instantAt } from '../packages/server-adapter/src/services/session-store.js';
import {
  FLOW_ROUTES,
  type FlowCall,
  type LoadAgent,
  technicalAssistanceFlow,
} from '../packages/server-adapter/test/support/mixed-load.js';
import {
  addPeople,
  type Backend,
  BENCH_LIMITS,
  type BenchServer,
  DEMO,
  latestCode,
  ms,
  type Person,
  type Stats,
  stats,
  timeMany,
  withServer,
  writeResult,
} from './lib.js';

/** [concurrent agents, flows per agent]: bounded counts; each level also stops after 60 s. */
const LEVELS: ReadonlyArray<readonly [number, number]> = [
  [1, 30],
  [8, 8],
  [32, 3],
];
const LEVEL_MAX_MS = 60_000;
const ROUTES = FLOW_ROUTES;
type Route = (typeof ROUTES)[number];

interface LevelResult {
  backend: Backend;
  agents: number;
  flows: number;
  requests: number;
  seconds: number;
  errors5xx: number;
  unexpected: number;
  routes: Record<Route, Stats>;
  verify: Stats;
  floor: Stats;
  /** GET /.well-known/jwks.json at the same concurrency: HTTP + routing, no database, no auth. */
  bare: Stats;
}

class Recorder {
  samples = new Map<Route, number[]>();
  requests = 0;
  errors5xx = 0;
  unexpected = 0;
  record(route: Route, t: number) {
    const list = this.samples.get(route) ?? [];
    list.push(t);
    this.samples.set(route, list);
  }
}

async function listen(bench: BenchServer): Promise<{ http: Server; base: string }> {
  const http = createServer(toNodeListener(bench.server.fetch));
  http.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const { port } = http.address() as AddressInfo;
  return { http, base: `http://127.0.0.1:${port}` };
}

async function call(
  rec: Recorder | null,
  base: string,
  route: Route,
  path: string,
  body: unknown,
  token: string | null,
  expected: number,
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few JSON fields
): Promise<any> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const t = performance.now();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  const elapsed = performance.now() - t;
  if (rec) {
    rec.requests++;
    rec.record(route, elapsed);
    if (response.status >= 500) rec.errors5xx++;
    if (response.status !== expected) rec.unexpected++;
  }
  if (response.status !== expected) throw new Error(`${route} → ${response.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** One whole flow, the same driver as the soak load's; each request timed under its route. */
function flow(rec: Recorder | null, base: string, db: SqlDatabase, agent: LoadAgent, user: Person) {
  const post: FlowCall = (route, who, path, expected, body) =>
    call(rec, base, route, path, body ?? {}, who?.token ?? null, expected);
  return technicalAssistanceFlow(
    post,
    (email) => latestCode(db, email),
    agent,
    user,
    DEMO.ecosystems.perez.id,
  );
}

// ------------------------------------------------------------------ the floor: one verify, bare SQL

/** Sessions at step agent_code, each with a live agent code, inserted directly. */
async function floorSessions(
  db: SqlDatabase,
  count: number,
  agentId: string,
  userId: string,
): Promise<string[]> {
  const now = new Date();
  const later = new Date(now.getTime() + 600_000).toISOString();
  const prefix = `floor-${randomUUID()}-`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO support_sessions (id, session_ref, agent_id, flow, user_id, step, ecosystem_id, role,
       created_at, last_activity_at, absolute_expires_at)
     SELECT gen_random_uuid(), $1 || g, $2, 'technical-assistance', $3, 'agent_code', $4, 'administrator', $5, $5, $6
     FROM generate_series(1, $7::int) g RETURNING id`,
    [prefix, agentId, userId, DEMO.ecosystems.perez.id, now.toISOString(), later, count],
  );
  await db.query(
    `INSERT INTO support_codes (id, session_id, agent_id, purpose, code_hash, sent_to, issue_id, created_at, expires_at)
     SELECT gen_random_uuid(), s.id, s.agent_id, 'agent', 'floor-hash', 'f***r@example.com', gen_random_uuid(), $2, $3
     FROM support_sessions s WHERE s.session_ref LIKE $1 || '%'`,
    [prefix, now.toISOString(), later],
  );
  return rows.map((r) => r.id);
}

/** The statements `verifyCode` issues for a correct code (the service's own statement text), nothing else. */
async function floorVerify(db: SqlDatabase, sessionId: string, agentId: string) {
  const at = instantAt(new Date(), DEFAULT_LIMITS);
  const key = { sessionId, agentId, purpose: 'agent', at } as const;
  const reserved = await db.query<{ code_id: string; session_ref: string }>(
    ...reserveAttemptStatement(key, DEFAULT_LIMITS.codeMaxAttempts),
  );
  const attempt = reserved.rows[0];
  if (!attempt) throw new Error('floor: no attempt reserved');
  await db.query('SELECT flow, user_id, session_ref FROM support_sessions WHERE id = $1 AND agent_id = $2', [
    sessionId,
    agentId,
  ]);
  await db.transaction(async (tx) => {
    const { rows } = await tx.query(...consumeCodeStatement(key, attempt.code_id, 'user_code'));
    if (!rows[0]) throw new Error('floor: not advanced');
    await tx.query(
      `INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        at.nowIso,
        agentId,
        attempt.session_ref,
        'code.verify.agent',
        'ok',
        JSON.stringify({ step: 'user_code' }),
      ],
    );
  });
}

// ------------------------------------------------------------------ one backend

async function runBackend(backend: Backend, bench: BenchServer): Promise<LevelResult[]> {
  const maxAgents = Math.max(...LEVELS.map(([n]) => n));
  const people = await addPeople(bench.db, maxAgents);
  const { http, base } = await listen(bench);
  const results: LevelResult[] = [];
  try {
    const agents = await Promise.all(
      people.agents.map(async (a) => ({ ...a, token: await bench.server.issueAgentToken(a.id) })),
    );
    // Warm-up (JIT, connections, plans): not recorded.
    for (let i = 0; i < 3; i++) await flow(null, base, bench.db, agents[0]!, people.users[0]!);

    for (const [n, perAgent] of LEVELS) {
      const rec = new Recorder();
      let flows = 0;
      const deadline = performance.now() + LEVEL_MAX_MS;
      const t0 = performance.now();
      await Promise.all(
        agents.slice(0, n).map(async (agent, i) => {
          for (let f = 0; f < perAgent && performance.now() < deadline; f++) {
            try {
              await flow(rec, base, bench.db, agent, people.users[i]!);
              flows++;
            } catch (error) {
              console.error(`${backend} N=${n}: ${(error as Error).message}`);
            }
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;

      // The floor at the same concurrency, as many verifies as the routes saw.
      const verifies =
        (rec.samples.get('verifyAgentCode')?.length ?? 0) + (rec.samples.get('verifyUserCode')?.length ?? 0);
      const floorIds = await Promise.all(
        agents
          .slice(0, n)
          .map((a, i) => floorSessions(bench.db, Math.ceil(verifies / n) + 1, a.id, people.users[i]!.id)),
      );
      // Warm-up of the floor statements.
      for (let w = 0; w < 3; w++) await floorVerify(bench.db, floorIds[0]!.pop()!, agents[0]!.id);
      const perWorker = new Map<number, number>();
      let nextWorker = 0;
      const floor = await timeMany(verifies, n, async () => {
        const w = nextWorker++ % n;
        const k = perWorker.get(w) ?? 0;
        perWorker.set(w, k + 1);
        const id = floorIds[w]![k];
        if (!id) return;
        await floorVerify(bench.db, id, agents[w]!.id);
      });
      const bare = await timeMany(verifies, n, async () => {
        const response = await fetch(`${base}/.well-known/jwks.json`);
        await response.text();
      });
      const routes = Object.fromEntries(ROUTES.map((r) => [r, stats(rec.samples.get(r) ?? [])])) as Record<
        Route,
        Stats
      >;
      const verify = stats([
        ...(rec.samples.get('verifyAgentCode') ?? []),
        ...(rec.samples.get('verifyUserCode') ?? []),
      ]);
      results.push({
        backend,
        agents: n,
        flows,
        requests: rec.requests,
        seconds,
        errors5xx: rec.errors5xx,
        unexpected: rec.unexpected,
        routes,
        verify,
        floor: stats(floor),
        bare: stats(bare),
      });
      console.error(
        `${backend} N=${n}: ${flows} flows, ${rec.requests} requests in ${seconds.toFixed(1)} s, 5xx ${rec.errors5xx}`,
      );
    }
  } finally {
    await new Promise((done) => http.close(done));
    http.closeAllConnections?.();
  }
  return results;
}

// ------------------------------------------------------------------ main

const all: LevelResult[] = [];
for (const backend of ['PGlite', 'PostgreSQL 15'] as const) {
  all.push(
    ...((await withServer(backend, 'waizant_bench_server', (bench) => runBackend(backend, bench))) ?? []),
  );
}

const body: string[] = [
  `Limits raised for the benchmark (within core's bounds): ${Object.entries(BENCH_LIMITS)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}. Each agent has its own user; flows per agent run one after another.`,
  'Latency is measured by the client (fetch → body read), in the same Node process as the server; PostgreSQL pool max 10.',
  '',
  '### Throughput',
  '',
  '| backend | agents | flows | requests | s | requests/s | flows/s | 5xx | other unexpected status |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...all.map(
    (r) =>
      `| ${r.backend} | ${r.agents} | ${r.flows} | ${r.requests} | ${r.seconds.toFixed(1)} | ${(r.requests / r.seconds).toFixed(0)} | ${(r.flows / r.seconds).toFixed(1)} | ${r.errors5xx} | ${r.unexpected} |`,
  ),
  '',
  '### Latency per route (ms: p50 / p95 / p99)',
  '',
  `| backend | agents | ${ROUTES.join(' | ')} |`,
  `|---|---:|${ROUTES.map(() => '---:').join('|')}|`,
  ...all.map(
    (r) =>
      `| ${r.backend} | ${r.agents} | ${ROUTES.map((k) => `${ms(r.routes[k].p50)} / ${ms(r.routes[k].p95)} / ${ms(r.routes[k].p99)}`).join(' | ')} |`,
  ),
  '',
  '### Verify route beside its floor (the bare SQL statements of one verify, same database, same concurrency)',
  '',
  'Goal (not asserted): route p50 ≤ 2× floor p50; route p99 ≤ 10 ms on PostgreSQL.',
  '',
  'The last column is a GET of /.well-known/jwks.json at the same concurrency: the HTTP round trip with no database and no token.',
  '',
  '| backend | agents | verify n | verify p50 | p95 | p99 | floor n | floor p50 | p95 | p99 | p50 ratio (goal ≤ 2) | p99 ≤ 10 ms | bare HTTP GET p50 / p99 |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  ...all.map(
    (r) =>
      `| ${r.backend} | ${r.agents} | ${r.verify.n} | ${ms(r.verify.p50)} | ${ms(r.verify.p95)} | ${ms(r.verify.p99)} | ${r.floor.n} | ${ms(r.floor.p50)} | ${ms(r.floor.p95)} | ${ms(r.floor.p99)} | ${(r.verify.p50 / r.floor.p50).toFixed(2)} | ${r.backend === 'PostgreSQL 15' ? (r.verify.p99 <= 10 ? 'yes' : 'no') : '–'} | ${ms(r.bare.p50)} / ${ms(r.bare.p99)} |`,
  ),
  '',
  `5xx responses in total: ${all.reduce((n, r) => n + r.errors5xx, 0)} (must be 0).`,
];
console.log(
  writeResult('server', '## Server latency and throughput (Technical Assistance flow over HTTP)', body),
);
process.exit(0);
