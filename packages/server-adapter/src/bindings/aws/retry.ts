/** Bounded exponential backoff with full jitter; only `isRetryable` errors are retried. */
export interface BackoffOptions {
  /** Total attempts including the first (≥1). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected for tests; defaults to setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; defaults to Math.random. */
  readonly random?: () => number;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, options: BackoffOptions, retryAfterMs?: number): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor((options.random ?? Math.random)() * exp);
  return Math.min(options.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Reads the `name` of an SDK error (or of anything shaped like one) without trusting its type. */
export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string')
    return error.name;
  return '';
}

/** Reads the HTTP status an SDK v3 error carries in `$metadata`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

// Not TooManyFailedAttemptsException: that is Cognito refusing a user after failed sign-ins,
// which a retry cannot fix (it is mapped to a refusal).
const THROTTLING_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/** A throttled request was refused before it ran: retrying it cannot duplicate a side effect. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING_NAMES.has(errorName(error)) || httpStatusOf(error) === 429;
}
