import {
  type DestinationPage,
  SupportError,
  type SupportLimits,
  type SupportLimitsInput,
} from '@waizant/support-core';
import { OutboxMessages, OutboxQuery, readOutbox } from './bindings/embedded/outbox.js';
import { BoundedMap } from './bounded-map.js';
import { type AgentStepUpMode, checkServerOptions } from './config.js';

export { DEFAULT_DESTINATIONS, MIN_SECRET_LENGTH, SupportConfigError } from './config.js';

import { createHttpHandler } from './http/app.js';
import { runMigrations, SUPPORT_MIGRATIONS } from './migrations/index.js';
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
import { type HostPasskeys, hostPasskeys } from './services/passkeys/index.js';

/** Sessions whose settled subject an instance remembers (5.8 MB of heap at capacity, bench:memory). */
const SETTLED_SUBJECTS_CAPACITY = 10_000;

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
  /**
   * The destination apps' back ends allowed to call `POST /assisted/introspect` and
   * `POST /assisted/refresh` with HTTP Basic (`id`, `secret` ≥ 32 characters). None: both refuse.
   */
  readonly destinationClients?: ReadonlyArray<{ readonly id: string; readonly secret: string }>;
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
  /**
   * Serves every route under this path (e.g. `/api/support`), for hosts that hand the handler
   * whole URLs, as `node:http` does. Absent: the routes sit at the root (mounts that strip their
   * prefix, such as Express's `app.use(path, …)`, need none).
   */
  readonly basePath?: string;
  /**
   * Absolute URL at which end users' browsers reach this handler's `/end` page (e.g.
   * `https://support.example.com/api/support/end`): the "assisted session started" e-mail links
   * there. Absent: the e-mail carries no end link.
   */
  readonly endPageUrl?: string;
  /**
   * The client's address for a request, as the host knows it (e.g. the first hop its own proxy
   * wrote); the end page rate-limits per address when given. Never trust a header a client sets.
   */
  readonly clientAddress?: (req: Request) => string | null;
  /**
   * How agents pass the internal-verification step (docs/embedding.md, "Passkeys"):
   * 'email-code' (default, the e-mailed agent code), 'passkey-or-email' (the agent chooses), or
   * 'passkey' (the e-mailed agent code is refused; enrol through `passkeys`).
   */
  readonly agentStepUp?: AgentStepUpMode;
  /**
   * The WebAuthn relying party, required unless agentStepUp is 'email-code': `rpId` the host
   * name passkeys are bound to (each origin's host or a suffix of it), `rpName` what
   * authenticators show, `origins` the pages where agents use them (default: `origins`).
   */
  readonly passkey?: { readonly rpId: string; readonly rpName: string; readonly origins?: readonly string[] };
}

export interface SupportServer {
  readonly fetch: (req: Request) => Promise<Response>;
  readonly services: SupportServerServices;
  /** Passkey enrolment for agents the host verified itself (the host owns that verification). */
  readonly passkeys: HostPasskeys;
  readonly limits: SupportLimits;
  sweepExpiredSessions(): Promise<number>;
  /** Stops the sweeper and closes the database. */
  close(): Promise<void>;
}

/** Validates the configuration (failing at start-up with a clear message), migrates, and builds the server. */
export async function createSupportServer(options: SupportServerOptions): Promise<SupportServer> {
  const { limits, origins, destinations, destinationClients, stepUp } = checkServerOptions(options);
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
    endPageUrl: options.endPageUrl ?? null,
    stepUp,
    settledSubjects: new BoundedMap(SETTLED_SUBJECTS_CAPACITY),
  };
  const services = createServices(context);
  const fetch = createHttpHandler({
    services,
    context,
    identity: bindings.identity,
    logger,
    origins,
    redeemOrigins,
    destinationClients,
    bodyLimitBytes: options.bodyLimitBytes,
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
    ...(options.basePath ? { basePath: options.basePath } : {}),
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
    passkeys: hostPasskeys(context),
    limits,
    sweepExpiredSessions: () => services.sweepExpiredSessions(),
    async close() {
      if (timer) clearInterval(timer);
      await bindings.database.close();
    },
  };
}
