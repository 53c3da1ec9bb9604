import type { RouteName } from '@waizant/support-core';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../../ports/index.js';
import type { AppEnv } from './env.js';

/** One `request` line per contract request: route, method, final status and duration (never content). */
export function requestLog(logger: Logger, route: RouteName, method: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = Date.now();
    c.set('route', route);
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      logger.info('request', { route, method, status, ms: Date.now() - started });
    }
  });
}
