/** A picture the HTML part shows through `cid:`. */
export interface EmailInlineImage {
  readonly cid: string;
  readonly contentType: 'image/png';
  readonly contentBase64: string;
}

/** The payload every notification Lambda receives (validated on both sides). */
export interface EmailPayload {
  readonly issueId: string;
  readonly kind:
    | 'agent_code'
    | 'user_code'
    | 'assisted_session_started'
    | 'assisted_session_receipt'
    | 'handoff_qr';
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly inline?: readonly EmailInlineImage[];
}

/**
 * Bounds of the payload. At their maximum a payload stays near 100 KB, well under Lambda's
 * 256 KB asynchronous and 6 MB synchronous request limits (README, "The reference e-mail Lambda").
 */
export const EMAIL_PAYLOAD_LIMITS = {
  text: 10_000,
  html: 20_000,
  inlineCount: 1,
  /** A QR code PNG is a few KB; 64,000 base64 characters are 48,000 bytes. */
  inlineBase64: 64_000,
  cid: /^[A-Za-z0-9._-]{1,64}@[A-Za-z0-9.-]{1,64}$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/,
} as const;

const KINDS: ReadonlySet<string> = new Set([
  'agent_code',
  'user_code',
  'assisted_session_started',
  'assisted_session_receipt',
  'handoff_qr',
]);
const FIELDS: ReadonlySet<string> = new Set(['issueId', 'kind', 'to', 'subject', 'text', 'html', 'inline']);
// The e-mail pattern zod 4 uses for `z.email()`, so both sides accept the same addresses.
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

const str = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseInline(value: unknown): EmailInlineImage[] | null {
  const L = EMAIL_PAYLOAD_LIMITS;
  if (!Array.isArray(value) || value.length < 1 || value.length > L.inlineCount) return null;
  const images: EmailInlineImage[] = [];
  for (const item of value) {
    if (!isObject(item) || Object.keys(item).length !== 3) return null;
    const { cid, contentType, contentBase64 } = item;
    if (!str(cid, 1, 130) || !L.cid.test(cid) || contentType !== 'image/png') return null;
    if (!str(contentBase64, 1, L.inlineBase64) || !L.base64.test(contentBase64)) return null;
    images.push({ cid, contentType, contentBase64 });
  }
  return images;
}

/**
 * Checks a notification payload by hand (the five required fields, optionally `html` and
 * `inline`, within the bounds of the adapter's zod schema `EmailPayloadSchema`). Hand-written so
 * that the e-mail Lambda's bundle does not carry zod (README, "Trigger bundle size"). Returns a
 * fresh object, or `null`.
 */
export function parseEmailPayload(value: unknown): EmailPayload | null {
  if (!isObject(value)) return null;
  const v = value;
  const keys = Object.keys(v);
  if (keys.some((k) => !FIELDS.has(k))) return null;
  const { issueId, kind, to, subject, text, html, inline } = v;
  if (!str(issueId, 1, 128) || typeof kind !== 'string' || !KINDS.has(kind)) return null;
  if (!str(to, 1, 254) || !EMAIL.test(to) || !str(subject, 1, 200)) return null;
  if (!str(text, 1, EMAIL_PAYLOAD_LIMITS.text)) return null;
  if ('html' in v && !str(html, 1, EMAIL_PAYLOAD_LIMITS.html)) return null;
  const images = 'inline' in v ? parseInline(inline) : undefined;
  if (images === null) return null;
  return {
    issueId,
    kind: kind as EmailPayload['kind'],
    to,
    subject,
    text,
    ...(typeof html === 'string' ? { html } : {}),
    ...(images ? { inline: images } : {}),
  };
}
