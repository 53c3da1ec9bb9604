import * as z from 'zod/mini';
import { Id } from './primitives.js';

/**
 * What destination apps (Web, Store, App back ends) call about an assisted session, with their
 * client credentials (HTTP Basic), never an agent's token. Field names follow OAuth: RFC 7662 for
 * introspection, RFC 6749 §6 for refresh.
 */

const jwt = z.string().check(z.minLength(1), z.maxLength(8192));

/** RFC 7662 §2.1, form-encoded. An unknown `token_type_hint` is ignored, as the RFC asks. */
export const IntrospectRequest = z.strictObject({
  token: jwt,
  token_type_hint: z.optional(z.string().check(z.maxLength(64))),
});
export type IntrospectRequest = z.infer<typeof IntrospectRequest>;

export const ActiveIntrospection = z.strictObject({
  active: z.literal(true),
  /** The end user whose account is assisted. */
  sub: Id,
  /** The agent acting (RFC 8693 `act`). */
  act: z.strictObject({ sub: Id }),
  exp: z.int(),
  iat: z.int(),
  /** The audience the token was issued to. */
  client_id: z.string().check(z.maxLength(200)),
  /** The assisted session. */
  sid: Id,
  /** The support session's reference (an HMAC, never its id): the deny-list key. */
  support_ref: z.string().check(z.maxLength(200)),
  token_type: z.literal('Bearer'),
});

/** RFC 7662 §2.2: `{ "active": false }` alone for an ended, expired, foreign or unknown token. */
export const IntrospectResponse = z.union([
  ActiveIntrospection,
  z.strictObject({ active: z.literal(false) }),
]);
export type IntrospectResponse = z.infer<typeof IntrospectResponse>;

/** RFC 6749 §6, form-encoded. */
export const AssistedRefreshRequest = z.strictObject({
  grant_type: z.optional(z.literal('refresh_token')),
  refresh_token: z.string().check(z.minLength(1), z.maxLength(200)),
});
export type AssistedRefreshRequest = z.infer<typeof AssistedRefreshRequest>;

export const AssistedRefreshResponse = z.strictObject({
  access_token: jwt,
  token_type: z.literal('Bearer'),
  /** Seconds; at most `assistedTokenTtlSeconds`, never past the support session's deadline. */
  expires_in: z.int().check(z.gte(0)),
  /** The next refresh token: the one sent is spent. */
  refresh_token: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  sid: Id,
});
export type AssistedRefreshResponse = z.infer<typeof AssistedRefreshResponse>;
