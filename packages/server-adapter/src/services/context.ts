import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { DestinationPage, SupportLimits } from '@waizant/support-core';
import type { BoundedMap } from '../bounded-map.js';
import type { StepUpConfig } from '../config.js';
import type { Clock, CoreDirectory, Identity, Logger, Notifier, SqlDatabase } from '../ports/index.js';
import type { SessionSubject } from './session-store.js';

/** Derived keys: one server secret, one sub-key per use, so a leak of one use reveals nothing else. */
export interface Keys {
  readonly code: Buffer;
  readonly token: Buffer;
  readonly ref: Buffer;
  /** Derives the handoff token of a command retried with the same Idempotency-Key. */
  readonly handoffSeed: Buffer;
  /** HMAC key of assisted-session refresh tokens. */
  readonly assistedRefresh: Buffer;
  /** AES-256-GCM key of identity-provider tokens kept at rest (HKDF-SHA-256). */
  readonly providerToken: Buffer;
}

export function deriveKeys(secret: string): Keys {
  const sub = (label: string) => createHmac('sha256', secret).update(`waizant-support:${label}`).digest();
  return {
    code: sub('code'),
    token: sub('handoff-token'),
    ref: sub('session-ref'),
    handoffSeed: sub('handoff-idempotent-token'),
    assistedRefresh: sub('assisted-refresh-token'),
    providerToken: Buffer.from(
      hkdfSync('sha256', secret, 'waizant-support', 'waizant-support:provider-token-encryption', 32),
    ),
  };
}

export interface ServiceContext {
  readonly db: SqlDatabase;
  readonly directory: CoreDirectory;
  readonly identity: Identity;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: SupportLimits;
  readonly keys: Keys;
  readonly destinations: Readonly<Record<DestinationPage, string>>;
  /** Absolute URL of the end user's end page (`…/end`), for the e-mail's link; null: no link. */
  readonly endPageUrl?: string | null;
  /** How agents pass the internal verification; absent: the e-mailed code only. */
  readonly stepUp?: StepUpConfig;
  /** Whom each session is about, once it can no longer change (see `sessionIdentity`). */
  readonly settledSubjects?: BoundedMap<string, SessionSubject>;
}

export function hmacHex(key: Buffer, ...parts: string[]): string {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(`${part.length}:${part}|`);
  return mac.digest('hex');
}

/** HMAC-SHA-256 of session id + purpose + code with the server's code key. */
export function codeHash(keys: Keys, sessionId: string, purpose: string, code: string): string {
  return hmacHex(keys.code, sessionId, purpose, code);
}

/** Constant-time comparison of two hex digests of the same algorithm. */
export function hashesEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** A uniformly drawn code of `digits` digits, zero-padded. */
export function drawCode(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

export function drawToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The handoff token for (session, agent, Idempotency-Key): an HMAC with a server sub-key, so a
 * retry re-derives the same link without the token ever being stored, and no one without the
 * key can compute it. Same length and alphabet as a drawn token.
 */
export function derivedHandoffToken(
  keys: Keys,
  sessionId: string,
  agentId: string,
  idempotencyKey: string,
  bytes: number,
): string {
  const mac = createHmac('sha512', keys.handoffSeed);
  for (const part of ['handoff', sessionId, agentId, idempotencyKey]) mac.update(`${part.length}:${part}|`);
  return mac.digest().subarray(0, bytes).toString('base64url');
}

export function tokenHash(keys: Keys, token: string): string {
  return hmacHex(keys.token, token);
}

/** The only form in which a session id may appear outside the sessions table. */
export function sessionRef(keys: Keys, sessionId: string): string {
  return hmacHex(keys.ref, sessionId).slice(0, 32);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
