import { createHash } from 'node:crypto';
import { SupportError } from '@waizant/support-core';
import type { Pool, PoolClient, PoolConfig, QueryConfig } from 'pg';
import { BoundedMap } from '../../bounded-map.js';
import type { SqlDatabase, SqlExecutor } from '../../ports/index.js';

/** SQLSTATEs that mean "the server or the connection is gone", not "this statement is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (fast or immediate stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '57014', // query_canceled (statement_timeout)
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
]);

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Messages node-postgres uses for a lost connection or a client-side timeout (they carry no code). */
const UNAVAILABLE_MESSAGES =
  /connection terminated|terminating connection|timeout exceeded when trying to connect|query read timeout|not queryable|connection error|server closed the connection/i;

/**
 * Whether `error` is a connection-class failure (server down, restarting, unreachable, or a
 * timeout we configured): the request may succeed later, so the client gets 503, not 500.
 */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))
    return true;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.test(message);
}

function unavailable(): SupportError {
  // No driver message: it may name hosts, users or statements (docs: no internals to clients).
  return new SupportError('upstream_unavailable', 'The database is unavailable; try again.');
}

/** Rethrows connection-class errors as `upstream_unavailable`; other SQL errors stay internal. */
function mapError(error: unknown, onError?: (error: Error) => void): never {
  if (isConnectionError(error)) {
    onError?.(error as Error);
    throw unavailable();
  }
  throw error;
}

/**
 * Statements with parameters run as named (prepared) statements: each connection parses and plans
 * a text once, then only binds and executes it, which halves PostgreSQL's work for the kit's
 * larger statements. The name is a digest of the text, so the same text has the same name on
 * every connection and in every instance.
 */
const statementNames = new BoundedMap<string, string>(2_000);

function statement(text: string, params: readonly unknown[] | undefined, prepared: boolean): QueryConfig {
  const values = params ? [...params] : [];
  if (!prepared || values.length === 0) return { text, values };
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `w${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/**
 * A statement prepared before a migration changed a table it returns whole (`RETURNING *`): the
 * server refuses to run it again on that connection (SQLSTATE 0A000). Seen while instances of the
 * previous version run beside a migrated schema; the connection is dropped and the work retried.
 */
function isStalePlan(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === '0A000' &&
    'message' in error &&
    typeof error.message === 'string' &&
    /cached plan must not change result type/i.test(error.message)
  );
}

class StalePlan extends Error {}

function executor(
  client: PoolClient,
  onError?: (error: Error) => void,
  prepared = true,
): SqlExecutor & { statements: number } {
  const exec = {
    statements: 0,
    query: async <R extends object>(text: string, params?: readonly unknown[]) => {
      exec.statements += 1;
      try {
        const result = await client.query<R>(statement(text, params, prepared));
        return { rows: result.rows };
      } catch (error) {
        if (isStalePlan(error)) throw new StalePlan();
        mapError(error, onError);
      }
    },
  };
  return exec;
}

export interface PostgresDatabaseOptions {
  /** End the pool on `close()` (default true). */
  readonly endPoolOnClose?: boolean;
  /** Called with each connection-class error (a pooled client lost, a statement cut); for logs and metrics. */
  readonly onIdleClientError?: (error: Error) => void;
  /**
   * Run statements with parameters as named prepared statements (default true). Turn it off
   * behind a pooler that does not keep them per client, such as PgBouncer in transaction mode
   * without `max_prepared_statements`.
   */
  readonly preparedStatements?: boolean;
}

/**
 * The `SqlDatabase` port over a `pg.Pool` (PostgreSQL 15+). Transactions run on one pooled
 * client between BEGIN and COMMIT (READ COMMITTED: the services' statements are atomic on their own).
 * Connection-class errors become `SupportError('upstream_unavailable')` (503); a client that saw
 * one is destroyed, never returned to the pool.
 */
export function postgresDatabase(pool: Pool, options: PostgresDatabaseOptions = {}): SqlDatabase {
  const onError = options.onIdleClientError;
  const prepare = options.preparedStatements ?? true;
  // An idle pooled client can lose its connection (restart, failover): the pool drops it; do not crash.
  pool.on('error', (error) => onError?.(error));

  async function connect(): Promise<PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      mapError(error, onError);
    }
  }

  /** One statement on a pooled connection; a stale prepared statement drops it and runs once more unprepared. */
  async function query<R extends object>(text: string, params?: readonly unknown[], prepared = true) {
    const client = await connect();
    let broken: Error | undefined;
    try {
      return await executor(
        client,
        (error) => {
          broken = error;
          onError?.(error);
        },
        prepared,
      ).query<R>(text, params);
    } catch (error) {
      if (!(error instanceof StalePlan)) throw error;
      broken = error;
      return query<R>(text, params, false);
    } finally {
      client.release(broken);
    }
  }

  /**
   * `fn` between BEGIN and COMMIT on one pooled connection. When its first statement meets a stale
   * prepared statement nothing has happened yet, so it runs once more, unprepared, on another
   * connection; a later one fails as unavailable (503), after a rollback.
   */
  async function transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, prepared = true): Promise<T> {
    const client = await connect();
    // A checked-out client has no pool listener: without this one, a connection lost between
    // two statements (while `fn` awaits the notifier, say) would be an uncaught 'error' event.
    let broken: Error | undefined;
    const onClientError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onClientError);
    const tx = executor(
      client,
      (error) => {
        onClientError(error);
        onError?.(error);
      },
      prepared,
    );
    try {
      await tx.query('BEGIN');
      const result = await fn({ query: tx.query });
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      // A lost connection rolls the transaction back on the server; ROLLBACK would only wait.
      if (!broken) {
        await client.query('ROLLBACK').catch((rollback: unknown) => {
          broken = rollback as Error;
        });
      }
      if (error instanceof StalePlan) {
        broken ??= error;
        // Past BEGIN and the first statement of `fn`, part of `fn` has run: not run again.
        if (tx.statements > 2) throw unavailable();
      } else if (error instanceof SupportError) throw error;
      else mapError(error, onError);
    } finally {
      client.removeListener('error', onClientError);
      // Released with the error, the pool destroys the client instead of reusing a dead connection.
      client.release(broken);
    }
    // Every other way out returns or throws above: only a stale first statement gets here.
    return transaction(fn, false);
  }

  return {
    query: (text, params) => query(text, params, prepare),
    transaction: (fn) => transaction(fn, prepare),
    async close() {
      if (options.endPoolOnClose ?? true) await pool.end();
    },
  };
}

export interface OpenPostgresOptions extends PostgresDatabaseOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** How long to wait for a new connection before 503 (default 5 s). */
  readonly connectionTimeoutMillis?: number;
  /** Server-side cap on one statement (default 10 s). */
  readonly statementTimeoutMillis?: number;
  /** Client-side cap on one statement, for a server that stopped answering (default 15 s). */
  readonly queryTimeoutMillis?: number;
  /**
   * Server-side cap on an idle open transaction (default 60 s). A transaction stays open while
   * the notifier sends a code, so keep this above the notifier's worst case (retries included).
   */
  readonly idleInTransactionTimeoutMillis?: number;
  /** Close pooled connections idle this long (default 30 s). */
  readonly idleTimeoutMillis?: number;
}

export const POSTGRES_DEFAULTS = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  statementTimeoutMillis: 10_000,
  queryTimeoutMillis: 15_000,
  idleInTransactionTimeoutMillis: 60_000,
  idleTimeoutMillis: 30_000,
} as const;

/** The `pg.Pool` configuration `openPostgresDatabase` uses: every wait bounded. */
export function postgresPoolConfig(connectionString: string, options: OpenPostgresOptions = {}): PoolConfig {
  const o = { ...POSTGRES_DEFAULTS, ...options };
  return {
    connectionString,
    max: o.max,
    connectionTimeoutMillis: o.connectionTimeoutMillis,
    statement_timeout: o.statementTimeoutMillis,
    query_timeout: o.queryTimeoutMillis,
    idle_in_transaction_session_timeout: o.idleInTransactionTimeoutMillis,
    idleTimeoutMillis: o.idleTimeoutMillis,
    keepAlive: true,
  };
}

/**
 * Opens a pool on a connection string and wraps it (the pool is ended on `close()`). The second
 * argument is the pool size or the options; every wait has a bound, so a database that is down
 * answers 503 within `connectionTimeoutMillis` instead of hanging requests.
 */
export async function openPostgresDatabase(
  connectionString: string,
  options: number | OpenPostgresOptions = {},
): Promise<SqlDatabase> {
  const { default: pg } = await import('pg');
  const resolved = typeof options === 'number' ? { max: options } : options;
  const pool = new pg.Pool(postgresPoolConfig(connectionString, resolved));
  return postgresDatabase(pool, resolved);
}
