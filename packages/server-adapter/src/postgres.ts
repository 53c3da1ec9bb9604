/**
 * `@waizant/support-server-adapter/postgres`: the `SqlDatabase` port over `pg` (peer `pg`; its
 * types come from `@types/pg`).
 */
export { openPostgresDatabase, postgresDatabase } from './bindings/postgres/database.js';
