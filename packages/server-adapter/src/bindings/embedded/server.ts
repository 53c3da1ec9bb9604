import { randomBytes } from 'node:crypto';
import { CORE_DIRECTORY_MIGRATIONS, runMigrations, SUPPORT_MIGRATIONS } from '../../migrations/index.js';
import { type CoreDirectory, type Notifier, type SqlDatabase, systemClock } from '../../ports/index.js';
import { createSupportServer, type SupportServer, type SupportServerOptions } from '../../server.js';
import { sqlCoreDirectory } from '../postgres/directory.js';
import { type AgentTokenOverrides, createLocalIdentity, type LocalIdentity } from './identity.js';
import { withEmbeddedLocales } from './locales.js';
import { type OutboxMessage, outboxNotifier, readOutbox } from './outbox.js';
import { openPgliteDatabase, type PgliteInstance, pgliteDatabase } from './pglite.js';
import { seedDemoData } from './seed.js';

export interface EmbeddedSupportServerOptions extends Omit<SupportServerOptions, 'bindings' | 'secrets'> {
  /** Persist in this folder (PGlite); in memory when absent. */
  readonly dataDir?: string;
  /** Use this PGlite instance (e.g. a `clone()` of a migrated template). */
  readonly pglite?: PgliteInstance;
  /** Or any `SqlDatabase` (e.g. `postgresDatabase(pool)`): the embedded identity and outbox over it. */
  readonly database?: SqlDatabase;
  /** Insert the demo directory (default true). */
  readonly seed?: boolean;
  /** A random key is drawn when absent: codes then do not survive a restart. */
  readonly secrets?: { readonly hmacKey: string };
  readonly identity?: { privateJwk?: import('jose').JWK; issuer?: string };
  /** Replace the outbox notifier (it still gets the transaction). */
  readonly notifier?: Notifier;
}

export interface EmbeddedSupportServer extends SupportServer {
  readonly database: SqlDatabase;
  readonly directory: CoreDirectory;
  readonly identity: LocalIdentity;
  issueAgentToken(agentId: string, overrides?: AgentTokenOverrides): Promise<string>;
  outbox(to?: string): Promise<OutboxMessage[]>;
}

/** Migrates and seeds an embedded database (PGlite) — e.g. once, as a template to clone in tests. */
export async function prepareEmbeddedDatabase(database: SqlDatabase, seed = true): Promise<void> {
  await runMigrations(database, [...CORE_DIRECTORY_MIGRATIONS, ...SUPPORT_MIGRATIONS]);
  if (seed) await seedDemoData(database);
}

/** The whole kit with no cloud and no setup: PGlite, the local signer and the outbox. */
export async function createEmbeddedSupportServer(
  options: EmbeddedSupportServerOptions = {},
): Promise<EmbeddedSupportServer> {
  const database: SqlDatabase =
    options.database ??
    (options.pglite
      ? pgliteDatabase(options.pglite)
      : await openPgliteDatabase(options.dataDir ? { dataDir: options.dataDir } : {}));
  try {
    await prepareEmbeddedDatabase(database, options.seed ?? true);
    const clock = options.clock ?? systemClock;
    const directory = withEmbeddedLocales(sqlCoreDirectory(database), database);
    const identity = await createLocalIdentity({
      directory,
      clock,
      accounts: database,
      ...(options.identity?.privateJwk ? { privateJwk: options.identity.privateJwk } : {}),
      ...(options.identity?.issuer ? { issuer: options.identity.issuer } : {}),
    });
    const notifier = options.notifier ?? outboxNotifier(database, clock);
    const server = await createSupportServer({
      ...options,
      clock,
      secrets: options.secrets ?? { hmacKey: randomBytes(32).toString('base64url') },
      bindings: { database, directory, identity, notifier },
      migrate: false,
    });
    return {
      ...server,
      database,
      directory,
      identity,
      issueAgentToken: (agentId, overrides) => identity.issueAgentToken(agentId, overrides),
      outbox: (to) => readOutbox(database, to),
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
