import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import {
  createEmbeddedSupportServer,
  DEMO,
  type EmbeddedSupportServer,
  type EmbeddedSupportServerOptions,
  pgliteDatabase,
} from '../src/embedded.js';
import type { LogFields, Logger, SqlDatabase } from '../src/index.js';
import { postgresDatabase } from '../src/postgres.js';

export { DEMO };

export const BASE = 'https://support.example';
export const BACKOFFICE = 'https://backoffice.example';
export const HMAC_KEY = 'test-hmac-key-0123456789-abcdefghijklmnop';
export const T0 = new Date('2026-03-02T10:00:00.000Z');

export class TestClock {
  constructor(public at: Date = new Date(T0)) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at = new Date(this.at.getTime() + seconds * 1000);
  }
}

export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private push(level: string, message: string, fields?: LogFields) {
    this.lines.push(JSON.stringify({ level, message, ...fields }));
  }
  debug(message: string, fields?: LogFields) {
    this.push('debug', message, fields);
  }
  info(message: string, fields?: LogFields) {
    this.push('info', message, fields);
  }
  warn(message: string, fields?: LogFields) {
    this.push('warn', message, fields);
  }
  error(message: string, fields?: LogFields) {
    this.push('error', message, fields);
  }
}

const pgTemplate = inject('pgTemplate');

/** Which database the suite runs on: PGlite (default) or PostgreSQL (WAIZANT_TEST_PG_URL). */
export const BACKEND: 'pglite' | 'postgres' = pgTemplate ? 'postgres' : 'pglite';

interface TestDatabase extends SqlDatabase {
  /** Another, independent connection to the same data (a second instance, or a restart). */
  reopen(): Promise<SqlDatabase>;
}

const createdDatabases: string[] = [];

function pgUrl(database: string): string {
  const url = new URL(pgTemplate!.url);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh copy of the migrated + seeded database built once by the global setup. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (pgTemplate) {
    const name = `waizant_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgTemplate.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate.template}`);
    } finally {
      await admin.end();
    }
    createdDatabases.push(name);
    const open = () => postgresDatabase(new pg.Pool({ connectionString: pgUrl(name), max: 10 }));
    return Object.assign(open(), { reopen: async () => open() });
  }
  const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
  const db = pgliteDatabase(pglite);
  // PGlite is in-process: a second instance shares it (closing happens once, through the first).
  return Object.assign(db, { reopen: async () => ({ ...db, close: async () => {} }) });
}

async function dropCreatedDatabases(): Promise<void> {
  if (!pgTemplate || createdDatabases.length === 0) return;
  const admin = new pg.Client({ connectionString: pgTemplate.url });
  await admin.connect();
  try {
    for (const name of createdDatabases.splice(0))
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Nothing to close: the template is a file or a template database. */
export async function closeTemplate(): Promise<void> {}

export interface Harness {
  server: EmbeddedSupportServer;
  clock: TestClock;
  logger: CapturingLogger;
  /** Every response body the tests saw (for the leakage check). */
  bodies: string[];
  call(method: 'GET' | 'POST', path: string, options?: CallOptions): Promise<ApiResponse>;
  as(agentId: string): Promise<Agent>;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
  headers: Headers;
}

export interface Agent {
  token: string;
  get(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

const servers = new Set<EmbeddedSupportServer>();

/** Closes `server` (and its database) in `closeAll`, like the servers `harness` builds. */
export function trackServer(server: EmbeddedSupportServer): void {
  servers.add(server);
}

export async function closeAll(): Promise<void> {
  for (const server of servers) await server.close();
  servers.clear();
  await dropCreatedDatabases();
}

export async function harness(options: Partial<EmbeddedSupportServerOptions> = {}): Promise<Harness> {
  const clock = new TestClock();
  const logger = new CapturingLogger();
  const database =
    options.database ?? (options.dataDir || options.pglite ? undefined : await freshDatabase());
  const server = await createEmbeddedSupportServer({
    ...(database ? { database } : {}),
    seed: !database && !options.pglite,
    clock,
    logger,
    secrets: { hmacKey: HMAC_KEY },
    origins: [BACKOFFICE],
    devRoutes: true,
    ...options,
  });
  servers.add(server);
  return wrap(server, clock, logger);
}

export function wrap(server: EmbeddedSupportServer, clock: TestClock, logger: CapturingLogger): Harness {
  const bodies: string[] = [];
  async function call(method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (method === 'POST') {
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['Content-Type'] = 'application/json';
      body = options.rawBody ?? JSON.stringify(options.body ?? {});
    }
    const response = await server.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }
  return {
    server,
    clock,
    logger,
    bodies,
    call,
    async as(agentId) {
      const token = await server.issueAgentToken(agentId);
      return {
        token,
        get: (path, headers) => call('GET', path, { token, headers }),
        post: (path, body, headers) => call('POST', path, { token, body, headers }),
      };
    },
  };
}

/** Reads the latest code e-mailed to `to`, like a person would. */
export async function latestCode(server: EmbeddedSupportServer, to: string): Promise<string> {
  const messages = await server.outbox(to);
  const code = messages[messages.length - 1]?.code;
  if (!code) throw new Error(`no code e-mailed to ${to}`);
  return code;
}

export async function count(server: EmbeddedSupportServer, table: string, where = 'true'): Promise<number> {
  const { rows } = await server.database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** A snapshot of every kit table, to prove a refused request changed nothing. */
export async function snapshot(server: EmbeddedSupportServer): Promise<string> {
  const parts: string[] = [];
  for (const table of [
    'support_sessions',
    'support_codes',
    'support_handoffs',
    'support_outbox',
    'support_idempotency',
  ]) {
    const { rows } = await server.database.query(`SELECT * FROM ${table} ORDER BY 1`);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

/** Opens a technical-assistance session up to (and including) the agent's verification. */
export async function openTechnicalSession(
  h: Harness,
  agent: Agent,
  user: { id: string; email: string },
  ecosystemId: string = DEMO.ecosystems.perez.id,
  agentEmail: string = DEMO.agents.ana.email,
): Promise<string> {
  const created = await agent.post('/sessions', { flow: 'technical-assistance', userId: user.id });
  if (created.status !== 201) throw new Error(`create ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const selected = await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId });
  if (selected.status !== 200) throw new Error(`select ${JSON.stringify(selected.body)}`);
  const sent = await agent.post(`/sessions/${id}/agent-code`);
  if (sent.status !== 200) throw new Error(`send ${JSON.stringify(sent.body)}`);
  const verified = await agent.post(`/sessions/${id}/agent-code/verify`, {
    code: await latestCode(h.server, agentEmail),
  });
  if (verified.status !== 200) throw new Error(`verify ${JSON.stringify(verified.body)}`);
  return id;
}

/** …and the user's verification: the session is in step `verified`. */
export async function verifiedTechnicalSession(
  h: Harness,
  agent: Agent,
  user: { id: string; email: string },
  ecosystemId: string = DEMO.ecosystems.perez.id,
): Promise<string> {
  const id = await openTechnicalSession(h, agent, user, ecosystemId);
  await agent.post(`/sessions/${id}/user-code`);
  const verified = await agent.post(`/sessions/${id}/user-code/verify`, {
    code: await latestCode(h.server, user.email),
  });
  if (verified.status !== 200 || verified.body.step !== 'verified')
    throw new Error(`user verify ${JSON.stringify(verified.body)}`);
  return id;
}
