import * as z from 'zod/mini';
import type * as T from '../ui.js';
import { CANCEL_REASON_MAX, CANCEL_REASON_MIN, DEFAULT_CODE_DIGITS, EMAIL_MAX_LENGTH } from './constants.js';

export { CANCEL_REASON_MAX, CANCEL_REASON_MIN, DEFAULT_CODE_DIGITS, EMAIL_MAX_LENGTH } from './constants.js';

/**
 * The contract uses `zod/mini`: the same schemas validate on the server and in the browser,
 * and mini keeps the elements' bundle small (its functions tree-shake; classic's methods do not).
 * `doc` attaches the OpenAPI description (and `id`, which makes a named component).
 */
export function doc<T extends z.core.$ZodType>(schema: T, meta: z.core.GlobalMeta): T {
  z.globalRegistry.add(schema, meta);
  return schema;
}

/**
 * Every identifier on the wire (users, ecosystems, sessions, handoffs, processes) is a
 * lowercase RFC 9562 UUID. One format means one validator and no guessing at the boundary.
 */
export const Id = doc(
  z
    .string()
    .check(
      z.regex(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        'expected a lowercase UUID',
      ),
    ),
  { description: 'Lowercase RFC 9562 UUID', example: '5f0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e90' },
);
export type Id = T.Id;

/** Trimmed and lower-cased before it is checked, so lookups are case-insensitive. */
export const Email = doc(
  z.pipe(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(EMAIL_MAX_LENGTH)), z.email()),
  { description: 'E-mail address (at most 254 characters)', example: 'ana.perez@example.com' },
);
export type Email = T.Email;

export const Timestamp = doc(z.iso.datetime({ offset: true }), { description: 'ISO 8601 date-time, UTC' });
export type Timestamp = T.Timestamp;

export const Flow = z.enum(['technical-assistance', 'ecosystem-admin']);
export type Flow = T.Flow;

/** Role of the end user in one ecosystem: "usuario administrador" or "usuario administrado". */
export const Role = z.enum(['administrator', 'managed']);
export type Role = T.Role;

export const Destination = z.enum(['store', 'web', 'app']);
export type Destination = T.Destination;

/** The page a destination opens: admins land on the Web home, managed users on My Ecosystem. */
export const DestinationPage = z.enum(['web-home', 'web-my-ecosystem', 'store', 'app']);
export type DestinationPage = T.DestinationPage;

export const UserStatus = z.enum(['active', 'unconfirmed', 'disabled', 'locked']);
export type UserStatus = T.UserStatus;

export const CodePurpose = z.enum(['agent', 'user']);
export type CodePurpose = T.CodePurpose;

/** A one-time code of exactly `digits` ASCII digits: no spaces, no Unicode digits. */
export function verificationCode(digits: number = DEFAULT_CODE_DIGITS) {
  return doc(
    z.string().check(z.regex(new RegExp(`^[0-9]{${digits}}$`), `expected exactly ${digits} digits`)),
    {
      description: `One-time code of exactly ${digits} digits`,
      example: '0'.repeat(digits),
    },
  );
}
export const VerificationCode = verificationCode();

/**
 * Control characters (including newlines), lone surrogates and bidirectional overrides are
 * refused: the reason ends up in audit views, where they could forge lines or reorder text.
 */
const SAFE_TEXT = /^[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]*$/u;

export const CancelReason = doc(
  z
    .string()
    .check(
      z.trim(),
      z.minLength(CANCEL_REASON_MIN, `the reason needs at least ${CANCEL_REASON_MIN} characters`),
      z.maxLength(CANCEL_REASON_MAX, `the reason may have at most ${CANCEL_REASON_MAX} characters`),
      z.regex(SAFE_TEXT, 'the reason may not contain control characters'),
    ),
  { description: 'Why the agent cancels (3–500 characters, no control characters)' },
);
export type CancelReason = T.CancelReason;

/** Opaque pagination cursor issued by the server. */
export const Cursor = doc(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor')), {
  description: 'Opaque cursor from a previous page',
});

/** Handoff tokens: 128 bits or more, base64url. */
export const HandoffToken = doc(z.string().check(z.regex(/^[A-Za-z0-9_-]{22,128}$/, 'malformed token')), {
  description: 'One-time handoff token (base64url)',
});

export const IdempotencyKey = doc(
  z.string().check(z.regex(/^[A-Za-z0-9_-]{16,128}$/, 'malformed idempotency key')),
  {
    description: 'Idempotency-Key header: a retried POST with the same key has one effect',
  },
);
