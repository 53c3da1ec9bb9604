import { z } from 'zod';

/** The payload every notification Lambda receives (validated on both sides). */
export const EmailPayload = z
  .object({
    issueId: z.string().min(1).max(128),
    kind: z.enum(['agent_code', 'user_code', 'assisted_session_started']),
    to: z.email().max(254),
    subject: z.string().min(1).max(200),
    text: z.string().min(1).max(10_000),
  })
  .strict();
export type EmailPayload = z.infer<typeof EmailPayload>;
