import { createHash } from 'node:crypto';
import { BoundedMap } from '../bounded-map.js';

/** How many verified tokens a cache keeps by default (least recently used out first). */
export const DEFAULT_VERIFIED_TOKEN_CAPACITY = 10_000;

/**
 * What an agent token's signature check established, kept for the token's remaining lifetime so
 * that a token is verified once, not on every request. Keyed by SHA-256 of the token (the token
 * itself is never kept); bounded, least recently used out first; an entry is never returned at
 * or after its `exp`; only what passed verification is stored (a refused token is never cached).
 * Only the signature check is cached: the per-request checks after it (the agent still active in
 * the directory) still run every time.
 */
export interface VerifiedTokenCache<T> {
  get(token: string): T | undefined;
  /** `expSeconds`: the token's `exp` claim (seconds since the epoch). */
  set(token: string, value: T, expSeconds: number): void;
  readonly size: number;
}

export interface VerifiedTokenCacheOptions {
  /** The clock the verifier checks `exp` with, in milliseconds. */
  readonly now: () => number;
  readonly capacity?: number;
}

export function verifiedTokenCache<T>(options: VerifiedTokenCacheOptions): VerifiedTokenCache<T> {
  const entries = new BoundedMap<string, { value: T; expiresAtMs: number }>(
    options.capacity ?? DEFAULT_VERIFIED_TOKEN_CAPACITY,
  );
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  return {
    get(token) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (options.now() < entry.expiresAtMs) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(token, value, expSeconds) {
      const expiresAtMs = expSeconds * 1000;
      if (!Number.isFinite(expiresAtMs) || options.now() >= expiresAtMs) return;
      entries.set(keyOf(token), { value, expiresAtMs });
    },
    get size() {
      return entries.size;
    },
  };
}
