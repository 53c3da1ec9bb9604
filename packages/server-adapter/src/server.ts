import { randomBytes } from 'node:crypto';
import type { PGliteInterface } from '@electric-sql/pglite';
import {
  type DestinationPage,
  SupportError,
  type SupportLimits,
  type SupportLimitsInput,
} from '@waizant/support-core';
import {
  type AgentTokenOverrides,
  createLocalIdentity,
  type LocalIdentity,
} from './bindings/embedded/identity.js';
import {
  type OutboxMessage,
  OutboxMessages,
  OutboxQuery,
  outboxNotifier,
  readOutbox,
} from './bindings/embedded/notifier.js';
import { openPgliteDatabase, pgliteDatabase } from './bindings/embedded/pglite.js';
import { seedDemoData } from './bindings/embedded/seed.js';
import { sqlCoreDirectory } from './bindings/postgres/directory.js';
import { checkServerOptions } from './config.js';

export { DEFAULT_DESTINATIONS, MIN_SECRET_LENGTH, SupportConfigError } from './config.js';

import { createHttpHandler } from './http/app.js';
import { CORE_DIRECTORY_MIGRATIONS, runMigrations, SUPPORT_MIGRATIONS } from './migrations/index.js';
import {
  type Clock,
  type CoreDirectory,
  consoleLogger,
  type Identity,
  type Logger,
  type Notifier,
  type SqlDatabase,
  systemClock,
} from './ports/index.js';
import { deriveKeys, type ServiceContext } from './services/context.js';
import { createServices, type SupportServerServices } from './services/index.js';

export interface SupportServerBindings {
  readonly database: SqlDatabase;
  readonly directory: CoreDirectory;
  readonly identity: Identity;
  readonly notifier: Notifier;
}

export interface SupportServerOptions {
  readonly bindings: SupportServerBindings;
  /** Over core's defaults; checked with `resolveLimits` at start-up. */
  readonly limits?: SupportLimitsInput;
  /** `hmacKey`: at least 32 characters; keys for codes, handoff tokens and session references derive from it. */
  readonly secrets: { readonly hmacKey: string };
  readonly clock?: Clock;
  /** Default: warnings and errors as JSON lines on stderr (`consoleLogger('warn')`). */
  readonly logger?: Logger;
  /** Browser origins allowed to call the API (the host back office). */
  readonly origins?: readonly string[];
  /** Base URL per destination page; the handoff token is appended in the fragment. */
  readonly destinations?: Partial<Record<DestinationPage, string>>;
  /**
   * Serves `GET /dev/outbox?to=` (the outbox's messages, each with a `code` field on code
   * messages; described in the OpenAPI document while on). Development only; off by default.
   */
  readonly devRoutes?: boolean;
  /** Runs `sweepExpiredSessions` every so many ms (off when absent). */
  readonly sweepIntervalMs?: number;
  /** Runs the kit's migrations at start-up (default true). */
  readonly migrate?: boolean;
  readonly bodyLimitBytes?: number;
  readonly openApi?: { serverUrl?: string; version?: string };
}

export interface SupportServer {
  readonly fetch: (req: Request) => Promise<Response>;
  readonly services: SupportServerServices;
  readonly limits: SupportLimits;
  sweepExpiredSessions(): Promise<number>;
  /** Stops the sweeper and closes the database. */
  close(): Promise<void>;
}

/** Validates the configuration (failing at start-up with a clear message), migrates, and builds the server. */
export async function createSupportServer(options: SupportServerOptions): Promise<SupportServer> {
  const { limits, origins, destinations } = checkServerOptions(options);
  const { bindings } = options;
  const hmacKey = options.secrets.hmacKey;
  const redeemOrigins = [...new Set(Object.values(destinations).map((url) => new URL(url).origin))];
  const clock = options.clock ?? systemClock;
  // Warnings by default, so a refused origin or token is visible without configuring anything.
  const logger = options.logger ?? consoleLogger('warn');

  if (options.migrate ?? true) await runMigrations(bindings.database, SUPPORT_MIGRATIONS);

  const context: ServiceContext = {
    db: bindings.database,
    directory: bindings.directory,
    identity: bindings.identity,
    notifier: bindings.notifier,
    clock,
    logger,
    limits,
    keys: deriveKeys(hmacKey),
    destinations,
  };
  const services = createServices(context);
  const fetch = createHttpHandler({
    services,
    context,
    identity: bindings.identity,
    logger,
    origins,
    redeemOrigins,
    bodyLimitBytes: options.bodyLimitBytes,
    openApi: {
      ...options.openApi,
      ...(options.devRoutes
        ? {
            extraRoutes: [
              {
                path: '/dev/outbox',
                operationId: 'devOutbox',
                summary:
                  'Development only (devRoutes): what the outbox would have e-mailed, oldest first; `code` holds the code of a code message',
                query: OutboxQuery,
                response: OutboxMessages,
              },
            ],
          }
        : {}),
    },
    devRoutes: options.devRoutes
      ? [
          {
            path: '/dev/outbox',
            handler: async (url) => {
              const query = OutboxQuery.safeParse(Object.fromEntries(url.searchParams));
              if (!query.success) {
                throw new SupportError('invalid_input', 'Invalid input.', {
                  issues: [{ path: 'query.to', message: 'an e-mail address of at most 254 characters' }],
                });
              }
              return readOutbox(bindings.database, query.data.to);
            },
          },
        ]
      : [],
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  if (options.sweepIntervalMs !== undefined) {
    timer = setInterval(() => {
      services.sweepExpiredSessions().catch(() => logger.error('session sweep failed'));
    }, options.sweepIntervalMs);
    timer.unref?.();
  }
  return {
    fetch,
    services,
    limits,
    sweepExpiredSessions: () => services.sweepExpiredSessions(),
    async close() {
      if (timer) clearInterval(timer);
      await bindings.database.close();
    },
  };
}

export interface EmbeddedSupportServerOptions extends Omit<SupportServerOptions, 'bindings' | 'secrets'> {
  /** Persist in this folder (PGlite); in memory when absent. */
  readonly dataDir?: string;
  /** Use this PGlite instance (e.g. a `clone()` of a migrated template). */
  readonly pglite?: PGliteInterface;
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
    const directory = sqlCoreDirectory(database);
    const identity = await createLocalIdentity({
      directory,
      clock,
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
