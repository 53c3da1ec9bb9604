import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Server-signed assertions shared by the adapter and the Cognito trigger Lambdas.
 *
 * Format: `v1.<base64url(JSON payload)>.<base64url(HMAC-SHA-256(secret, "waizant-assisted:v1:" + purpose + "." + payloadB64))>`.
 * The purpose is part of the MAC input (domain separation), so the `claims` assertion that travels
 * in `ClientMetadata` can never be replayed as the `answer` of a CUSTOM_CHALLENGE, and vice versa.
 */
export type AssertionPurpose = 'answer' | 'claims';

export const AssistedAssertion = z
  .object({
    /** Cognito username the assertion is for (the USERNAME sent to AdminInitiateAuth). */
    username: z.string().min(1).max(128),
    /** Core DB user id. */
    userId: z.string().min(1).max(128),
    agentId: z.string().min(1).max(128),
    sessionRef: z.string().min(1).max(200),
    ecosystemId: z.string().min(1).max(128),
    role: z.string().min(1).max(64),
    destination: z.string().min(1).max(64),
    /** 128-bit random, base64url. */
    nonce: z.string().min(16).max(64),
    /** Expiry, Unix seconds. */
    exp: z.int().positive(),
  })
  .strict();
export type AssistedAssertion = z.infer<typeof AssistedAssertion>;

export const MIN_SECRET_BYTES = 32;

function secretBytes(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES)
    throw new Error(`The assisted-session secret must be at least ${MIN_SECRET_BYTES} bytes.`);
  return bytes;
}

function mac(secret: Buffer, purpose: AssertionPurpose, payloadB64: string): Buffer {
  return createHmac('sha256', secret).update(`waizant-assisted:v1:${purpose}.${payloadB64}`).digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function signAssertion(
  secret: string | Uint8Array,
  purpose: AssertionPurpose,
  payload: AssistedAssertion,
): string {
  const payloadB64 = Buffer.from(JSON.stringify(AssistedAssertion.parse(payload)), 'utf8').toString(
    'base64url',
  );
  return `v1.${payloadB64}.${mac(secretBytes(secret), purpose, payloadB64).toString('base64url')}`;
}

export interface VerifyAssertionOptions {
  readonly purpose: AssertionPurpose;
  /** The Cognito username the trigger runs for (`event.userName`); the assertion must name it. */
  readonly username: string;
  readonly now: Date;
}

/**
 * Verifies MAC (constant time, over fixed-length digests), expiry and the username. Returns the
 * payload, or `null` for anything invalid; never throws on attacker input and never says why.
 */
export function verifyAssertion(
  secret: string | Uint8Array,
  token: unknown,
  options: VerifyAssertionOptions,
): AssistedAssertion | null {
  const key = secretBytes(secret);
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const payloadB64 = parts[1] ?? '';
  const given = Buffer.from(parts[2] ?? '', 'base64url');
  const expected = mac(key, options.purpose, payloadB64);
  // Compare digests of equal length only; a wrong length is refused after a dummy comparison.
  const ok =
    given.length === expected.length
      ? timingSafeEqual(given, expected)
      : !timingSafeEqual(expected, expected);
  if (!ok) return null;
  let parsed: AssistedAssertion;
  try {
    const result = AssistedAssertion.safeParse(
      JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')),
    );
    if (!result.success) return null;
    parsed = result.data;
  } catch {
    return null;
  }
  if (parsed.exp * 1000 <= options.now.getTime()) return null;
  if (parsed.username !== options.username) return null;
  return parsed;
}
