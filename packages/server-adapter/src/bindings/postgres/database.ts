import { SupportError } from '@waizant/support-core';
import type { Pool, PoolClient, PoolConfig } from 'pg';
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

function executor(client: Pool | PoolClient, onError?: (error: Error) => void): SqlExecutor {
  return {
    query: async (text, params) => {
      try {
        const result = await client.query(text, params ? [...params] : []);
        return { rows: result.rows };
      } catch (error) {
        mapError(error, onError);
      }
    },
  };
}

export interface PostgresDatabaseOptions {
  /** End the pool on `close()` (default true). */
  readonly endPoolOnClose?: boolean;
  /** Called with each connection-class error (a pooled client lost, a statement cut); for logs and metrics. */
  readonly onIdleClientError?: (error: Error) => void;
}

/**
 * The `SqlDatabase` port over a `pg.Pool` (PostgreSQL 15+). Transactions run on one pooled
 * client between BEGIN and COMMIT (READ COMMITTED: the services' statements are atomic on their own).
 * Connection-class errors become `SupportError('upstream_unavailable')` (503); a client that saw
 * one is destroyed, never returned to the pool.
 */
export function postgresDatabase(pool: Pool, options: PostgresDatabaseOptions = {}): SqlDatabase {
  const onError = options.onIdleClientError;
  const base = executor(pool, onError);
  // An idle pooled client can lose its connection (restart, failover): the pool drops it; do not crash.
  pool.on('error', (error) => onError?.(error));
  return {
    query: base.query,
    async transaction(fn) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        mapError(error, onError);
      }
      // A checked-out client has no pool listener: without this one, a connection lost between
      // two statements (while `fn` awaits the notifier, say) would be an uncaught 'error' event.
      let broken: Error | undefined;
      const onClientError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onClientError);
      const tx = executor(client, (error) => {
        onClientError(error);
        onError?.(error);
      });
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        // A lost connection rolls the transaction back on the server; ROLLBACK would only wait.
        if (!broken) {
          await client.query('ROLLBACK').catch((rollback: unknown) => {
            broken = rollback as Error;
          });
        }
        if (error instanceof SupportError) throw error;
        mapError(error, onError);
      } finally {
        client.removeListener('error', onClientError);
        // Released with the error, the pool destroys the client instead of reusing a dead connection.
        client.release(broken);
      }
    },
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
