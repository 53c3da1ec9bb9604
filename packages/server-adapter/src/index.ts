/**
 * `@waizant/support-server-adapter`: the server (`createSupportServer`), its ports, the
 * migrations and the SQL Core directory. It loads no database driver, mailer or cloud SDK:
 * those bindings are on `./embedded`, `./postgres` and `./aws`, each needing its own peer.
 */
export { sqlCoreDirectory } from './bindings/postgres/directory.js';
export { DEFAULT_BODY_LIMIT_BYTES } from './http/app.js';
export {
  CORE_DIRECTORY_MIGRATIONS,
  type Migration,
  runMigrations,
  SUPPORT_MIGRATIONS,
} from './migrations/index.js';
export * from './ports/index.js';
export {
  createSupportServer,
  DEFAULT_DESTINATIONS,
  MIN_SECRET_LENGTH,
  SupportConfigError,
  type SupportServer,
  type SupportServerBindings,
  type SupportServerOptions,
} from './server.js';
// `SupportServer.services` is typed with these, so callers can call the services directly.
export type { AgentRef, SupportServerServices } from './services/index.js';
