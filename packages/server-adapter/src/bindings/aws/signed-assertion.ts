import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Server-signed assertions shared by the adapter and the Cognito trigger Lambdas.
 *
 * Format: `v1.<base64url(JSON payload)>.<base64url(HMAC-SHA-256(secret, "waizant-assisted:v1:" + purpose + "." + payloadB64))>`.
 * The purpose is part of the MAC input (domain separation), so the `claims` assertion that travels
 * in `ClientMetadata` can never be replayed as the `answer` of a CUSTOM_CHALLENGE, and vice versa.
 */
export type AssertionPurpose = 'answer' | 'claims';

export interface AssistedAssertion {
  /** Cognito username the assertion is for (`ChallengeParameters.USERNAME` of the InitiateAuth). */
  readonly username: string;
  /** Core DB user id. */
  readonly userId: string;
  readonly agentId: string;
  readonly sessionRef: string;
  readonly ecosystemId: string;
  readonly role: string;
  readonly destination: string;
  /** 128-bit random, base64url. */
  readonly nonce: string;
  /** Expiry, Unix seconds. */
  readonly exp: number;
  /**
   * The assisted session the tokens belong to (claim `sid`). Optional, so that triggers updated
   * first still accept the assertions of an adapter that does not send it yet.
   */
  readonly assistedSessionId?: string;
}

/** Bounds of each string field (min, max length). */
const FIELDS: ReadonlyArray<
  readonly [Exclude<keyof AssistedAssertion, 'exp' | 'assistedSessionId'>, number, number]
> = [
  ['username', 1, 128],
  ['userId', 1, 128],
  ['agentId', 1, 128],
  ['sessionRef', 1, 200],
  ['ecosystemId', 1, 128],
  ['role', 1, 64],
  ['destination', 1, 64],
  ['nonce', 16, 64],
];
const SID_MAX = 128;

/**
 * Checks an assertion payload by hand: exactly the fields above (plus, optionally,
 * `assistedSessionId`), strings within bounds, `exp` a positive integer. Hand-written rather than zod so that the trigger bundles stay small (README,
 * "Trigger bundle size"). Returns a fresh object, or `null`.
 */
export function parseAssistedAssertion(value: unknown): AssistedAssertion | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const hasSid = Object.hasOwn(record, 'assistedSessionId');
  if (keys.length !== FIELDS.length + 1 + (hasSid ? 1 : 0)) return null;
  const out: Record<string, unknown> = {};
  if (hasSid) {
    const sid = record.assistedSessionId;
    if (typeof sid !== 'string' || sid.length < 1 || sid.length > SID_MAX) return null;
    out.assistedSessionId = sid;
  }
  for (const [name, min, max] of FIELDS) {
    const field = record[name];
    if (typeof field !== 'string' || field.length < min || field.length > max) return null;
    out[name] = field;
  }
  const exp = record.exp;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp <= 0) return null;
  out.exp = exp;
  return out as unknown as AssistedAssertion;
}

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
  const checked = parseAssistedAssertion(payload);
  if (!checked) throw new Error('Invalid assisted-session assertion payload.');
  const payloadB64 = Buffer.from(JSON.stringify(checked), 'utf8').toString('base64url');
  return `v1.${payloadB64}.${mac(secretBytes(secret), purpose, payloadB64).toString('base64url')}`;
}

export interface VerifyAssertionOptions {
  readonly purpose: AssertionPurpose;
  /** The Cognito username the trigger runs for (`event.userName`); the assertion must name it. */
  readonly username: string;
  readonly now: Date;
}

/** One secret, or several while a rotation is under way (the current one first). */
export type AssertionSecrets = string | Uint8Array | readonly (string | Uint8Array)[];

function secretList(secrets: AssertionSecrets): Buffer[] {
  const list = typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : [...secrets];
  if (list.length === 0) throw new Error('No assisted-session secret configured.');
  return list.map(secretBytes);
}

/**
 * Verifies MAC (constant time, over fixed-length digests), expiry and the username, against every
 * secret given (rotation). Returns the payload, or `null` for anything invalid; never throws on
 * attacker input and never says why.
 */
export function verifyAssertion(
  secrets: AssertionSecrets,
  token: unknown,
  options: VerifyAssertionOptions,
): AssistedAssertion | null {
  const keys = secretList(secrets);
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const payloadB64 = parts[1] ?? '';
  const given = Buffer.from(parts[2] ?? '', 'base64url');
  // Every key is tried (no early exit), each over fixed-length digests; a wrong length is refused
  // after a dummy comparison.
  let ok = false;
  for (const key of keys) {
    const expected = mac(key, options.purpose, payloadB64);
    const match =
      given.length === expected.length
        ? timingSafeEqual(given, expected)
        : !timingSafeEqual(expected, expected);
    ok = match || ok;
  }
  if (!ok) return null;
  let parsed: AssistedAssertion;
  try {
    const result = parseAssistedAssertion(JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')));
    if (!result) return null;
    parsed = result;
  } catch {
    return null;
  }
  if (parsed.exp * 1000 <= options.now.getTime()) return null;
  if (parsed.username !== options.username) return null;
  return parsed;
}
