import { z } from 'zod';

/**
 * Time, attempt and rate limits. Defaults follow the project's security checklist; the
 * bounds keep a configuration from weakening them past what the checklist allows
 * (e.g. codes live at most 10 minutes, handoff tokens carry at least 128 bits).
 */
export const SupportLimits = z
  .strictObject({
    codeDigits: z.int().min(6).max(10).default(6),
    codeTtlSeconds: z.int().min(60).max(600).default(600),
    /** Wrong guesses allowed per session and step, counted across resends. */
    codeMaxAttempts: z.int().min(1).max(10).default(5),
    resendCooldownSeconds: z.int().min(10).max(600).default(30),
    maxResends: z.int().min(0).max(10).default(3),
    handoffTokenBytes: z.int().min(16).max(64).default(16),
    handoffTtlSeconds: z.int().min(30).max(300).default(120),
    idleTimeoutSeconds: z.int().min(60).max(3600).default(900),
    /** How long before the idle limit the agent is warned. */
    idleWarningSeconds: z.int().min(10).max(600).default(60),
    absoluteTimeoutSeconds: z.int().min(300).max(86_400).default(3600),
    lookupsPerAgentPerMinute: z.int().min(1).max(1000).default(30),
    codeSendsPerSessionPerHour: z.int().min(1).max(100).default(8),
    codeSendsPerUserPerHour: z.int().min(1).max(100).default(10),
  })
  .superRefine((limits, ctx) => {
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
    if (limits.resendCooldownSeconds >= limits.codeTtlSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['resendCooldownSeconds'],
        message: 'must be below codeTtlSeconds',
      });
    }
  });
export type SupportLimits = z.output<typeof SupportLimits>;
export type SupportLimitsInput = z.input<typeof SupportLimits>;

export const DEFAULT_LIMITS: SupportLimits = Object.freeze(SupportLimits.parse({}));

/** Validates configured limits over the defaults; throws one readable message naming every bad field. */
export function resolveLimits(input: SupportLimitsInput = {}): SupportLimits {
  const result = SupportLimits.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(limits)'}: ${i.message}`);
    throw new RangeError(`Invalid support limits — ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}
