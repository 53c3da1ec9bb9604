import { z } from 'zod';
import type { EmailPayload } from './email-payload.js';

/** The adapter's zod schema of the notification payload (the e-mail Lambda checks the same by hand). */
export const EmailPayloadSchema = z
  .object({
    issueId: z.string().min(1).max(128),
    kind: z.enum(['agent_code', 'user_code', 'assisted_session_started', 'assisted_session_receipt']),
    to: z.email().max(254),
    subject: z.string().min(1).max(200),
    text: z.string().min(1).max(10_000),
  })
  .strict() satisfies z.ZodType<EmailPayload>;
