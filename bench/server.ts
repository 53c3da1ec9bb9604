// Throughput, latency and cost per request of the HTTP API on PostgreSQL 15, issue #16's way:
// - the kit: the whole Technical Assistance flow (lookup → … → redeem → complete, 10 requests),
//   its server alone in a process (bench/load/kit-server.ts, the real toNodeListener);
// - the reference: better-auth's e-mail OTP (send + wrong code + sign-in), alone in a process
//   (bench/load/reference-server.ts), on its own database of the same cluster;
// - the floor: INSERT a code + the service's conditional UPDATE…RETURNING, bare SQL.
// A separate process drives each (bench/load/driver.ts: 8 clients, keep-alive node:http). Over
// each run: pg_stat_statements' calls, the cluster's CPU from /proc, the server's process.cpuUsage.
// Figures beside goals; nothing is asserted. Run: npx -y pnpm@12.4.2 bench:server
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { DEMO } from '../packages/server-adapter/src/embedded.js';
import {
  type Cluster,
  missingPostgres,
  startCluster,
} from '../packages/server-adapter/test/support/pg-cluster.mjs';
import { BENCH_LIMITS, pg, writeResult } from './lib.js';
import {
  type DriverJob,
  type DriverMessage,
  type DriverResult,
  forkTs,
  nextMessage,
  type ServerMessage,
} from './load/ipc.js';
import { clusterCpu, countStatements, cpuMsBetween, postmasterPid, resetStatements } from './load/probes.js';
import { type Measured, routeTable, runFacts, statementTable, summaryTable } from './load/report.js';

const WORKERS = 8;
/** Measured seconds of the kit's and the reference's runs (the floor gets half), after set-up and warm-up. */
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 20);
/** Agent-user pairs and flows per pair: 2 code sends per flow stay under every raised send limit. */
const PAIRS = 400;
const FLOWS_PER_PAIR = 40;
const KIT_DB = 'waizant_bench_kit';
const REFERENCE_DB = 'bench_reference';
const READER = 'bench_reader';
const loadAtStart = loadavg();

if (missingPostgres() !== null) {
  console.error(`${missingPostgres()}: bench:server measures PostgreSQL only; nothing measured.`);
  process.exit(0);
}

const cluster: Cluster = await startCluster({
  settings: [
    'shared_preload_libraries=pg_stat_statements',
    'pg_stat_statements.track=top',
    'pg_stat_statements.track_utility=on',
    // Planning time beside execution time: what prepared statements could save.
    'pg_stat_statements.track_planning=on',
    'fsync=on',
  ],
});
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill();
  cluster.destroy();
});
const pm = postmasterPid(`${cluster.dir}/data`);
const admin = new pg.Client({ connectionString: cluster.url() });
await admin.connect();
await admin.query('CREATE EXTENSION pg_stat_statements');
// The driver reads the codes e-mailed as this role: its statements are not counted.
await admin.query(`CREATE ROLE ${READER} LOGIN; GRANT pg_read_all_data TO ${READER}`);
for (const db of [KIT_DB, REFERENCE_DB]) await admin.query(`CREATE DATABASE ${db}`);
const readerUrl = (db: string) => Object.assign(new URL(cluster.url(db)), { username: READER }).toString();

async function startServer(file: string, env: Record<string, string>) {
  const child = forkTs(file, env);
  children.push(child);
  const ready = await nextMessage<ServerMessage, Extract<ServerMessage, { type: 'ready' }>>(child, (m) =>
    m.type === 'ready' ? m : undefined,
  );
  return { child, ready };
}

async function serverCpuMs(child: ChildProcess): Promise<number> {
  const answer = nextMessage<ServerMessage, number>(child, (m) => (m.type === 'cpu' ? m.ms : undefined));
  child.send({ type: 'cpu' });
  return answer;
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((done) => child.once('exit', done));
  child.send({ type: 'stop' });
  await exited;
}

/** One measured run: the driver warms up, the counters are read, the driver runs, they are read again. */
async function measure(
  job: DriverJob,
  server: ChildProcess | null,
  database: string,
  describe: Pick<Measured, 'label' | 'verifyRoutes' | 'unit'>,
): Promise<Measured> {
  const driver = forkTs('driver.ts');
  children.push(driver);
  const warm = nextMessage<DriverMessage, DriverMessage>(driver, (m) => (m.type === 'done' ? undefined : m));
  driver.send(job);
  const first = await warm;
  if (first.type !== 'warm')
    throw new Error(`${describe.label}: ${first.type === 'failed' ? first.message : first.type}`);
  await resetStatements(admin);
  const cpu0 = clusterCpu(pm);
  const node0 = server ? await serverCpuMs(server) : 0;
  const done = nextMessage<DriverMessage, DriverMessage>(driver, (m) => (m.type === 'warm' ? undefined : m));
  driver.send({ type: 'go' });
  const last = await done;
  const cpu1 = clusterCpu(pm);
  const node1 = server ? await serverCpuMs(server) : 0;
  if (last.type !== 'done')
    throw new Error(`${describe.label}: ${last.type === 'failed' ? last.message : last.type}`);
  const result: DriverResult = last.result;
  const statements = await countStatements(admin, database, 'postgres');
  const exited = new Promise((done) => driver.once('exit', done));
  driver.send({ type: 'end' });
  await exited;
  console.error(
    `${describe.label}: ${result.units} units, ${result.requests} requests in ${result.seconds.toFixed(1)} s, 5xx ${result.errors5xx}, unexpected ${result.unexpected}`,
  );
  return {
    ...describe,
    result,
    statements,
    pgCpuMs: cpuMsBetween(cpu0, cpu1, first.readerPids),
    serverCpuMs: server ? node1 - node0 : null,
  };
}

// ------------------------------------------------------------------ the kit, then the floor on its database

const kitServer = await startServer('kit-server.ts', {
  BENCH_DB_URL: cluster.url(KIT_DB),
  BENCH_PAIRS: String(PAIRS),
});
const base = `http://127.0.0.1:${kitServer.ready.port}`;
const ecosystemId = DEMO.ecosystems.perez.id;
const kit = await measure(
  {
    target: 'kit',
    base,
    ecosystemId,
    pairs: kitServer.ready.pairs,
    flowsPerPair: FLOWS_PER_PAIR,
    workers: WORKERS,
    seconds: SECONDS,
    readerUrl: readerUrl(KIT_DB),
  },
  kitServer.child,
  KIT_DB,
  {
    label: 'kit (Technical Assistance flow, 10 requests)',
    verifyRoutes: ['verifyAgentCode', 'verifyUserCode'],
    unit: 'one HTTP request of a flow',
  },
);
const floor = await measure(
  {
    target: 'floor',
    url: cluster.url(KIT_DB),
    pairs: kitServer.ready.pairs.slice(0, WORKERS),
    ecosystemId,
    sessions: 50_000,
    workers: WORKERS,
    seconds: Math.ceil(SECONDS / 2),
    readerUrl: readerUrl(KIT_DB),
  },
  null,
  KIT_DB,
  {
    label: 'floor (INSERT code + conditional UPDATE…RETURNING)',
    verifyRoutes: ['pair'],
    unit: 'one pair of statements',
  },
);
await stopServer(kitServer.child);

// ------------------------------------------------------------------ the reference

let reference: Measured | null = null;
try {
  const refServer = await startServer('reference-server.ts', { BENCH_DB_URL: cluster.url(REFERENCE_DB) });
  reference = await measure(
    {
      target: 'reference',
      base: `http://127.0.0.1:${refServer.ready.port}/api/auth`,
      emails: Array.from({ length: WORKERS * 4 }, (_, i) => `reference-user-${i}@example.com`),
      workers: WORKERS,
      seconds: SECONDS,
      readerUrl: readerUrl(REFERENCE_DB),
    },
    refServer.child,
    REFERENCE_DB,
    {
      label: 'better-auth 1.7.25 emailOTP (send + wrong + sign-in)',
      verifyRoutes: ['signIn'],
      unit: 'one HTTP request of a sign-in',
    },
  );
  await stopServer(refServer.child);
} catch (error) {
  console.error(`reference not measured: ${(error as Error).message}`);
}
await admin.end();

// ------------------------------------------------------------------ report

const all = [kit, ...(reference ? [reference] : []), floor];
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const body = [
  `Load average (1 / 5 / 15 min) at start: ${load(loadAtStart)}; at the end: ${load(loadavg())} (other work on the machine skews every figure).`,
  '',
  `PostgreSQL 15, fsync on, one throw-away cluster for all three; ${WORKERS} concurrent clients in a separate load-driver process (keep-alive node:http Agent), each running whole flows one after another; ${SECONDS} s measured per side after a warm-up (the floor: ${Math.ceil(SECONDS / 2)} s). Both servers run alone in their own process with a pool of 10 connections. Kit limits raised within core's bounds (${Object.entries(
    BENCH_LIMITS,
  )
    .map(([k, v]) => `${k}=${v}`)
    .join(
      ', ',
    )}); better-auth with its defaults (its in-memory rate limit is off outside production). Codes are read from the database by a separate role, left out of the counts.`,
  '',
  "Per request: statements = pg_stat_statements calls (top level, BEGIN/COMMIT included) of the side's database and role over the run ÷ requests; PostgreSQL CPU = utime + stime of the postmaster and all its children from /proc, code readers excluded ÷ requests; server CPU = process.cpuUsage() of the server process ÷ requests. The floor's \"request\" is one pair of statements and it has no server (its driver's CPU is in the facts below). Verify = the kit's two code verifies, the reference's correct sign-in, the floor's pair.",
  '',
  ...summaryTable(kit, reference, floor),
  '',
  '### Latency per route (ms, measured by the driver: request written → last byte read)',
  '',
  ...routeTable(all),
  '',
  '### Runs',
  '',
  ...runFacts(all),
  '',
  `5xx responses in total: ${all.reduce((n, m) => n + m.result.errors5xx, 0)} (must be 0).`,
  '',
  '### Statements run most (calls per request)',
  '',
  ...statementTable(all),
];
console.log(writeResult('server', '## Server throughput and cost per request (PostgreSQL 15)', body));
process.exit(0);
