export {
  type AgentTokenOverrides,
  createLocalIdentity,
  type LocalIdentity,
  type LocalIdentityOptions,
} from './identity.js';
export {
  allNotifiers,
  OutboxMessage,
  OutboxMessages,
  OutboxQuery,
  outboxNotifier,
  readOutbox,
  type SmtpNotifierOptions,
  smtpNotifier,
} from './notifier.js';
export { openPgliteDatabase, type PgliteDatabase, pgliteDatabase } from './pglite.js';
export { DEMO, generateProcesses, seedDemoData } from './seed.js';
