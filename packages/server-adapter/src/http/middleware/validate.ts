import { IdempotencyKey, type RouteSpec } from '@waizant/support-core';
import { createMiddleware } from 'hono/factory';
import type * as z from 'zod/mini';
import { invalid } from '../body.js';
import type { AppEnv } from './env.js';

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

/** Path parameters and query string against the route's contract schemas; sets `params` and `query`. */
export function validateRequest(spec: RouteSpec) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('params', parsePart(spec.params, c.req.param(), 'params'));
    c.set('query', parsePart(spec.query, Object.fromEntries(new URL(c.req.url).searchParams), 'query'));
    await next();
  });
}

/**
 * A POST's JSON body (read by `bodyLimit`) against the route's body schema, and its
 * Idempotency-Key header; sets `body` and `idempotencyKey`.
 */
export function validateBody(schema: z.ZodMiniType | undefined) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('body', parsePart(schema, parseJson(c.get('bodyText')), 'body'));
    const header = c.req.raw.headers.get('idempotency-key');
    c.set(
      'idempotencyKey',
      header === null ? null : (parsePart(IdempotencyKey, header, 'headers.Idempotency-Key') as string),
    );
    await next();
  });
}
