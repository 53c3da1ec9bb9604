/**
 * `@waizant/support-server-adapter/postgres`: the `SqlDatabase` port over `pg` (peer `pg`; its
 * types come from `@types/pg`), with bounded waits and lost connections answered as 503.
 */
export {
  isConnectionError,
  type OpenPostgresOptions,
  openPostgresDatabase,
  POSTGRES_DEFAULTS,
  type PostgresDatabaseOptions,
  postgresDatabase,
  postgresPoolConfig,
} from './bindings/postgres/database.js';
