import { EmailPayload, type EmailPayload as EmailPayloadType } from '../email-payload.js';

/**
 * Dedupe store for the e-mail Lambda. `claim` must be atomic across concurrent invocations: it
 * returns true for exactly one caller per issueId (DynamoDB: PutItem with
 * `ConditionExpression: attribute_not_exists(issueId)` — see the README).
 */
export interface IssueClaimStore {
  claim(issueId: string): Promise<boolean>;
  /** Gives the claim back when the e-mail could not be handed to the mail service. */
  release(issueId: string): Promise<void>;
}

/** Hands one e-mail to the mail service (SES, SMTP…). */
export type MailSender = (mail: {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}) => Promise<void>;

export interface SendEmailHandlerOptions {
  readonly store: IssueClaimStore;
  readonly send: MailSender;
  readonly messageIdDomain?: string;
}

export type SendEmailResult = { status: 'sent' } | { status: 'duplicate' };

/**
 * Reference notification Lambda: validates the payload, claims the issueId, sends once.
 * At most once per issueId: a retried invoke (SDK retry, client timeout then retry) finds the claim
 * and returns `duplicate` without sending. If sending fails the claim is released and the handler
 * throws (→ FunctionError → the adapter rolls back). A crash between claim and send loses that
 * e-mail (the user asks for a resend, which is a new issueId) — the safe side for one-time codes.
 * Nothing of the payload is logged.
 */
export function createSendEmailHandler(options: SendEmailHandlerOptions) {
  const domain = options.messageIdDomain ?? 'support.waizant.local';
  return async function sendEmailHandler(event: unknown): Promise<SendEmailResult> {
    const parsed = EmailPayload.safeParse(event);
    if (!parsed.success) throw new Error('Invalid notification payload.');
    const mail: EmailPayloadType = parsed.data;
    if (!(await options.store.claim(mail.issueId))) return { status: 'duplicate' };
    try {
      await options.send({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.issueId}@${domain}>`,
      });
    } catch {
      await options.store.release(mail.issueId);
      throw new Error('Mail service refused the message.');
    }
    return { status: 'sent' };
  };
}
