import { z } from 'zod';
import { EMAIL_PAYLOAD_LIMITS, type EmailPayload } from './email-payload.js';

const L = EMAIL_PAYLOAD_LIMITS;

/** The adapter's zod schema of the notification payload (the e-mail Lambda checks the same by hand). */
export const EmailPayloadSchema = z
  .object({
    issueId: z.string().min(1).max(128),
    kind: z.enum([
      'agent_code',
      'user_code',
      'assisted_session_started',
      'assisted_session_receipt',
      'handoff_qr',
    ]),
    to: z.email().max(254),
    subject: z.string().min(1).max(200),
    text: z.string().min(1).max(L.text),
    html: z.string().min(1).max(L.html).optional(),
    inline: z
      .array(
        z
          .object({
            cid: z.string().regex(L.cid),
            contentType: z.literal('image/png'),
            contentBase64: z.string().min(1).max(L.inlineBase64).regex(L.base64),
          })
          .strict(),
      )
      .min(1)
      .max(L.inlineCount)
      .optional(),
  })
  .strict() satisfies z.ZodType<EmailPayload>;
