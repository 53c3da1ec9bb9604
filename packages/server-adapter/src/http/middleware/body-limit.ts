import { createMiddleware } from 'hono/factory';
import { readBody } from '../body.js';
import type { AppEnv } from './env.js';

/** Reads the body within `limit` bytes (413 beyond it, without reading on); sets `bodyText`. */
export function bodyLimit(limit: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('bodyText', await readBody(c.req.raw, limit));
    await next();
  });
}
