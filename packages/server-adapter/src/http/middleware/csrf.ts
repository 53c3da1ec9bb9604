import { SupportError } from '@waizant/support-core';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';

/**
 * CSRF defence for state-changing requests: JSON only, no foreign Origin, no cross-site fetch
 * unless allow-listed.
 */
export function csrf(origins: ReadonlySet<string>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const req = c.req.raw;
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
    await next();
  });
}
