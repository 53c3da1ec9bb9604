import {
  type DestinationPage,
  resolveLimits,
  type SupportLimits,
  type SupportLimitsInput,
} from '@waizant/support-core';
import { readOutbox } from './bindings/embedded/outbox.js';
import { createHttpHandler } from './http/app.js';
import { runMigrations, SUPPORT_MIGRATIONS } from './migrations/index.js';
import {
  type Clock,
  type CoreDirectory,
  type Identity,
  type Logger,
  type Notifier,
  type SqlDatabase,
  silentLogger,
  systemClock,
} from './ports/index.js';
import { deriveKeys, type ServiceContext } from './services/context.js';
import { createServices, type SupportServerServices } from './services/index.js';

export const MIN_SECRET_LENGTH = 32;

export const DEFAULT_DESTINATIONS: Readonly<Record<DestinationPage, string>> = {
  'web-home': 'https://web.example/assist',
  'web-my-ecosystem': 'https://web.example/my-ecosystem/assist',
  store: 'https://store.example/assist',
  app: 'https://app.example/assist',
};

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
  readonly logger?: Logger;
  /** Browser origins allowed to call the API (the host back office). */
  readonly origins?: readonly string[];
  /** Base URL per destination page; the handoff token is appended in the fragment. */
  readonly destinations?: Partial<Record<DestinationPage, string>>;
  /** Serves `GET /dev/outbox?to=`. Development only; off by default. */
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
}

export interface SupportServer {
  readonly fetch: (req: Request) => Promise<Response>;
  readonly services: SupportServerServices;
  readonly limits: SupportLimits;
  sweepExpiredSessions(): Promise<number>;
  /** Stops the sweeper and closes the database. */
  close(): Promise<void>;
}

function fail(message: string): never {
  throw new Error(`Invalid support server configuration — ${message}`);
}

function checkOrigin(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${what} "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
    fail(`${what} "${value}" must use https (http only for localhost)`);
  }
  return url.origin;
}

/** Validates the configuration (failing at start-up with a clear message), migrates, and builds the server. */
export async function createSupportServer(options: SupportServerOptions): Promise<SupportServer> {
  const bindings = options.bindings ?? fail('bindings are required');
  for (const [name, method] of [
    ['database', 'query'],
    ['directory', 'getUser'],
    ['identity', 'verifyAgentToken'],
    ['notifier', 'send'],
  ] as const) {
    const binding = bindings[name] as unknown as Record<string, unknown> | undefined;
    if (!binding || typeof binding[method] !== 'function') fail(`bindings.${name} is missing`);
  }
  const hmacKey = options.secrets?.hmacKey;
  if (typeof hmacKey !== 'string' || hmacKey.length < MIN_SECRET_LENGTH) {
    fail(`secrets.hmacKey must have at least ${MIN_SECRET_LENGTH} characters`);
  }
  let limits: SupportLimits;
  try {
    limits = resolveLimits(options.limits ?? {});
  } catch (error) {
    fail(error instanceof Error ? error.message : 'limits');
  }
  const origins = (options.origins ?? []).map((o) => {
    const origin = checkOrigin(o, 'origin');
    if (origin !== o) fail(`origin "${o}" must be a bare origin like ${origin}`);
    return origin;
  });
  const destinations = { ...DEFAULT_DESTINATIONS, ...options.destinations };
  for (const [page, url] of Object.entries(destinations)) checkOrigin(url, `destinations.${page}`);
  const redeemOrigins = [...new Set(Object.values(destinations).map((url) => new URL(url).origin))];
  const basePath = options.basePath;
  if (basePath !== undefined && !/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/.test(basePath)) {
    fail(`basePath "${basePath}" must be a path like /api/support (no trailing slash, no dot segments)`);
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;

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
    openApi: options.openApi,
    ...(basePath ? { basePath } : {}),
    devRoutes: options.devRoutes
      ? [
          {
            path: '/dev/outbox',
            handler: (url) => readOutbox(bindings.database, url.searchParams.get('to') ?? undefined),
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
