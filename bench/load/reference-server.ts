// The reference: better-auth's e-mail OTP sign-in, served by its own node:http handler in this
// process, on its own database of the benchmark's PostgreSQL cluster. The OTP "sender" sends
// nothing: the driver reads the code from better-auth's verification table (stored plain, the
// plugin's default), as it reads the kit's from its outbox.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { emailOTP } from 'better-auth/plugins/email-otp';
import { pg } from '../lib.js';
import { answerCommands, type ServerMessage } from './ipc.js';

const url = process.env.BENCH_DB_URL;
if (!url) throw new Error('BENCH_DB_URL is not set');

let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const http = createServer((req, res) => handle(req, res));
http.keepAliveTimeout = 30_000;
await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
const { port } = http.address() as AddressInfo;

// The same pool size as the kit's server; idle clients are kept so no backend starts mid-run.
const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 0 });
const auth = betterAuth({
  baseURL: `http://127.0.0.1:${port}`,
  secret: 'bench-reference-secret-0123456789-abcdefghijkl',
  database: pool,
  telemetry: { enabled: false },
  logger: { disabled: true },
  plugins: [
    emailOTP({
      async sendVerificationOTP() {
        // No mail: the driver reads the code from the database.
      },
    }),
  ],
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
handle = toNodeHandler(auth);

answerCommands(async () => {
  await new Promise((done) => http.close(done));
  http.closeAllConnections();
  await pool.end();
});
process.send?.({ type: 'ready', port, pairs: [] } satisfies ServerMessage);
