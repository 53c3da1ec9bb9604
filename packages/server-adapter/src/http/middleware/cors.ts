import type { RouteName } from '@waizant/support-core';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../../ports/index.js';
import type { AppEnv } from './env.js';

/** The CORS headers for a request from an allowed origin; none for any other. */
export function corsHeaders(req: Request, origins: ReadonlySet<string>): Record<string, string> {
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

/** Adds the CORS headers to whatever the route answered, errors and replays included. */
export function cors(origins: ReadonlySet<string>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(corsHeaders(c.req.raw, origins)))
      c.res.headers.set(name, value);
  });
}

/** The answer to a POST route's preflight; a refused origin is logged, as it is usually a host misconfiguration. */
export function preflight(
  logger: Logger,
  route: RouteName,
  origins: ReadonlySet<string>,
): (c: Context) => Response {
  return (c) => {
    const origin = c.req.raw.headers.get('origin');
    if (origin !== null && !origins.has(origin))
      logger.warn('CORS preflight refused: origin not in origins', { route, origin });
    return new Response(null, { status: 204, headers: corsHeaders(c.req.raw, origins) });
  };
}
