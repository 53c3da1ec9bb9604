import {
  buildOpenApiDocument,
  IdempotencyKey,
  type OpenApiOptions,
  type RouteName,
  type RouteResponse,
  type RouteSpec,
  routeBody,
  routes,
  SupportError,
} from '@waizant/support-core';
import { Hono } from 'hono';
import type * as z from 'zod/mini';
import type { Identity, Logger } from '../ports/index.js';
import { type ServiceContext, sha256Hex } from '../services/context.js';
import { claimIdempotencyKey, storeIdempotentResponse } from '../services/idempotency.js';
import type { AgentRef, SupportServerServices } from '../services/index.js';
import { MethodTable } from './allow.js';
import { invalid, readBody } from './body.js';
import { errorResponse, json, methodNotAllowed, toResponse } from './respond.js';
import { mountUserPages } from './user-pages.js';

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

export interface HttpOptions {
  readonly services: SupportServerServices;
  readonly context: ServiceContext;
  readonly identity: Identity;
  readonly logger: Logger;
  /** Origins allowed to POST from a browser (exact `scheme://host[:port]`). */
  readonly origins: readonly string[];
  /** Origins of the destination apps, allowed to call `POST /handoffs/redeem`. */
  readonly redeemOrigins: readonly string[];
  readonly bodyLimitBytes?: number;
  /** Extra routes for development (e.g. the outbox); never enable in production. */
  readonly devRoutes?: ReadonlyArray<{ path: string; handler: (url: URL) => Promise<unknown> }>;
  readonly openApi?: OpenApiOptions;
  /** Prefix of every route (e.g. `/api/support`); `/` when absent. */
  readonly basePath?: string;
  /** The client's address (e.g. from the host's proxy header), for the end page's per-address limit. */
  readonly clientAddress?: (req: Request) => string | null;
}

type Part<R, K extends string> = R extends { readonly [P in K]: infer S extends z.ZodMiniType }
  ? z.output<S>
  : undefined;

interface RouteInput<N extends RouteName> {
  readonly agent: AgentRef;
  readonly params: Part<(typeof routes)[N], 'params'>;
  readonly query: Part<(typeof routes)[N], 'query'>;
  readonly body: Part<(typeof routes)[N], 'body'>;
  readonly idempotencyKey: string | null;
}

type Handlers = { [N in RouteName]: (input: RouteInput<N>) => Promise<RouteResponse<N>> };

function handlersFor(s: SupportServerServices): Handlers {
  return {
    lookup: ({ agent, body }) => s.lookup(agent, body),
    createSession: ({ agent, body }) => s.createSession(agent, body),
    getSession: ({ agent, params }) => s.getSession(agent, params.sessionId),
    selectEcosystem: ({ agent, params, body }) =>
      s.selectEcosystem(agent, params.sessionId, body.ecosystemId),
    sendAgentCode: ({ agent, params }) => s.sendCode(agent, params.sessionId, 'agent'),
    verifyAgentCode: ({ agent, params, body }) => s.verifyCode(agent, params.sessionId, 'agent', body.code),
    sendUserCode: ({ agent, params }) => s.sendCode(agent, params.sessionId, 'user'),
    verifyUserCode: ({ agent, params, body }) => s.verifyCode(agent, params.sessionId, 'user', body.code),
    createHandoff: ({ agent, params, body, idempotencyKey }) =>
      s.createHandoff(agent, params.sessionId, body.destination, idempotencyKey),
    getHandoff: ({ agent, params }) => s.getHandoff(agent, params.sessionId, params.handoffId),
    touch: ({ agent, params }) => s.touch(agent, params.sessionId),
    cancel: ({ agent, params, body }) => s.cancel(agent, params.sessionId, body.reason),
    complete: ({ agent, params }) => s.complete(agent, params.sessionId),
    listProcesses: ({ agent, params, query }) => s.listProcesses(agent, params.sessionId, query),
    getProcess: ({ agent, params }) => s.getProcess(agent, params.sessionId, params.processId),
    redeemHandoff: ({ body }) => s.redeemHandoff(body.token),
  };
}

/**
 * Responses with these are not stored for Idempotency-Key replay: their body carries a
 * one-time secret (the handoff link), which must not rest in plaintext. `createHandoff` gets
 * the key and replays by re-deriving its link instead.
 */
const NOT_REPLAYABLE: ReadonlySet<RouteName> = new Set(['createHandoff', 'redeemHandoff']);

/** Maps zod issues to `{ path, message }` without echoing any submitted value (or unknown key names). */
function issuesOf(error: z.core.$ZodError, prefix: string): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.').slice(0, 200),
    message: (issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message).slice(0, 300),
  }));
}

function parsePart(schema: z.ZodMiniType | undefined, value: unknown, prefix: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(issuesOf(result.error, prefix));
  return result.data;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid([{ path: 'body', message: 'malformed JSON' }]);
  }
}

function honoPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/** Builds the single Fetch handler that mounts every entry of core's route table. */
export function createHttpHandler(options: HttpOptions): (req: Request) => Promise<Response> {
  const { services, context, identity, logger } = options;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const handlers = handlersFor(services);
  const allowed = new Set(options.origins);
  const redeemAllowed = new Set([...options.origins, ...options.redeemOrigins]);
  const digits = context.limits.codeDigits;
  const openApi = buildOpenApiDocument({
    ...options.openApi,
    codeDigits: digits,
    jwks: !!identity.jwks,
    endPage: true,
  });
  const app = new Hono().basePath(options.basePath ?? '/');
  const methods = new MethodTable((options.basePath ?? '').replace(/\/$/, ''));

  function corsHeaders(req: Request, origins: ReadonlySet<string>): Record<string, string> {
    const origin = req.headers.get('origin');
    if (origin === null || !origins.has(origin)) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  }

  /** CSRF defence for state-changing requests: JSON only, no foreign Origin, no cross-site fetch unless allow-listed. */
  function checkPost(req: Request, origins: ReadonlySet<string>): void {
    const origin = req.headers.get('origin');
    const site = req.headers.get('sec-fetch-site');
    if (origin !== null && !origins.has(origin)) {
      throw new SupportError('forbidden', 'Cross-origin request refused.');
    }
    if (site === 'cross-site' && (origin === null || !origins.has(origin))) {
      throw new SupportError('forbidden', 'Cross-site request refused.');
    }
    const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new SupportError(
        'unsupported_media_type',
        'POST requests must have Content-Type: application/json.',
      );
    }
  }

  async function authenticate(req: Request): Promise<AgentRef> {
    const header = req.headers.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(header);
    if (!match?.[1]) throw new SupportError('unauthorized', 'Sign in again.');
    return identity.verifyAgentToken(match[1]);
  }

  for (const [name, spec] of Object.entries(routes) as Array<[RouteName, RouteSpec]>) {
    const origins = spec.agentAuth ? allowed : redeemAllowed;
    const bodySchema = routeBody(name, digits);
    const handler = handlers[name] as (input: RouteInput<RouteName>) => Promise<unknown>;
    methods.add(spec.path, spec.method);
    if (spec.method === 'POST') {
      methods.add(spec.path, 'OPTIONS');
      app.options(honoPath(spec.path), (c) => {
        const origin = c.req.raw.headers.get('origin');
        if (origin !== null && !origins.has(origin))
          logger.warn('CORS preflight refused: origin not in origins', { route: name, origin });
        return new Response(null, { status: 204, headers: corsHeaders(c.req.raw, origins) });
      });
    }
    app.on(spec.method, honoPath(spec.path), async (c) => {
      const req = c.req.raw;
      const started = Date.now();
      const cors = corsHeaders(req, origins);
      let status = 500;
      try {
        if (spec.method === 'POST') checkPost(req, origins);
        const agent = spec.agentAuth ? await authenticate(req) : { agentId: '' };
        const params = parsePart(spec.params, c.req.param(), 'params');
        const query = parsePart(spec.query, Object.fromEntries(new URL(req.url).searchParams), 'query');
        const body =
          spec.method === 'POST'
            ? parsePart(bodySchema, parseJson(await readBody(req, limit)), 'body')
            : undefined;
        const keyHeader = req.headers.get('idempotency-key');
        const key =
          spec.method === 'POST' && keyHeader !== null
            ? (parsePart(IdempotencyKey, keyHeader, 'headers.Idempotency-Key') as string)
            : null;
        const input = { agent, params, query, body, idempotencyKey: key } as RouteInput<RouteName>;
        const idempotent = key !== null && spec.agentAuth && !NOT_REPLAYABLE.has(name);
        if (idempotent) {
          const claim = await claimIdempotencyKey(
            context,
            agent.agentId,
            name,
            key,
            sha256Hex(JSON.stringify({ params, query, body })),
          );
          if (claim.kind === 'replay') {
            status = claim.status;
            return json(claim.status, claim.body, { ...cors, 'Idempotent-Replayed': 'true' });
          }
        }
        let response: Response;
        let stored: { status: number; body: unknown };
        try {
          const result = spec.response.parse(await handler(input));
          stored = { status: spec.status, body: result };
          response = json(spec.status, result, cors);
        } catch (error) {
          const typed = error instanceof SupportError ? error : null;
          if (idempotent) {
            await storeIdempotentResponse(
              context,
              agent.agentId,
              name,
              key,
              typed?.status ?? 500,
              typed?.toBody(),
            );
          }
          throw error;
        }
        if (idempotent)
          await storeIdempotentResponse(context, agent.agentId, name, key, stored.status, stored.body);
        status = response.status;
        return response;
      } catch (error) {
        if (error instanceof SupportError) {
          status = error.status;
          // A refusal is often a host misconfiguration: say why (never the token itself).
          if (status === 401 || status === 403) {
            const bearer = /^Bearer \S/.test(req.headers.get('authorization') ?? '');
            const reason =
              status === 403
                ? error.message
                : bearer
                  ? 'the identity refused the bearer token'
                  : 'no bearer token in the Authorization header';
            logger.warn('request refused', {
              route: name,
              status,
              code: error.code,
              reason,
              origin: req.headers.get('origin'),
            });
          }
          return errorResponse(error, cors);
        }
        logger.error('unexpected error', {
          route: name,
          error: error instanceof Error ? error.name : 'unknown',
        });
        status = 500;
        return errorResponse(new SupportError('internal', 'Something went wrong.'), cors);
      } finally {
        logger.info('request', { route: name, method: spec.method, status, ms: Date.now() - started });
      }
    });
  }

  mountUserPages(app, methods, { context, logger, clientAddress: options.clientAddress });
  app.get('/openapi.json', () => json(200, openApi));
  methods.add('/openapi.json', 'GET');
  if (identity.jwks) {
    const jwks = identity.jwks.bind(identity);
    app.get('/.well-known/jwks.json', async () => json(200, await jwks()));
    methods.add('/.well-known/jwks.json', 'GET');
  }
  for (const dev of options.devRoutes ?? []) {
    app.get(dev.path, async (c) => {
      try {
        return json(200, await dev.handler(new URL(c.req.url)));
      } catch (error) {
        if (error instanceof SupportError) return errorResponse(error);
        throw error;
      }
    });
    methods.add(dev.path, 'GET');
  }
  app.notFound((c) => {
    const allow = methods.allowFor(new URL(c.req.url).pathname);
    if (allow !== null) return toResponse(methodNotAllowed(allow));
    return errorResponse(new SupportError('not_found', 'No such route.'));
  });
  app.onError((error) => {
    logger.error('unexpected error', { error: error.name });
    return errorResponse(new SupportError('internal', 'Something went wrong.'));
  });

  return async (req: Request) => app.fetch(req);
}
