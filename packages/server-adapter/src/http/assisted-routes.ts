import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type DestinationRouteName,
  type DestinationRouteSpec,
  destinationRoutes,
  SupportError,
} from '@waizant/support-core';
import type { Hono } from 'hono';
import type { Logger } from '../ports/index.js';
import { introspectAssisted, refreshAssisted } from '../services/assisted-sessions.js';
import type { ServiceContext } from '../services/context.js';
import { hitRateLimit } from '../services/rate-limits.js';
import type { MethodTable } from './allow.js';
import { invalid, readBody } from './body.js';
import type { AppEnv } from './middleware/env.js';
import { errorResponse, json } from './respond.js';

export interface DestinationClient {
  readonly id: string;
  readonly secret: string;
}

export interface AssistedRoutesOptions {
  readonly context: ServiceContext;
  readonly logger: Logger;
  readonly clients: readonly DestinationClient[];
  readonly bodyLimitBytes: number;
}

const FORM = 'application/x-www-form-urlencoded';
const BASIC_CHALLENGE = 'Basic realm="waizant-assisted", charset="UTF-8"';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-encoded, then Base64).
 * Secrets are compared as SHA-256 digests in constant time; an unknown id is compared against a
 * dummy so that it takes the same path.
 */
export function clientAuthenticator(clients: readonly DestinationClient[]) {
  const table = new Map(clients.map((c) => [c.id, digest(c.secret)]));
  const dummy = digest('no such client');
  return (header: string | null): string | null => {
    const match = /^Basic ([A-Za-z0-9+/]{1,1400}={0,2})$/.exec(header ?? '');
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      return null;
    }
    const expected = table.get(id);
    const same = timingSafeEqual(expected ?? dummy, digest(secret));
    return expected && same ? id : null;
  };
}

/** A form body as an object; a parameter sent twice is refused (RFC 6749 §3.1, RFC 7662 §2.1). */
function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(out, key))
      throw invalid([{ path: `body.${key}`.slice(0, 200), message: 'sent twice' }]);
    out[key] = value;
  }
  return out;
}

/**
 * Mounts the destination apps' routes (core's `destinationRoutes`). They are server-to-server:
 * client credentials instead of an agent token (an agent's bearer token is refused like any
 * other missing credential), no browser CORS or Origin check, the same body limit, and a
 * per-client rate limit.
 */
export function mountAssistedRoutes(
  app: Hono<AppEnv>,
  methods: MethodTable,
  options: AssistedRoutesOptions,
): void {
  const { context: ctx, logger } = options;
  const authenticate = clientAuthenticator(options.clients);
  const handlers: { [N in DestinationRouteName]: (clientId: string, body: never) => Promise<unknown> } = {
    introspectAssisted: (_client, body: { token: string }) => introspectAssisted(ctx, body.token),
    refreshAssisted: (client, body: { refresh_token: string }) =>
      refreshAssisted(ctx, client, body.refresh_token),
  };
  for (const [name, spec] of Object.entries(destinationRoutes) as Array<
    [DestinationRouteName, DestinationRouteSpec]
  >) {
    methods.add(spec.path, spec.method);
    app.post(spec.path, async (c) => {
      const req = c.req.raw;
      let status = 500;
      try {
        const clientId = authenticate(req.headers.get('authorization'));
        if (clientId === null) {
          logger.warn('request refused', { route: name, status: 401, reason: 'no valid client credentials' });
          status = 401;
          // Not errorResponse: it would challenge for a Bearer token, which these routes refuse.
          return json(401, new SupportError('unauthorized', 'Client authentication failed.').toBody(), {
            'WWW-Authenticate': BASIC_CHALLENGE,
          });
        }
        await hitRateLimit(
          ctx,
          ctx.db,
          'assisted_client',
          `assisted:client:${clientId}`,
          60,
          ctx.limits.assistedCallsPerClientPerMinute,
        );
        const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== FORM) throw new SupportError('unsupported_media_type', `Send the body as ${FORM}.`);
        const parsed = spec.body.safeParse(parseForm(await readBody(req, options.bodyLimitBytes)));
        if (!parsed.success) {
          throw invalid(
            parsed.error.issues.map((issue) => ({
              path: ['body', ...issue.path.map(String)].join('.').slice(0, 200),
              message: (issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message).slice(0, 300),
            })),
          );
        }
        const result = spec.response.parse(await handlers[name](clientId, parsed.data as never));
        status = spec.status;
        return json(spec.status, result);
      } catch (error) {
        if (error instanceof SupportError) {
          status = error.status;
          return errorResponse(error);
        }
        logger.error('unexpected error', {
          route: name,
          error: error instanceof Error ? error.name : 'unknown',
        });
        return errorResponse(new SupportError('internal', 'Something went wrong.'));
      } finally {
        logger.info('request', { route: name, method: 'POST', status });
      }
    });
  }
}
