import { SupportError } from '@waizant/support-core';
import { createMiddleware } from 'hono/factory';
import type { Identity } from '../../ports/index.js';
import type { AppEnv } from './env.js';

/** The agent's bearer token, verified by the host's identity; sets `agent`. */
export function agentAuth(identity: Identity) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.raw.headers.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(header);
    if (!match?.[1]) throw new SupportError('unauthorized', 'Sign in again.');
    c.set('agent', await identity.verifyAgentToken(match[1]));
    await next();
  });
}
