/** The payload every notification Lambda receives (validated on both sides). */
export interface EmailPayload {
  readonly issueId: string;
  readonly kind: 'agent_code' | 'user_code' | 'assisted_session_started' | 'assisted_session_receipt';
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

const KINDS: ReadonlySet<string> = new Set([
  'agent_code',
  'user_code',
  'assisted_session_started',
  'assisted_session_receipt',
]);
// The e-mail pattern zod 4 uses for `z.email()`, so both sides accept the same addresses.
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

const str = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * Checks a notification payload by hand (exactly these five fields, within the bounds of the
 * adapter's zod schema `EmailPayloadSchema`). Hand-written so that the e-mail Lambda's bundle
 * does not carry zod (README, "Trigger bundle size"). Returns a fresh object, or `null`.
 */
export function parseEmailPayload(value: unknown): EmailPayload | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length !== 5) return null;
  const { issueId, kind, to, subject, text } = v;
  if (!str(issueId, 1, 128) || typeof kind !== 'string' || !KINDS.has(kind)) return null;
  if (!str(to, 1, 254) || !EMAIL.test(to) || !str(subject, 1, 200) || !str(text, 1, 10_000)) return null;
  return { issueId, kind: kind as EmailPayload['kind'], to, subject, text };
}
