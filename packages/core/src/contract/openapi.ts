import * as z from 'zod/mini';
import { ApiErrorBody, ERROR_STATUS, type ErrorCode } from './errors.js';
import { ROUTE_SUMMARIES } from './route-summaries.js';
import {
  type DestinationRouteName,
  destinationRoutes,
  type RouteName,
  type RouteSpec,
  routeBody,
  routes,
} from './routes.js';
import { END_PAGE_PATH, EndSessionForm } from './user-control.js';

type JsonSchema = Record<string, unknown>;

/**
 * Converts a schema; named schemas (`.meta({ id })`) that zod puts in `$defs` are hoisted
 * into `components` and referenced from there, so each appears once in the document.
 */
function jsonSchema(
  schema: z.ZodMiniType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const {
    $schema: _schema,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const relink = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= relink(def);
  return relink(rest);
}

function parameters(route: RouteSpec, components: Record<string, JsonSchema>): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input', components) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({ name, in: where, required: object.required?.includes(name) ?? false, schema: property });
    }
  }
  return list;
}

const errorResponse = {
  description: 'Typed error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
};

export interface OpenApiOptions {
  serverUrl?: string;
  version?: string;
  /** Digits of a verification code on this server (default 6): the verify bodies say so. */
  codeDigits?: number;
  /** The server publishes its signing keys at `/.well-known/jwks.json` (local signer). */
  jwks?: boolean;
  /** The server serves the end user's "End this assisted session now" page (`/end`). */
  endPage?: boolean;
  /** GET routes outside the table that this server also answers (e.g. its development routes). */
  extraRoutes?: readonly ExtraRoute[];
}

export interface ExtraRoute {
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly query?: z.ZodMiniType;
  readonly response: z.ZodMiniType;
}

function extraPaths(
  extra: readonly ExtraRoute[],
  components: Record<string, JsonSchema>,
): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of extra) {
    paths[route.path] = {
      get: {
        operationId: route.operationId,
        summary: route.summary,
        parameters: parameters({ query: route.query } as RouteSpec, components),
        responses: {
          200: {
            description: 'OK',
            content: { 'application/json': { schema: jsonSchema(route.response, 'output', components) } },
          },
          400: errorResponse,
        },
        security: [],
      },
    };
  }
  return paths;
}

/** Routes outside the table that the server also answers: its own description and its keys. */
function documentRoutes(jwks: boolean): Record<string, Record<string, JsonSchema>> {
  const get = (operationId: string, summary: string) => ({
    get: {
      operationId,
      summary,
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      },
      security: [],
    },
  });
  return {
    '/openapi.json': get('openApiDocument', 'This OpenAPI document'),
    ...(jwks
      ? { '/.well-known/jwks.json': get('signingKeys', 'Public keys (JWKS) that verify handoff tokens') }
      : {}),
  };
}

/** The destination apps' routes: form-encoded (OAuth style), HTTP Basic client credentials. */
function destinationPaths(
  components: Record<string, JsonSchema>,
): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, route] of Object.entries(destinationRoutes)) {
    const responses: Record<string, JsonSchema> = {
      200: {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output', components) } },
      },
    };
    for (const status of [400, 401, 413, 415, 429, 500, 503]) responses[status] = errorResponse;
    paths[route.path] = {
      post: {
        operationId,
        summary: ROUTE_SUMMARIES[operationId as DestinationRouteName],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': { schema: jsonSchema(route.body, 'input', components) },
          },
        },
        responses,
        security: [{ destinationClient: [] }],
      },
    };
  }
  return paths;
}

/** The end user's page: HTML, no agent token; the form's token is the only authority. */
function endPageRoutes(components: Record<string, JsonSchema>): Record<string, Record<string, JsonSchema>> {
  const html = (description: string) => ({
    description,
    content: { 'text/html': { schema: { type: 'string' } } },
  });
  return {
    [END_PAGE_PATH]: {
      get: {
        operationId: 'endPage',
        summary:
          'The page the "End this assisted session now" e-mail link opens (token in the URL fragment, never sent here)',
        responses: { 200: html('The page') },
        security: [],
      },
      post: {
        operationId: 'endSession',
        summary:
          "The page's form: `preview` shows who assists and until when; `confirm` ends the support session (step `ended_by_user`). Any bad, used or expired token gets the same neutral page",
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': { schema: jsonSchema(EndSessionForm, 'input', components) },
          },
        },
        responses: {
          200: html('The confirmation, the outcome or the neutral page'),
          429: html('Rate limited'),
        },
        security: [],
      },
    },
  };
}

/** OpenAPI 3.1 document generated from the same zod schemas the server validates with. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const components: Record<string, JsonSchema> = {};
  const errorStatuses = [...new Set<number>(Object.values(ERROR_STATUS))].sort();
  for (const [operationId, route] of Object.entries(routes) as [RouteName, RouteSpec][]) {
    const body = routeBody(operationId, options.codeDigits);
    const responses: Record<string, JsonSchema> = {
      [route.status]: {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output', components) } },
      },
    };
    for (const status of errorStatuses) responses[status] = errorResponse;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = {
      operationId,
      summary: ROUTE_SUMMARIES[operationId],
      parameters: [
        ...parameters(route, components),
        ...(route.method === 'POST'
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' },
              },
            ]
          : []),
      ],
      ...(body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(body, 'input', components) } },
            },
          }
        : {}),
      responses,
      security: route.agentAuth ? [{ agentToken: [] }] : [],
    };
  }
  const errorCodes = Object.keys(ERROR_STATUS) as ErrorCode[];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Waizant Support API',
      version: options.version ?? '0.1.0',
      description: `Errors are \`{ error: { code, message } }\` with code one of: ${errorCodes.join(', ')}.`,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths: {
      ...paths,
      ...destinationPaths(components),
      ...documentRoutes(options.jwks ?? false),
      ...(options.endPage ? endPageRoutes(components) : {}),
      ...extraPaths(options.extraRoutes ?? [], components),
    },
    components: {
      schemas: { ...components, ApiError: jsonSchema(ApiErrorBody, 'output', components) },
      securitySchemes: {
        agentToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        destinationClient: {
          type: 'http',
          scheme: 'basic',
          description: "A destination app's client id and secret (server option `destinationClients`)",
        },
      },
    },
  };
}
