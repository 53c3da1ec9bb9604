import { type RouteName, SupportError } from '@waizant/support-core';
import { createMiddleware } from 'hono/factory';
import { type ServiceContext, sha256Hex } from '../../services/context.js';
import { claimIdempotencyKey, storeIdempotentResponse } from '../../services/idempotency.js';
import { json } from '../respond.js';
import type { AppEnv } from './env.js';

/**
 * Idempotency-Key on an agent's POST: the first request with a key claims it and its answer
 * (success or typed error) is stored; a retry with the same key and request replays that answer
 * (`Idempotent-Replayed: true`), a different request with it is refused (`idempotency_conflict`).
 */
export function idempotency(context: ServiceContext, route: RouteName) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.get('idempotencyKey');
    if (key === null) return next();
    const { agentId } = c.get('agent');
    const request = { params: c.get('params'), query: c.get('query'), body: c.get('body') };
    const claim = await claimIdempotencyKey(context, agentId, route, key, sha256Hex(JSON.stringify(request)));
    if (claim.kind === 'replay') return json(claim.status, claim.body, { 'Idempotent-Replayed': 'true' });
    await next();
    // The handler's error, if it threw: Hono hands it to the error handler and keeps it in `c.error`.
    if (c.error) {
      const typed = c.error instanceof SupportError ? c.error : null;
      await storeIdempotentResponse(context, agentId, route, key, typed?.status ?? 500, typed?.toBody());
    } else {
      await storeIdempotentResponse(context, agentId, route, key, c.res.status, await c.res.clone().json());
    }
  });
}
