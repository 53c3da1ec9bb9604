// Soak: a steady mixed load (whole Technical Assistance flows, lookups, wrong codes, cancels) on
// a throw-away PostgreSQL 15 cluster for SOAK_MINUTES (default 10). The server runs in this
// process; the load generator in a child process, over keep-alive node:http to 127.0.0.1 only,
// bounded in request count and time. Every minute: RSS, heap, open handles, requests, 5xx,
// p50/p99. Writes bench/results/soak.md. Measures only; never asserts.
//
// Run: npx -y pnpm@12.4.2 bench:soak
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEmbeddedSupportServer, DEMO } from '../packages/server-adapter/src/embedded.js';
import { openPostgresDatabase, POSTGRES_DEFAULTS } from '../packages/server-adapter/src/postgres.js';
import { HttpClient, listen } from '../packages/server-adapter/test/support/http.js';
import {
  addLoadPeople,
  emptyTally,
  LOAD_LIMITS,
  type LoadAgent,
  type Person,
  runMixedLoad,
} from '../packages/server-adapter/test/support/mixed-load.js';
import { createDatabase, HMAC_KEY, ms, percentile, startCluster, writeResult } from './lib.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WORKERS = 8;
const PEOPLE = 400;
/** A ceiling far above what 10 minutes reach here: the load stops on time, or at this count. */
const MAX_REQUESTS = 2_000_000;
const MINUTE_MS = 60_000;

interface ChildConfig {
  base: string;
  agents: LoadAgent[];
  users: Person[];
  durationMs: number;
}

interface MinuteReport {
  type: 'minute' | 'done';
  requests: number;
  errors5xx: number;
  unexpected: number;
  p50: number;
  p99: number;
  samples: string[];
  scenarios: Record<string, number>;
}

// ---------------------------------------------------------------- the load generator (child)

async function child(config: ChildConfig): Promise<void> {
  const client = new HttpClient();
  const tally = emptyTally();
  let reported = 0;
  const report = (type: MinuteReport['type']) => {
    const sorted = tally.latencies.splice(0).sort((a, b) => a - b);
    const message: MinuteReport = {
      type,
      requests: tally.requests - reported,
      errors5xx: tally.errors5xx,
      unexpected: tally.unexpected,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      samples: tally.samples,
      scenarios: tally.scenarios,
    };
    reported = tally.requests;
    process.send?.(message);
  };
  const timer = setInterval(() => report('minute'), MINUTE_MS);
  await runMixedLoad(
    {
      base: config.base,
      agents: config.agents,
      users: config.users,
      ecosystemId: DEMO.ecosystems.perez.id,
      concurrency: WORKERS,
      maxRequests: MAX_REQUESTS,
      deadline: performance.now() + config.durationMs,
      client,
    },
    tally,
  );
  clearInterval(timer);
  client.close();
  report('done');
}

// ---------------------------------------------------------------- the server (parent)

interface Row {
  minute: string;
  rssMb: number;
  heapMb: number;
  handles: number;
  sockets: number;
  requests: number;
  errors5xx: number;
  p50: number;
  p99: number;
}

function resources(): { total: number; tcp: number } {
  const all = process.getActiveResourcesInfo();
  return { total: all.length, tcp: all.filter((t) => t === 'TCPSocketWrap').length };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function parent(): Promise<void> {
  const cluster = await startCluster();
  if (!cluster) {
    console.error('PostgreSQL 15 binaries not found (PG_BIN): the soak needs PostgreSQL.');
    process.exit(1);
  }
  const database = await openPostgresDatabase(await createDatabase(cluster, 'waizant_soak'));
  const server = await createEmbeddedSupportServer({
    database,
    secrets: { hmacKey: HMAC_KEY },
    limits: LOAD_LIMITS,
    devRoutes: true,
  });
  const { agents, users } = await addLoadPeople(database, PEOPLE, DEMO.ecosystems.perez.id);
  const withTokens: LoadAgent[] = [];
  for (const agent of agents)
    withTokens.push({
      ...agent,
      token: await server.issueAgentToken(agent.id, { expiresInSeconds: 3 * 3600 }),
    });
  const http = await listen(server);

  const rows: Row[] = [];
  const sample = (minute: string, r: Pick<Row, 'requests' | 'errors5xx' | 'p50' | 'p99'>) => {
    const memory = process.memoryUsage();
    const row: Row = {
      minute,
      rssMb: mb(memory.rss),
      heapMb: mb(memory.heapUsed),
      handles: resources().total,
      sockets: http.openSockets(),
      ...r,
    };
    rows.push(row);
    console.log(
      `${row.minute.padEnd(6)} rss ${row.rssMb} MB  heap ${row.heapMb} MB  handles ${row.handles}  http sockets ${row.sockets}  requests ${row.requests}  5xx ${row.errors5xx}  p50 ${ms(row.p50)} ms  p99 ${ms(row.p99)} ms`,
    );
  };
  sample('start', { requests: 0, errors5xx: 0, p50: Number.NaN, p99: Number.NaN });
  const startTcp = resources().tcp;

  const started = performance.now();
  const load = fork(fileURLToPath(import.meta.url), ['--load-generator'], { stdio: 'inherit' });
  let last: MinuteReport | undefined;
  let minute = 0;
  let totalRequests = 0;
  const done = new Promise<void>((resolve, reject) => {
    load.on('message', (message: MinuteReport) => {
      totalRequests += message.requests;
      if (message.type === 'minute') minute++;
      sample(message.type === 'minute' ? String(minute) : 'end', message);
      last = message;
      if (message.type === 'done') resolve();
    });
    load.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load generator exited ${code}`))));
  });
  load.send({
    base: http.base,
    agents: withTokens,
    users,
    durationMs: MINUTES * MINUTE_MS,
  } satisfies ChildConfig);
  await done;
  const seconds = (performance.now() - started) / 1000;

  // After the load: keep-alive sockets close with the child; idle pooled connections after their timeout.
  const until = Date.now() + POSTGRES_DEFAULTS.idleTimeoutMillis + 10_000;
  while ((http.openSockets() > 0 || resources().tcp > startTcp) && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 250));
  sample('after', { requests: 0, errors5xx: 0, p50: Number.NaN, p99: Number.NaN });

  const outboxRows = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM support_outbox');
  const sessions = await database.query<{ step: string; n: number }>(
    'SELECT step, count(*)::int AS n FROM support_sessions GROUP BY step ORDER BY step',
  );
  await http.close();
  await server.close();
  cluster.stop();

  const start = rows[0]!;
  const after = rows.at(-1)!;
  const body = [
    `${MINUTES} minutes of steady mixed load on PostgreSQL 15 (throw-away cluster, pool ${POSTGRES_DEFAULTS.max}),`,
    `${WORKERS} concurrent workers in a child process over keep-alive node:http to 127.0.0.1; ${PEOPLE} agents and users,`,
    'limits raised as in bench:server. Scenarios in turn: whole Technical Assistance flow (lookup → … → redeem → GET → complete,',
    'codes read from the dev outbox), two lookups, two wrong codes then cancel, flow, open-and-cancel.',
    'Handles: `process.getActiveResourcesInfo()` of the server process; http sockets: connections the server holds.',
    '',
    '| minute | RSS (MB) | heap used (MB) | open handles | http sockets | requests | 5xx (total) | p50 (ms) | p99 (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.minute} | ${r.rssMb} | ${r.heapMb} | ${r.handles} | ${r.sockets} | ${r.requests} | ${r.errors5xx} | ${ms(r.p50)} | ${ms(r.p99)} |`,
    ),
    '',
    `Total: ${totalRequests} requests in ${seconds.toFixed(0)} s (${(totalRequests / seconds).toFixed(0)}/s), 5xx ${last?.errors5xx ?? '–'}, other unexpected answers ${last?.unexpected ?? '–'}${last?.samples.length ? ` (${last.samples.join('; ')})` : ''}.`,
    `Scenarios completed: ${JSON.stringify(last?.scenarios ?? {})}.`,
    `RSS ${start.rssMb} → ${after.rssMb} MB; heap ${start.heapMb} → ${after.heapMb} MB; open handles ${start.handles} → ${after.handles}; http sockets ${start.sockets} → ${after.sockets} (start = before the load, after = once the load stopped and idle connections closed).`,
    `Outbox rows: ${outboxRows.rows[0]?.n}; sessions by step: ${sessions.rows.map((s) => `${s.step} ${s.n}`).join(', ')}.`,
  ];
  console.log(`\n${writeResult('soak', '## Soak (PostgreSQL 15, mixed load)', body)}`);
}

if (process.argv.includes('--load-generator')) {
  process.once('message', (config: ChildConfig) => {
    child(config).then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  await parent();
}
