// Scale: lookup and verify latency on an empty database vs one bulk-loaded with 100,000 open
// sessions (a live code for each one at a code step) and 1,000,000 audit rows; and the expiry
// sweep with 0, 1,000 and 10,000 expired sessions among them. PostgreSQL 15 (throw-away
// cluster); PGlite too with `--pglite`. Figures beside goals; nothing is asserted.
//
// Run: examples/back-office/node_modules/.bin/tsx --conditions=@waizant/source bench/scale.ts [--pglite]
// Requests go to the Fetch handler in process (no socket): the database is what grows here.
import { DEFAULT_LIMITS } from '../packages/core/src/index.js';
import { expiredSession, instantAt } from '../packages/server-adapter/src/services/session-store.js';
import { bind } from '../packages/server-adapter/src/services/sql.js';
import {
  addPeople,
  type Backend,
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

const SESSIONS = 100_000;
const AUDIT_ROWS = 1_000_000;
const LOOKUPS = 200;
const VERIFIES = 100;
const BASE = 'https://support.example';

async function post(bench: BenchServer, token: string, path: string, body: unknown, expected: number) {
  const response = await bench.server.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }),
  );
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${path} → ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function measure(bench: BenchServer, agent: Person & { token: string }, users: Person[]) {
  const user = users[0]!;
  const t = agent.token;
  for (let i = 0; i < 5; i++)
    await post(bench, t, '/lookup', { email: user.email, flow: 'technical-assistance' }, 200);
  const lookup = await timeMany(LOOKUPS, 1, () =>
    post(bench, t, '/lookup', { email: user.email, flow: 'technical-assistance' }, 200),
  );
  const verify: number[] = [];
  for (let i = 0; i < VERIFIES + 5; i++) {
    // Sends count per user (codeSendsPerUserPerHour ≤ 100): rotate over several users.
    const userId = users[i % users.length]!.id;
    const created = await post(bench, t, '/sessions', { flow: 'technical-assistance', userId }, 201);
    const s = `/sessions/${created.id}`;
    await post(bench, t, `${s}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id }, 200);
    await post(bench, t, `${s}/agent-code`, {}, 200);
    const code = await latestCode(bench.db, agent.email);
    const t0 = performance.now();
    await post(bench, t, `${s}/agent-code/verify`, { code }, 200);
    if (i >= 5) verify.push(performance.now() - t0);
  }
  return { lookup: stats(lookup), verify: stats(verify) };
}

const agentUuid = `('00000000-0000-4000-8c00-' || lpad(to_hex(g % 50), 12, '0'))::uuid`;
const userUuid = `('00000000-0000-4000-8d00-' || lpad(to_hex(g % 5000), 12, '0'))::uuid`;

async function bulkLoad(bench: BenchServer): Promise<number> {
  const t0 = performance.now();
  const now = new Date();
  const iso = now.toISOString();
  const hour = new Date(now.getTime() + 3_600_000).toISOString();
  const tenMinutes = new Date(now.getTime() + 600_000).toISOString();
  await bench.db.query(
    `INSERT INTO support_sessions (id, session_ref, agent_id, flow, user_id, step, ecosystem_id, role,
       code_attempts, code_sends, created_at, last_activity_at, absolute_expires_at)
     SELECT gen_random_uuid(), 'bulk-' || g, ${agentUuid}, 'technical-assistance', ${userUuid},
       (ARRAY['select_ecosystem', 'agent_code', 'user_code', 'verified'])[1 + g % 4], $1::uuid, 'administrator',
       0, 0, $2, $2, $3
     FROM generate_series(1, $4::int) g`,
    [DEMO.ecosystems.perez.id, iso, hour, SESSIONS],
  );
  await bench.db.query(
    `INSERT INTO support_codes (id, session_id, agent_id, purpose, code_hash, sent_to, issue_id, created_at, expires_at)
     SELECT gen_random_uuid(), id, agent_id, CASE step WHEN 'agent_code' THEN 'agent' ELSE 'user' END,
       'bulk-hash', 'b***k@example.com', gen_random_uuid(), $1, $2
     FROM support_sessions WHERE session_ref LIKE 'bulk-%' AND step IN ('agent_code', 'user_code')`,
    [iso, tenMinutes],
  );
  await bench.db.query(
    `INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
     SELECT $1::timestamptz - make_interval(secs => g), ${agentUuid}, 'bulk-' || (g % $3::int),
       (ARRAY['lookup', 'session.create', 'code.send.agent', 'code.verify.agent'])[1 + g % 4], 'ok', '{"bulk":true}'::jsonb
     FROM generate_series(1, $2::int) g`,
    [iso, AUDIT_ROWS, SESSIONS],
  );
  await bench.db.query('ANALYZE');
  return (performance.now() - t0) / 1000;
}

async function sweepPlan(bench: BenchServer): Promise<string> {
  // The sweep's own predicate, with its parameters written in as literals for EXPLAIN.
  const expired = expiredSession(instantAt(new Date(), DEFAULT_LIMITS));
  const [where, params] = bind(expired.sql, { ...expired.params });
  const literal = where.replace(/\$(\d+)/g, (_m, n: string) => `'${String(params[Number(n) - 1])}'`);
  const { rows } = await bench.db.query<Record<string, string>>(
    `EXPLAIN SELECT id FROM support_sessions WHERE ${literal}`,
  );
  return rows.map((r) => Object.values(r)[0]).join(' ⏎ ');
}

/** Makes `count` of the bulk sessions idle for an hour, then times one sweep. */
async function sweep(
  bench: BenchServer,
  count: number,
  offset: number,
): Promise<{ ms: number; expired: number }> {
  if (count > 0) {
    await bench.db.query(
      `UPDATE support_sessions SET last_activity_at = $1
       WHERE session_ref IN (SELECT 'bulk-' || g FROM generate_series($2::int, $3::int) g)`,
      [new Date(Date.now() - 3_600_000).toISOString(), offset + 1, offset + count],
    );
    await bench.db.query('ANALYZE support_sessions');
  }
  const t0 = performance.now();
  const expired = await bench.server.sweepExpiredSessions();
  return { ms: performance.now() - t0, expired };
}

interface Row {
  backend: Backend;
  loadSeconds: number;
  empty: { lookup: Stats; verify: Stats };
  full: { lookup: Stats; verify: Stats };
  sweeps: Array<{ label: string; ms: number; expired: number }>;
  plan: string;
}

async function run(bench: BenchServer): Promise<Row> {
  const people = await addPeople(bench.db, 10);
  const agent = { ...people.agents[0]!, token: await bench.server.issueAgentToken(people.agents[0]!.id) };
  const user = people.users;
  const emptySweep = await sweep(bench, 0, 0);
  const empty = await measure(bench, agent, user);
  console.error(`${bench.backend}: empty measured; loading…`);
  const loadSeconds = await bulkLoad(bench);
  console.error(`${bench.backend}: loaded in ${loadSeconds.toFixed(1)} s`);
  const full = await measure(bench, agent, user);
  const plan = await sweepPlan(bench);
  const sweeps = [
    { label: `empty database (${emptySweep.expired} expired)`, ...emptySweep },
    { label: '0 expired among 100,000 open', ...(await sweep(bench, 0, 0)) },
    { label: '1,000 expired among 100,000 open', ...(await sweep(bench, 1_000, 0)) },
    { label: '10,000 expired among 99,000 open', ...(await sweep(bench, 10_000, 1_000)) },
  ];
  return { backend: bench.backend, loadSeconds, empty, full, sweeps, plan };
}

const rows: Row[] = [];
const backends = process.argv.includes('--pglite')
  ? (['PostgreSQL 15', 'PGlite'] as const)
  : (['PostgreSQL 15'] as const);
for (const backend of backends) {
  const row = await withServer(backend, 'waizant_bench_scale', run);
  if (row) rows.push(row);
}

const body = [
  `Bulk load: ${SESSIONS.toLocaleString('en-US')} open sessions (a live code for each at agent_code/user_code), ${AUDIT_ROWS.toLocaleString('en-US')} audit rows, then ANALYZE.`,
  `Lookup: ${LOOKUPS} sequential POST /lookup; verify: ${VERIFIES} sequential agent-code verifies (only the verify request timed). Fetch handler in process, one agent.`,
  '',
  '| backend | route | empty p50 / p95 / p99 (ms) | loaded p50 / p95 / p99 (ms) | p50 ratio (goal ≤ 1.2) |',
  '|---|---|---:|---:|---:|',
  ...rows.flatMap((r) =>
    (['lookup', 'verify'] as const).map(
      (k) =>
        `| ${r.backend} | ${k} | ${ms(r.empty[k].p50)} / ${ms(r.empty[k].p95)} / ${ms(r.empty[k].p99)} | ${ms(r.full[k].p50)} / ${ms(r.full[k].p95)} / ${ms(r.full[k].p99)} | ${(r.full[k].p50 / r.empty[k].p50).toFixed(2)} |`,
    ),
  ),
  '',
  '### Expiry sweep (one `sweepExpiredSessions()` call; it should grow with the expired, not the total)',
  '',
  '| backend | case | sessions expired | ms |',
  '|---|---|---:|---:|',
  ...rows.flatMap((r) =>
    r.sweeps.map((s) => `| ${r.backend} | ${s.label} | ${s.expired} | ${s.ms.toFixed(1)} |`),
  ),
  '',
  ...rows.map(
    (r) =>
      `Bulk load on ${r.backend}: ${r.loadSeconds.toFixed(1)} s. Plan of the sweep's selection: \`${r.plan}\``,
  ),
];
console.log(writeResult('scale', '## Scale (100,000 open sessions, 1,000,000 audit rows)', body));
process.exit(0);
