import type { ApiErrorBody, ErrorDetails } from '../ui.js';

/**
 * The typed error and its codes, kept apart from the schemas (in `errors.ts`) so browser code
 * can branch on an error without loading the validator.
 */

/** Stable error codes. Clients branch on these, never on messages. */
export const ERROR_CODES = [
  'invalid_input',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'wrong_step',
  'idempotency_conflict',
  'not_eligible',
  'code_invalid',
  'code_expired',
  'code_locked',
  'code_not_sent',
  'passkey_refused',
  'passkey_not_enrolled',
  'step_up_not_allowed',
  'resend_too_soon',
  'resends_exhausted',
  'handoff_invalid',
  'session_expired',
  'session_closed',
  'user_ineligible',
  'assisted_session_ended',
  'session_ended_by_user',
  'rate_limited',
  'upstream_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  wrong_step: 409,
  idempotency_conflict: 409,
  not_eligible: 409,
  code_invalid: 422,
  code_expired: 422,
  code_locked: 423,
  code_not_sent: 409,
  // A passkey assertion or registration that did not verify (costs an attempt, like a wrong code).
  passkey_refused: 422,
  // The agent has no passkey yet (enrol one, or use the e-mailed code where allowed).
  passkey_not_enrolled: 409,
  // The step-up method asked for is not offered by this server's `agentStepUp` setting.
  step_up_not_allowed: 403,
  resend_too_soon: 429,
  resends_exhausted: 429,
  handoff_invalid: 401,
  session_expired: 410,
  session_closed: 410,
  // The session was closed because the user (or their membership) stopped being assistable.
  user_ineligible: 410,
  // OAuth's invalid_grant: one neutral answer for an ended, unknown or replayed refresh token.
  assisted_session_ended: 400,
  // The user ended the support session from the link of their e-mail.
  session_ended_by_user: 410,
  rate_limited: 429,
  upstream_unavailable: 503,
  internal: 500,
};

/** Errors after which the support session can no longer go on. */
export const TERMINAL_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'session_expired',
  'session_closed',
  'code_locked',
  'user_ineligible',
  'session_ended_by_user',
]);

/** The typed error both the client and the server throw; it serialises to `ApiErrorBody`. */
export class SupportError extends Error {
  override readonly name = 'SupportError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }

  static fromBody(body: ApiErrorBody): SupportError {
    return new SupportError(body.error.code, body.error.message, body.error.details);
  }
}

export function isSupportError(value: unknown): value is SupportError {
  return value instanceof SupportError;
}
