export {
  type AgentTokenOverrides,
  createLocalIdentity,
  type LocalIdentity,
  type LocalIdentityOptions,
} from './identity.js';
export { allNotifiers, type SmtpNotifierOptions, smtpNotifier } from './notifier.js';
export { OutboxMessage, OutboxMessages, OutboxQuery, outboxNotifier, readOutbox } from './outbox.js';
export { openPgliteDatabase, type PgliteDatabase, type PgliteInstance, pgliteDatabase } from './pglite.js';
export { DEMO, generateProcesses, seedDemoData } from './seed.js';
export {
  createEmbeddedSupportServer,
  type EmbeddedSupportServer,
  type EmbeddedSupportServerOptions,
  prepareEmbeddedDatabase,
} from './server.js';
