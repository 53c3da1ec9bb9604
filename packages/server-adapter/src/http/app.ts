import {
  buildOpenApiDocument,
  type OpenApiOptions,
  type RouteName,
  type RouteResponse,
  type RouteSpec,
  routeBody,
  routes,
  SupportError,
} from '@waizant/support-core';
import { Hono, type MiddlewareHandler } from 'hono';
import type * as z from 'zod/mini';
import type { Identity, Logger } from '../ports/index.js';
import type { ServiceContext } from '../services/context.js';
import type { AgentRef, SupportServerServices } from '../services/index.js';
import { MethodTable } from './allow.js';
import { type DestinationClient, mountAssistedRoutes } from './assisted-routes.js';
import { agentAuth } from './middleware/agent-auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { cors, preflight } from './middleware/cors.js';
import { csrf } from './middleware/csrf.js';
import type { AppEnv } from './middleware/env.js';
import { errorHandler } from './middleware/errors.js';
import { idempotency } from './middleware/idempotency.js';
import { requestLog } from './middleware/request-log.js';
import { validateBody, validateRequest } from './middleware/validate.js';
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
  /** Destination apps' client credentials for the assisted-session routes. */
  readonly destinationClients?: readonly DestinationClient[];
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
    emailHandoff: ({ agent, params, body }) =>
      s.emailHandoff(agent, params.sessionId, params.handoffId, body.token),
    touch: ({ agent, params }) => s.touch(agent, params.sessionId),
    cancel: ({ agent, params, body }) => s.cancel(agent, params.sessionId, body.reason),
    complete: ({ agent, params }) => s.complete(agent, params.sessionId),
    listProcesses: ({ agent, params, query }) => s.listProcesses(agent, params.sessionId, query),
    getProcess: ({ agent, params }) => s.getProcess(agent, params.sessionId, params.processId),
    redeemHandoff: ({ body }) => s.redeemHandoff(body.token),
    agentPasskeyOptions: ({ agent, params }) => s.agentPasskeyOptions(agent, params.sessionId),
    verifyAgentPasskey: ({ agent, params, body }) =>
      s.verifyAgentPasskey(agent, params.sessionId, body.credential),
    passkeyRegistrationOptions: ({ agent, params }) => s.passkeyRegistrationOptions(agent, params.sessionId),
    registerPasskey: ({ agent, params, body }) =>
      s.registerPasskey(agent, params.sessionId, body.credential, body.name),
    listPasskeys: ({ agent }) => s.listPasskeys(agent),
    removePasskey: ({ agent, params }) => s.removePasskey(agent, params.passkeyId),
  };
}

/**
 * Responses with these are not stored for Idempotency-Key replay: their body carries a
 * one-time secret (the handoff link), which must not rest in plaintext. `createHandoff` gets
 * the key and replays by re-deriving its link instead.
 */
const NOT_REPLAYABLE: ReadonlySet<RouteName> = new Set(['createHandoff', 'redeemHandoff']);

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
  const app = new Hono<AppEnv>().basePath(options.basePath ?? '/');
  const methods = new MethodTable((options.basePath ?? '').replace(/\/$/, ''));

  for (const [name, spec] of Object.entries(routes) as Array<[RouteName, RouteSpec]>) {
    const origins = spec.agentAuth ? allowed : redeemAllowed;
    const handler = handlers[name] as (input: RouteInput<RouteName>) => Promise<unknown>;
    const post = spec.method === 'POST';
    methods.add(spec.path, spec.method);
    if (post) {
      methods.add(spec.path, 'OPTIONS');
      app.options(honoPath(spec.path), preflight(logger, name, origins));
    }
    // The request checks, in the order they apply; each one may refuse with a typed error.
    const checks: Array<MiddlewareHandler<AppEnv>> = [requestLog(logger, name, spec.method), cors(origins)];
    if (post) checks.push(csrf(origins));
    if (spec.agentAuth) checks.push(agentAuth(identity));
    checks.push(validateRequest(spec));
    if (post) checks.push(bodyLimit(limit), validateBody(routeBody(name, digits)));
    if (post && spec.agentAuth && !NOT_REPLAYABLE.has(name)) checks.push(idempotency(context, name));
    app.on(spec.method, [honoPath(spec.path)], ...checks, async (c) => {
      const input = {
        agent: spec.agentAuth ? c.get('agent') : { agentId: '' },
        params: c.get('params'),
        query: c.get('query'),
        body: post ? c.get('body') : undefined,
        idempotencyKey: post ? c.get('idempotencyKey') : null,
      } as RouteInput<RouteName>;
      return json(spec.status, spec.response.parse(await handler(input)));
    });
  }

  mountAssistedRoutes(app, methods, {
    context,
    logger,
    clients: options.destinationClients ?? [],
    bodyLimitBytes: limit,
  });
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
  app.onError(errorHandler(logger));

  return async (req: Request) => app.fetch(req);
}
