import { createServer, type Server, type Socket } from 'node:net';
import { SupportError } from '@waizant/support-core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddedSupportServer,
  type EmbeddedSupportServer,
  type Notification,
  type Notifier,
  openPostgresDatabase,
  outboxNotifier,
  type SqlDatabase,
} from '../src/index.js';
import { CapturingLogger, count, DEMO, HMAC_KEY, latestCode, TestClock } from './helpers.js';
import { HttpClient, type Listening, listen } from './support/http.js';
import { type Cluster, startCluster } from './support/pg-cluster.mjs';
import { ownClusterAvailable } from './support/require-postgres.js';

// PostgreSQL stopped under a running server and started again. The cluster belongs to this file
// (never the suite's), so it can be stopped; it runs in both the PGlite and the PostgreSQL run.
const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;

describe.runIf(ownClusterAvailable('faults-postgres.test.ts'))('PostgreSQL stopped mid-flow', () => {
  let cluster: Cluster;
  let database: SqlDatabase;
  let server: EmbeddedSupportServer;
  let http: Listening;
  const client = new HttpClient();
  const clock = new TestClock();
  const logger = new CapturingLogger();
  /** Every message the notifier handed on ("the e-mail went out"), in order. */
  const delivered: Notification[] = [];
  /** Runs once, inside the notifier, after the message went out and before the transaction commits. */
  let afterDelivery: (() => Promise<void>) | null = null;
  const connectionErrors: string[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
    database = await openPostgresDatabase(cluster.url(), {
      connectionTimeoutMillis: 1_000,
      statementTimeoutMillis: 2_000,
      queryTimeoutMillis: 3_000,
      onIdleClientError: (error) => connectionErrors.push(error.message),
    });
    const outbox = outboxNotifier(database, clock);
    const notifier: Notifier = {
      async send(message, context) {
        await outbox.send(message, context);
        delivered.push(message);
        const hook = afterDelivery;
        afterDelivery = null;
        await hook?.();
      },
    };
    server = await createEmbeddedSupportServer({
      database,
      seed: true,
      clock,
      logger,
      notifier,
      secrets: { hmacKey: HMAC_KEY },
    });
    http = await listen(server);
  });

  // A failed test must not leave the next one without its server.
  afterEach(() => cluster?.start());

  afterAll(async () => {
    client.close();
    await http?.close();
    await server?.close();
    cluster?.destroy();
    if (timings.length) console.info(`[observed, not asserted] ${timings.join('; ')}`);
  });

  async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await fn();
    timings.push(`${label}: ${Math.round(performance.now() - started)} ms`);
    return result;
  }

  async function sessionRow(id: string) {
    const { rows } = await database.query<{ step: string; code_sends: number; code_attempts: number }>(
      'SELECT step, code_sends, code_attempts FROM support_sessions WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  it('answers 503 upstream_unavailable while it is down, and the same session goes on after the restart', async () => {
    const token = await server.issueAgentToken(ana.id);
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      client.call(http.base, method, path, { token, body });
    const id = (await call('POST', '/sessions', { flow: 'technical-assistance', userId: admin.id })).body
      .id as string;
    await call('POST', `/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    expect((await call('POST', `/sessions/${id}/agent-code`)).status).toBe(200);
    const agentCode = await latestCode(server, ana.email);
    expect((await call('POST', `/sessions/${id}/agent-code/verify`, { code: agentCode })).status).toBe(200);
    const before = await sessionRow(id);

    cluster.stop('fast');
    const during = [
      await timed('GET session while down', () => call('GET', `/sessions/${id}`)),
      await timed('send user code while down', () => call('POST', `/sessions/${id}/user-code`)),
      await timed('verify while down', () =>
        call('POST', `/sessions/${id}/user-code/verify`, { code: '123456' }),
      ),
      await timed('lookup while down', () => call('POST', '/lookup', { email: admin.email })),
    ];
    for (const response of during) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        error: { code: 'upstream_unavailable', message: 'The database is unavailable; try again.' },
      });
    }
    expect(delivered.map((m) => m.kind)).toEqual(['agent_code']);

    cluster.start();
    expect(await sessionRow(id)).toEqual(before);
    const sent = await timed('send user code after restart', () => call('POST', `/sessions/${id}/user-code`));
    expect(sent.status).toBe(200);
    const verified = await call('POST', `/sessions/${id}/user-code/verify`, {
      code: await latestCode(server, admin.email),
    });
    expect(verified.body.step).toBe('verified');
    // One e-mail per code, each consumed once.
    expect(delivered.map((m) => m.kind)).toEqual(['agent_code', 'user_code']);
    expect(await count(server, 'support_outbox')).toBe(2);
    expect(await count(server, 'support_codes', `session_id = '${id}' AND consumed_at IS NOT NULL`)).toBe(2);
    expect(await count(server, 'support_codes', `session_id = '${id}'`)).toBe(2);
    expect(connectionErrors.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(agentCode);
  });

  it('a connection lost inside the send-code transaction leaves nothing half-written; a new send works', async () => {
    const token = await server.issueAgentToken(ana.id);
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      client.call(http.base, method, path, { token, body });
    const id = (await call('POST', '/sessions', { flow: 'technical-assistance', userId: admin.id })).body
      .id as string;
    await call('POST', `/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    const view = (await call('GET', `/sessions/${id}`)).body;
    const outboxBefore = await count(server, 'support_outbox');
    const sentBefore = delivered.length;

    // The e-mail goes out, then the server stops before the audit row and the COMMIT; the
    // notifier is still busy (like a slow Lambda) when the idle connection is cut.
    afterDelivery = async () => {
      cluster.stop('fast');
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    const failed = await call('POST', `/sessions/${id}/agent-code`);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('upstream_unavailable');
    expect(delivered.length).toBe(sentBefore + 1);
    const lostMail = delivered.at(-1)!;

    cluster.start();
    // Rolled back as a whole: no send counted, no live code row, no outbox row, no audit of a send.
    expect((await call('GET', `/sessions/${id}`)).body).toEqual(view);
    expect(await sessionRow(id)).toMatchObject({ step: 'agent_code', code_sends: 0, code_attempts: 0 });
    expect(await count(server, 'support_codes', `session_id = '${id}'`)).toBe(0);
    expect(await count(server, 'support_outbox')).toBe(outboxBefore);
    expect(await count(server, 'support_outbox', `issue_id = '${lostMail.issueId}'`)).toBe(0);

    const resent = await call('POST', `/sessions/${id}/agent-code`);
    expect(resent.status).toBe(200);
    expect(resent.body.code.resendsLeft).toBe(3);
    const fresh = delivered.at(-1)!;
    expect(fresh.issueId).not.toBe(lostMail.issueId);
    // The lost e-mail's code was never stored: it cannot verify; the new one does.
    const lostCode = /code is: (\d+)/.exec(lostMail.text)![1]!;
    const freshCode = /code is: (\d+)/.exec(fresh.text)![1]!;
    if (lostCode !== freshCode) {
      const stale = await call('POST', `/sessions/${id}/agent-code/verify`, { code: lostCode });
      expect(stale.body.error.code).toBe('code_invalid');
    }
    const ok = await call('POST', `/sessions/${id}/agent-code/verify`, { code: freshCode });
    expect(ok.body.step).toBe('user_code');
  });

  it('correct codes racing while the database is slow: one 200, the others 409, the session is not locked', async () => {
    const token = await server.issueAgentToken(ana.id);
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      client.call(http.base, method, path, { token, body });
    const id = (await call('POST', '/sessions', { flow: 'technical-assistance', userId: admin.id })).body
      .id as string;
    await call('POST', `/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
    expect((await call('POST', `/sessions/${id}/agent-code`)).status).toBe(200);
    const code = await latestCode(server, ana.email);

    // A slow database, made deterministic: another connection holds the code row's lock, so
    // whichever request reaches the consuming statement waits there.
    const side = new pg.Client({ connectionString: cluster.url() });
    await side.connect();
    const N = 8;
    let settled = 0;
    try {
      await side.query('BEGIN');
      await side.query('SELECT 1 FROM support_codes WHERE session_id = $1 FOR UPDATE', [id]);
      const racing = Array.from({ length: N }, () =>
        call('POST', `/sessions/${id}/agent-code/verify`, { code }).finally(() => settled++),
      );
      // Release once every request has either answered or is waiting on a lock.
      const until = Date.now() + 20_000;
      for (;;) {
        // pg_stat_activity is a snapshot per transaction: clear it, the side transaction is open.
        await side.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await side.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if ((rows[0]!.n > 0 && rows[0]!.n + settled >= N) || Date.now() > until) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await side.query('COMMIT');
      const results = await Promise.all(racing);
      const seen: Record<string, number> = {};
      for (const r of results) {
        const key = `${r.status} ${r.body.error?.code ?? 'ok'}`;
        seen[key] = (seen[key] ?? 0) + 1;
      }
      expect(seen).toEqual({ '200 ok': 1, '409 wrong_step': N - 1 });
    } finally {
      await side.end();
    }
    expect(await sessionRow(id)).toMatchObject({ step: 'user_code', code_attempts: 0 });
    expect(await count(server, 'support_audit', "action = 'session.lock'")).toBe(0);
  });

  it('a statement past statement_timeout is upstream_unavailable; a wrong statement stays an internal error', async () => {
    const slow = await database.query('SELECT pg_sleep(5)').then(
      () => null,
      (e: unknown) => e,
    );
    expect(slow).toBeInstanceOf(SupportError);
    expect((slow as SupportError).code).toBe('upstream_unavailable');
    const wrong = await database.query('SELECT no_such_column FROM support_sessions').then(
      () => null,
      (e: unknown) => e,
    );
    expect(wrong).not.toBeInstanceOf(SupportError);
    expect((wrong as { code?: string }).code).toBe('42703');
    const inTransaction = await database
      .transaction((tx) => tx.query('SELECT pg_sleep(5)'))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((inTransaction as SupportError).code).toBe('upstream_unavailable');
    expect((await database.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('a database server that accepts connections and never answers', () => {
  let blackhole: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    blackhole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  it('fails each call with upstream_unavailable after connectionTimeoutMillis instead of hanging', async () => {
    const { port } = blackhole.address() as { port: number };
    const db = await openPostgresDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, {
      connectionTimeoutMillis: 300,
    });
    try {
      for (const attempt of [
        () => db.query('SELECT 1'),
        () => db.transaction((tx) => tx.query('SELECT 1')),
      ]) {
        const error = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SupportError);
        expect((error as SupportError).code).toBe('upstream_unavailable');
      }
    } finally {
      await db.close();
    }
  });
});
