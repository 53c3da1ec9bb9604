import { z } from 'zod';
import { ApiErrorBody, ERROR_STATUS, type ErrorCode } from './errors.js';
import { type RouteSpec, routes } from './routes.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(route: RouteSpec): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as {
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

/** OpenAPI 3.1 document generated from the same zod schemas the server validates with. */
export function buildOpenApiDocument(options: { serverUrl?: string; version?: string } = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, route] of Object.entries(routes) as [string, RouteSpec][]) {
    const errorCodes = new Set<number>(Object.values(ERROR_STATUS));
    const responses: Record<string, JsonSchema> = {
      [route.status]: {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      },
    };
    for (const status of [...errorCodes].sort()) responses[status] = errorResponse;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      parameters: [
        ...parameters(route),
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
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
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
    paths,
    components: {
      schemas: { ApiError: jsonSchema(ApiErrorBody, 'output') },
      securitySchemes: { agentToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
