export * from './bindings/embedded/index.js';
export { openPostgresDatabase, postgresDatabase } from './bindings/postgres/database.js';
export { sqlCoreDirectory } from './bindings/postgres/directory.js';
export { createHttpHandler, DEFAULT_BODY_LIMIT_BYTES, type HttpOptions } from './http/app.js';
export {
  CORE_DIRECTORY_MIGRATIONS,
  type Migration,
  runMigrations,
  SUPPORT_MIGRATIONS,
} from './migrations/index.js';
export * from './ports/index.js';
export {
  createEmbeddedSupportServer,
  createSupportServer,
  DEFAULT_DESTINATIONS,
  type EmbeddedSupportServer,
  type EmbeddedSupportServerOptions,
  MIN_SECRET_LENGTH,
  prepareEmbeddedDatabase,
  SupportConfigError,
  type SupportServer,
  type SupportServerBindings,
  type SupportServerOptions,
} from './server.js';
export { composeCodeMessage } from './services/codes.js';
export type { AgentRef, SupportServerServices } from './services/index.js';
