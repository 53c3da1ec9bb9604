// The load generator, alone in its process: `workers` concurrent clients, each running whole
// flows one after another over one keep-alive node:http Agent. Protocol with bench/server.ts:
// job → (set up, warm up) → `warm` → `go` → (measured run) → `done`. The codes e-mailed are read
// from the database by a read-only role whose statements and backend CPU are not counted.
import {
  type FlowCall,
  technicalAssistanceFlow,
} from '../../packages/server-adapter/test/support/mixed-load.js';
import { pg } from '../lib.js';
import { floorPair, floorSessions } from './floor.js';
import { type DriverJob, type DriverMessage, nextMessage, ownCpuMs } from './ipc.js';
import { httpClient, Recorder, timedPost } from './recorder.js';

type Job<T extends DriverJob['target']> = Extract<DriverJob, { target: T }>;
/** Runs one unit (a flow, a pair) for `worker`; false when it has none left. */
type Unit = (worker: number, index: number) => Promise<boolean>;

const send = (m: DriverMessage) => process.send?.(m);

/**
 * A code reader on one connection kept open (a pool of one queues the workers' reads); its
 * backend's pid is reported so that its CPU is left out.
 */
async function reader(url: string) {
  const client = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

async function kit(job: Job<'kit'>, rec: Recorder) {
  const { client: db, pid } = await reader(job.readerUrl);
  const http = httpClient(job.base, job.workers);
  const post = timedPost(rec, http);
  const codeFor = async (to: string) => {
    const { rows } = await db.query<{ body: string }>(
      'SELECT body FROM support_outbox WHERE to_address = $1 ORDER BY seq DESC LIMIT 1',
      [to],
    );
    const code = rows[0] ? /code is: (\d+)/.exec(rows[0].body)?.[1] : undefined;
    if (!code) throw new Error('no code e-mailed');
    return code;
  };
  const used = new Map<number, number>();
  const unit: Unit = async (worker, index) => {
    // Worker w owns pairs w, w + workers, …: no two workers share a mailbox.
    const mine = job.pairs.filter((_, i) => i % job.workers === worker);
    const k = index % mine.length;
    const pair = mine[k]!;
    const slot = worker * job.pairs.length + k;
    if ((used.get(slot) ?? 0) >= job.flowsPerPair) return false;
    used.set(slot, (used.get(slot) ?? 0) + 1);
    const call: FlowCall = (route, who, path, expected, body) =>
      post(route, path, expected, body ?? {}, who ? { authorization: `Bearer ${who.token}` } : {});
    const id = await technicalAssistanceFlow(call, codeFor, pair.agent, pair.user, job.ecosystemId);
    // The 10th request: the agent closes the session, as every real flow ends.
    await post(
      'complete',
      `/sessions/${id}/complete`,
      200,
      {},
      { authorization: `Bearer ${pair.agent.token}` },
    );
    return true;
  };
  return { unit, warmUnits: 2, readerPids: [pid], close: () => Promise.all([db.end(), http.close()]) };
}

async function reference(job: Job<'reference'>, rec: Recorder) {
  const { client: db, pid } = await reader(job.readerUrl);
  const http = httpClient(job.base, job.workers);
  const post = timedPost(rec, http);
  // better-auth refuses a POST without an Origin; a browser on the same origin sends this one.
  const origin = { origin: new URL(job.base).origin };
  const unit: Unit = async (worker, index) => {
    const mine = job.emails.filter((_, i) => i % job.workers === worker);
    const email = mine[index % mine.length]!;
    await post('sendOtp', '/email-otp/send-verification-otp', 200, { email, type: 'sign-in' }, origin);
    const { rows } = await db.query<{ value: string }>(
      'SELECT value FROM verification WHERE identifier = $1 ORDER BY "createdAt" DESC LIMIT 1',
      [`sign-in-otp-${email}`],
    );
    // Stored plain (the plugin's default) as `code:attempts`.
    const otp = rows[0]?.value.split(':')[0];
    if (!otp) throw new Error('no OTP stored');
    const wrong = otp === '000000' ? '000001' : '000000';
    await post('wrongOtp', '/sign-in/email-otp', 400, { email, otp: wrong }, origin);
    await post('signIn', '/sign-in/email-otp', 200, { email, otp }, origin);
    return true;
  };
  // Each e-mail once in the warm-up: the users exist (sign-up is not measured).
  const warmUnits = Math.ceil(job.emails.length / job.workers);
  return { unit, warmUnits, readerPids: [pid], close: () => Promise.all([db.end(), http.close()]) };
}

async function floor(job: Job<'floor'>, rec: Recorder) {
  const pool = new pg.Pool({ connectionString: job.url, max: job.workers, idleTimeoutMillis: 0 });
  const sessions = await floorSessions(pool, job.pairs, job.ecosystemId, job.sessions);
  let next = 0;
  const unit: Unit = async () => {
    const session = sessions[next++];
    if (!session) return false;
    const t = performance.now();
    await floorPair(pool, session);
    rec.record('pair', performance.now() - t, 200, 200);
    return true;
  };
  return { unit, warmUnits: 20, readerPids: [], close: () => pool.end() };
}

/** Runs `unit` on every worker until `deadline` (or until one has nothing left). */
async function drive(rec: Recorder, workers: number, unit: Unit, perWorker: number, deadline: number) {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < perWorker && performance.now() < deadline; i++) {
        try {
          if (!(await unit(worker, i))) return;
          if (rec.on) rec.units++;
        } catch (error) {
          rec.fail((error as Error).message);
        }
      }
    }),
  );
}

const job = await nextMessage<DriverJob, DriverJob>(process, (m) => m);
try {
  const rec = new Recorder();
  const target =
    job.target === 'kit'
      ? await kit(job, rec)
      : job.target === 'reference'
        ? await reference(job, rec)
        : await floor(job, rec);
  // Warm-up (JIT, connections, plans; the reference's users are signed up): not recorded.
  await drive(rec, job.workers, target.unit, target.warmUnits, Number.POSITIVE_INFINITY);
  const go = nextMessage<{ type: string }, true>(process, (m) => (m.type === 'go' ? true : undefined));
  send({ type: 'warm', readerPids: target.readerPids });
  await go;
  rec.on = true;
  const cpu0 = ownCpuMs();
  const t0 = performance.now();
  // Each worker's index goes on from the warm-up's, so the warm-up's pairs and e-mails are not reused first.
  await drive(
    rec,
    job.workers,
    (w, i) => target.unit(w, i + target.warmUnits),
    Number.MAX_SAFE_INTEGER,
    t0 + job.seconds * 1000,
  );
  const result = rec.result((performance.now() - t0) / 1000, ownCpuMs() - cpu0);
  // Connections close only after the orchestrator has read the counters: a backend that exits
  // mid-reading would move its CPU between the processes it sums.
  const end = nextMessage<{ type: string }, true>(process, (m) => (m.type === 'end' ? true : undefined));
  send({ type: 'done', result });
  await end;
  await target.close();
} catch (error) {
  send({ type: 'failed', message: (error as Error).message });
}
process.disconnect?.();
