import * as z from 'zod/mini';
import { CODE_DIGITS_MAX, CODE_DIGITS_MIN, DEFAULT_CODE_DIGITS } from '../contract/constants.js';

/**
 * Time, attempt and rate limits. Defaults follow docs/security.md §2.1–§2.3; the
 * bounds keep a configuration from weakening them past what those rules allow
 * (e.g. codes live at most 10 minutes, handoff tokens carry at least 128 bits).
 */
const bounded = (min: number, max: number, fallback: number) =>
  z._default(z.int().check(z.gte(min), z.lte(max)), fallback);

export const SupportLimits = z
  .strictObject({
    codeDigits: bounded(CODE_DIGITS_MIN, CODE_DIGITS_MAX, DEFAULT_CODE_DIGITS),
    codeTtlSeconds: bounded(60, 600, 600),
    /** Wrong guesses allowed per session and step, counted across resends. */
    codeMaxAttempts: bounded(1, 10, 5),
    resendCooldownSeconds: bounded(10, 600, 30),
    maxResends: bounded(0, 10, 3),
    handoffTokenBytes: bounded(16, 64, 16),
    handoffTtlSeconds: bounded(30, 300, 120),
    idleTimeoutSeconds: bounded(60, 3600, 900),
    /** How long before the idle limit the agent is warned. */
    idleWarningSeconds: bounded(10, 600, 60),
    absoluteTimeoutSeconds: bounded(300, 86_400, 3600),
    lookupsPerAgentPerMinute: bounded(1, 1000, 30),
    /** Codes of both kinds sent in one support session. */
    codeSendsPerSessionPerHour: bounded(1, 100, 8),
    /** Codes one agent sends to one user: below the per-user cap, so one agent cannot use it all up. */
    codeSendsPerAgentUserPerHour: bounded(1, 100, 6),
    /** Codes all agents together send to one user: bounds the mail a user can be flooded with. */
    codeSendsPerUserPerHour: bounded(2, 200, 20),
    /** Codes of both kinds one agent sends to anyone: bounds what one stolen agent token can send. */
    codeSendsPerAgentPerHour: bounded(1, 10_000, 60),
    /** Lifetime of an assisted-session access token; refreshed while the support session lives. */
    assistedTokenTtlSeconds: bounded(30, 300, 300),
    /** Introspection and refresh calls one destination client makes (each open page polls). */
    assistedCallsPerClientPerMinute: bounded(60, 1_000_000, 6000),
  })
  .check(
    z.superRefine((limits, ctx) => {
      if (limits.absoluteTimeoutSeconds < limits.idleTimeoutSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['absoluteTimeoutSeconds'],
          message: 'must be at least idleTimeoutSeconds',
        });
      }
      if (limits.idleWarningSeconds >= limits.idleTimeoutSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['idleWarningSeconds'],
          message: 'must be below idleTimeoutSeconds',
        });
      }
      // docs/limits.md: one agent's share of a user's codes must leave room for the other agents…
      if (limits.codeSendsPerAgentUserPerHour >= limits.codeSendsPerUserPerHour) {
        ctx.addIssue({
          code: 'custom',
          path: ['codeSendsPerAgentUserPerHour'],
          message: 'must be below codeSendsPerUserPerHour',
        });
      }
      // …and still allow the first code and every resend of one step.
      if (limits.codeSendsPerAgentUserPerHour < limits.maxResends + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['codeSendsPerAgentUserPerHour'],
          message: 'must allow at least maxResends + 1 sends',
        });
      }
      if (limits.resendCooldownSeconds >= limits.codeTtlSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['resendCooldownSeconds'],
          message: 'must be below codeTtlSeconds',
        });
      }
    }),
  );
export type SupportLimits = z.output<typeof SupportLimits>;
export type SupportLimitsInput = z.input<typeof SupportLimits>;

export const DEFAULT_LIMITS: SupportLimits = Object.freeze(SupportLimits.parse({}));

/** Validates configured limits over the defaults; throws one readable message naming every bad field. */
export function resolveLimits(input: SupportLimitsInput = {}): SupportLimits {
  const result = SupportLimits.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown limit ${issue.keys.join(', ')}`
        : `${issue.path.join('.') || '(limits)'}: ${issue.message}`,
    );
    throw new RangeError(`Invalid support limits — ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}
