import { SupportError } from '@waizant/support-core';
import type { Context } from 'hono';
import type { Logger } from '../../ports/index.js';
import { errorResponse } from '../respond.js';
import type { AppEnv } from './env.js';

/**
 * The app's error handler: a typed error becomes its contract response, anything else a
 * generic 500 (its name logged, never its message or stack). Refusals of a contract route are
 * logged at warn level with the reason, as they are often a host misconfiguration.
 */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>): Response => {
    const route = c.get('route');
    if (route === undefined) {
      logger.error('unexpected error', { error: error.name });
      return errorResponse(new SupportError('internal', 'Something went wrong.'));
    }
    if (!(error instanceof SupportError)) {
      logger.error('unexpected error', { route, error: error.name });
      return errorResponse(new SupportError('internal', 'Something went wrong.'));
    }
    if (error.status === 401 || error.status === 403) {
      const req = c.req.raw;
      // Never the token itself.
      const bearer = /^Bearer \S/.test(req.headers.get('authorization') ?? '');
      const reason =
        error.status === 403
          ? error.message
          : bearer
            ? 'the identity refused the bearer token'
            : 'no bearer token in the Authorization header';
      logger.warn('request refused', {
        route,
        status: error.status,
        code: error.code,
        reason,
        origin: req.headers.get('origin'),
      });
    }
    return errorResponse(error);
  };
}
