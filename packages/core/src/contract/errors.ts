import * as z from 'zod/mini';
import type * as T from '../ui.js';
import { IneligibleReason } from './api.js';
import { doc } from './primitives.js';
import { ERROR_CODES } from './support-error.js';

export { ERROR_CODES, ERROR_STATUS, isSupportError, SupportError, TERMINAL_ERRORS } from './support-error.js';

/** Stable error codes. Clients branch on these, never on messages. */
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = T.ErrorCode;

export const ErrorDetails = z.strictObject({
  attemptsLeft: z.optional(z.int().check(z.gte(0))),
  retryAfterSeconds: z.optional(z.int().check(z.gte(0))),
  /** With `user_ineligible`: why the user can no longer be assisted. */
  ineligibleReason: z.optional(IneligibleReason),
  issues: z.optional(
    z
      .array(
        z.object({ path: z.string().check(z.maxLength(200)), message: z.string().check(z.maxLength(300)) }),
      )
      .check(z.maxLength(20)),
  ),
});
export type ErrorDetails = T.ErrorDetails;

export const ApiErrorBody = doc(
  z.object({
    error: z.object({
      code: ErrorCode,
      message: z.string().check(z.maxLength(500)),
      details: z.optional(ErrorDetails),
    }),
  }),
  { id: 'ApiError' },
);
export type ApiErrorBody = T.ApiErrorBody;
