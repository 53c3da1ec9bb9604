import {
  type DestinationPage,
  type SupportLimits,
  SupportLimits as SupportLimitsSchema,
} from '@waizant/support-core';
import { z } from 'zod';

export const MIN_SECRET_LENGTH = 32;

/** How the agent passes the internal-verification step (docs/embedding.md, "Passkeys"). */
export const AGENT_STEP_UP_MODES = ['email-code', 'passkey', 'passkey-or-email'] as const;
export type AgentStepUpMode = (typeof AGENT_STEP_UP_MODES)[number];

export const DEFAULT_DESTINATIONS: Readonly<Record<DestinationPage, string>> = {
  'web-home': 'https://web.example/assist',
  'web-my-ecosystem': 'https://web.example/my-ecosystem/assist',
  store: 'https://store.example/assist',
  app: 'https://app.example/assist',
};

/**
 * Thrown by `createSupportServer` when its options are wrong: one line per bad option in the
 * message, and the same lines in `problems`. Values are echoed except secrets.
 */
export class SupportConfigError extends Error {
  override readonly name = 'SupportConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid support server configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

const EXAMPLE_ORIGIN = 'https://backoffice.example.com';

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** What is wrong with `value` as an http(s) URL of `what`, or null. Only https, except on loopback. */
function urlProblem(value: string, bareOrigin: boolean): string | null {
  // `new URL('localhost:4700')` parses "localhost:" as a scheme; say what is really missing.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return `${shown(value)} has no scheme: write "https://${value}" (or "http://${value}" for localhost)`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${shown(value)} is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${shown(value)} must use https`;
  // *.localhost is loopback too (RFC 6761), and browsers treat it as a secure context.
  const loopback =
    url.hostname === 'localhost' || url.hostname.endsWith('.localhost') || url.hostname === '127.0.0.1';
  if (url.protocol === 'http:' && !loopback) {
    return `${shown(value)} must use https (http only for localhost)`;
  }
  if (bareOrigin && url.origin !== value) {
    return `${shown(value)} must be a bare origin like "${url.origin}" (scheme, host and port only)`;
  }
  return null;
}

const url = (bareOrigin: boolean) =>
  z.string({ error: (i) => `must be a string like "${EXAMPLE_ORIGIN}" (got ${typeName(i.input)})` }).check(
    z.superRefine((value, ctx) => {
      const problem = urlProblem(value, bareOrigin);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

const port = (method: string) =>
  z.custom<unknown>(
    (v) =>
      typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function',
    { error: `is missing (an object with a ${method}() method)` },
  );

const methods = (names: readonly string[], what: string) =>
  z.optional(
    z.custom<unknown>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function'),
      { error: `must be ${what} (an object with ${names.map((n) => `${n}()`).join(', ')})` },
    ),
  );

const flag = z.optional(z.boolean({ error: (i) => `must be true or false (got ${shown(i.input)})` }));

const destinationPages = Object.keys(DEFAULT_DESTINATIONS) as DestinationPage[];

/** The whole options object. Loose at the top level: the embedded server passes its own options along. */
const ServerOptions = z.object(
  {
    bindings: z.object(
      {
        database: port('query'),
        directory: port('getUser'),
        identity: port('verifyAgentToken'),
        notifier: port('send'),
      },
      { error: 'are required: { database, directory, identity, notifier }' },
    ),
    secrets: z.object(
      {
        hmacKey: z
          .string({ error: `must be a string of at least ${MIN_SECRET_LENGTH} characters` })
          .min(MIN_SECRET_LENGTH, { error: `must have at least ${MIN_SECRET_LENGTH} characters` }),
      },
      { error: `are required: { hmacKey } (at least ${MIN_SECRET_LENGTH} characters)` },
    ),
    limits: z.optional(SupportLimitsSchema),
    clock: methods(['now'], 'a clock'),
    logger: methods(['debug', 'info', 'warn', 'error'], 'a logger'),
    origins: z.optional(
      z.array(url(true), {
        error: (i) =>
          `must be an array of origins, e.g. ["${EXAMPLE_ORIGIN}"] (got ${typeName(i.input)}${
            typeof i.input === 'string' ? `: write [${shown(i.input)}]` : ''
          })`,
      }),
    ),
    destinations: z.optional(
      z.strictObject(Object.fromEntries(destinationPages.map((page) => [page, z.optional(url(false))])), {
        error: `must be an object with any of ${destinationPages.join(', ')}`,
      }),
    ),
    destinationClients: z.optional(
      z
        .array(
          z.strictObject(
            {
              id: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9._~-]{1,64}$/, {
                error: (i) => `${shown(i.input)} must be 1 to 64 letters, digits or . _ ~ -`,
              }),
              secret: z
                .string({ error: `must be a string of at least ${MIN_SECRET_LENGTH} characters` })
                .min(MIN_SECRET_LENGTH, { error: `must have at least ${MIN_SECRET_LENGTH} characters` })
                .max(512, { error: 'must have at most 512 characters' }),
            },
            { error: "must be { id, secret } (a destination app's client credentials)" },
          ),
          { error: (i) => `must be an array of { id, secret } (got ${typeName(i.input)})` },
        )
        .refine((clients) => new Set(clients.map((c) => c.id)).size === clients.length, {
          error: 'must not repeat a client id',
        }),
    ),
    devRoutes: flag,
    migrate: flag,
    sweepIntervalMs: z.optional(
      z.int({ error: (i) => `must be a whole number of milliseconds (got ${shown(i.input)})` }).min(1000, {
        error: (i) => `is ${shown(i.input)}; allowed: at least 1000 (ms)`,
      }),
    ),
    bodyLimitBytes: z.optional(
      z.int({ error: (i) => `must be a whole number of bytes (got ${shown(i.input)})` }).min(1024, {
        error: (i) => `is ${shown(i.input)}; allowed: at least 1024 (bytes)`,
      }),
    ),
    basePath: z.optional(
      z
        .string({ error: (i) => `must be a path like "/api/support" (got ${typeName(i.input)})` })
        .regex(/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/, {
          error: (i) =>
            `${shown(i.input)} must be a path like "/api/support" (no trailing slash, no dot segments)`,
        }),
    ),
    endPageUrl: z.optional(url(false)),
    clientAddress: z.optional(
      z.custom<unknown>((v) => typeof v === 'function', {
        error: 'must be a function (request) => string | null',
      }),
    ),
    agentStepUp: z.optional(
      z.enum(AGENT_STEP_UP_MODES, {
        error: (i) => `is ${shown(i.input)}; allowed: ${AGENT_STEP_UP_MODES.map((m) => `"${m}"`).join(', ')}`,
      }),
    ),
    passkey: z.optional(
      z.strictObject(
        {
          rpId: z
            .string({ error: 'must be a host name like "backoffice.example.com"' })
            .regex(
              /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
              {
                error: (i) =>
                  `${shown(i.input)} must be a lower-case host name like "backoffice.example.com"`,
              },
            ),
          rpName: z
            .string({ error: 'must be a string (the name authenticators show, e.g. "Acme Support")' })
            .min(1, { error: 'must not be empty' })
            .max(200, { error: 'must have at most 200 characters' }),
          origins: z.optional(
            z.array(url(true), { error: (i) => `must be an array of origins (got ${typeName(i.input)})` }),
          ),
        },
        { error: 'must be { rpId, rpName, origins? }' },
      ),
    ),
    openApi: z.optional(
      z.strictObject(
        { serverUrl: z.optional(z.string()), version: z.optional(z.string()) },
        { error: 'must be { serverUrl?, version? }' },
      ),
    ),
  },
  { error: 'the options must be an object' },
);

/** `{ min, max }` of one limit, read from core's schema so the message never drifts from the rule. */
function limitRange(name: string): { min?: number; max?: number; fallback?: unknown } {
  const shape = (SupportLimitsSchema as unknown as { _zod: { def: { shape: Record<string, unknown> } } })._zod
    .def.shape;
  type Def = {
    type: string;
    innerType?: { _zod: { def: Def } };
    defaultValue?: unknown;
    checks?: Array<{ _zod: { def: { check: string; value: number } } }>;
  };
  let def = (shape[name] as { _zod: { def: Def } } | undefined)?._zod.def;
  const fallback = def?.defaultValue;
  while (def?.innerType) def = def.innerType._zod.def;
  const range: { min?: number; max?: number; fallback?: unknown } = { fallback };
  for (const check of def?.checks ?? []) {
    if (check._zod.def.check === 'greater_than') range.min = check._zod.def.value;
    if (check._zod.def.check === 'less_than') range.max = check._zod.def.value;
  }
  return range;
}

function at(options: unknown, path: readonly PropertyKey[]): unknown {
  let value = options;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function pathName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) =>
      typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key),
    '',
  );
}

function describe(options: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  const name = pathName(path);
  if (issue.code === 'unrecognized_keys') {
    const known =
      path[0] === 'limits'
        ? Object.keys((SupportLimitsSchema as unknown as { _zod: { def: { shape: object } } })._zod.def.shape)
        : path[0] === 'destinations'
          ? destinationPages
          : [];
    return `${name} has unknown ${issue.keys.join(', ')}${known.length ? ` (known: ${known.join(', ')})` : ''}`;
  }
  // Core's limits carry no readable messages (zod/mini); name the value and the allowed range.
  if (path[0] === 'limits' && path.length === 2 && issue.code !== 'custom') {
    const { min, max, fallback } = limitRange(String(path[1]));
    return `${name} is ${shown(at(options, path))}; allowed: an integer from ${min} to ${max} (default ${String(fallback)})`;
  }
  if (path[0] === 'limits' && path.length === 1)
    return `limits must be an object (got ${typeName(at(options, path))})`;
  return name ? `${name} ${issue.message}` : issue.message;
}

/** The step-up as the services use it: the mode, and the WebAuthn relying party when passkeys are on. */
export interface StepUpConfig {
  readonly mode: AgentStepUpMode;
  readonly rpId: string;
  readonly rpName: string;
  /** Origins whose assertions are accepted (the page that ran the WebAuthn ceremony). */
  readonly origins: readonly string[];
}

/**
 * Why `rpId` cannot serve `origin`, or null. WebAuthn binds a credential to its RP id, which
 * must be the origin's host or a suffix of it; a single label other than localhost (e.g. "com")
 * is refused, and so are IP addresses (browsers refuse them as RP ids).
 */
function rpIdProblem(rpId: string, origin: string): string | null {
  const host = new URL(origin).hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`)) {
    return `passkey.rpId ${shown(rpId)} must be the host of ${shown(origin)} or a suffix of it`;
  }
  return null;
}

function stepUpProblems(
  mode: AgentStepUpMode,
  passkey: { rpId: string; rpName: string; origins?: string[] } | undefined,
  origins: readonly string[],
): string[] {
  if (mode === 'email-code') return [];
  if (!passkey) {
    return [
      `passkey is required when agentStepUp is "${mode}": { rpId, rpName, origins? } (e.g. { rpId: "backoffice.example.com", rpName: "Acme Support" })`,
    ];
  }
  const problems: string[] = [];
  if (!passkey.rpId.includes('.') && passkey.rpId !== 'localhost') {
    problems.push(
      `passkey.rpId ${shown(passkey.rpId)} must be a registrable domain (e.g. "example.com") or "localhost"`,
    );
  }
  if (/^[0-9.]+$/.test(passkey.rpId))
    problems.push(`passkey.rpId ${shown(passkey.rpId)} must be a domain, not an IP address`);
  const allowed = passkey.origins ?? origins;
  if (allowed.length === 0) {
    problems.push(
      'passkey.origins (or origins) must list the back office origin(s) where agents use passkeys',
    );
  }
  for (const origin of allowed) {
    const problem = rpIdProblem(passkey.rpId, origin);
    if (problem) problems.push(problem);
  }
  return problems;
}

export interface CheckedConfig {
  readonly stepUp: StepUpConfig;
  readonly limits: SupportLimits;
  readonly origins: readonly string[];
  readonly destinations: Readonly<Record<DestinationPage, string>>;
  readonly destinationClients: ReadonlyArray<{ readonly id: string; readonly secret: string }>;
}

/** Validates every option at start-up; throws one `SupportConfigError` listing each bad option. */
export function checkServerOptions(options: unknown): CheckedConfig {
  const result = ServerOptions.safeParse(options);
  if (!result.success) {
    const problems = [...new Set(result.error.issues.map((issue) => describe(options, issue)))];
    throw new SupportConfigError(problems);
  }
  const parsed = result.data;
  const origins = parsed.origins ?? [];
  const mode = parsed.agentStepUp ?? 'email-code';
  const problems = stepUpProblems(mode, parsed.passkey, origins);
  if (problems.length > 0) throw new SupportConfigError(problems);
  return {
    stepUp: {
      mode,
      rpId: parsed.passkey?.rpId ?? '',
      rpName: parsed.passkey?.rpName ?? '',
      origins: parsed.passkey?.origins ?? origins,
    },
    limits: Object.freeze(parsed.limits ?? SupportLimitsSchema.parse({})),
    origins,
    destinations: {
      ...DEFAULT_DESTINATIONS,
      ...(parsed.destinations as Partial<Record<DestinationPage, string>>),
    },
    destinationClients: parsed.destinationClients ?? [],
  };
}
