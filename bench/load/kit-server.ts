// The kit under test: the embedded server on the benchmark's PostgreSQL database, mounted with the
// real toNodeListener on node:http, alone in this process. It adds the bench agents and users
// and hands their tokens to the orchestrator; then it only serves and reports its CPU time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmbeddedSupportServer } from '../../packages/server-adapter/src/embedded.js';
import { toNodeListener } from '../../packages/server-adapter/src/http/node.js';
import { postgresDatabase } from '../../packages/server-adapter/src/postgres.js';
import { addPeople, BENCH_LIMITS, HMAC_KEY, pg } from '../lib.js';
import { answerCommands, type ServerMessage } from './ipc.js';

const url = process.env.BENCH_DB_URL;
const count = Number(process.env.BENCH_PAIRS ?? '8');
if (!url) throw new Error('BENCH_DB_URL is not set');

// Idle clients are kept so that no backend starts (and is counted) mid-run.
const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 0 });
const server = await createEmbeddedSupportServer({
  database: postgresDatabase(pool),
  secrets: { hmacKey: HMAC_KEY },
  limits: BENCH_LIMITS,
});
const people = await addPeople(server.database, count);
const pairs = await Promise.all(
  people.agents.map(async (agent, i) => ({
    agent: { ...agent, token: await server.issueAgentToken(agent.id) },
    user: people.users[i]!,
  })),
);

const http = createServer(toNodeListener(server.fetch));
http.keepAliveTimeout = 30_000;
await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
const { port } = http.address() as AddressInfo;

answerCommands(async () => {
  await new Promise((done) => http.close(done));
  http.closeAllConnections();
  await server.close();
});
process.send?.({ type: 'ready', port, pairs } satisfies ServerMessage);
