import { type EmailInlineImage, type EmailPayload, parseEmailPayload } from '../email-payload.js';

/** What `claim` found: the caller now owns the issueId, or it was already claimed. */
export type IssueClaim = 'claimed' | 'pending' | 'sent';

/**
 * Dedupe store for the e-mail Lambda. Each issueId is `pending` from its claim until the mail
 * service accepted the message, then `sent`. Every method is one conditional write, atomic across
 * concurrent invocations (DynamoDB: README, "The reference e-mail Lambda and its dedupe store").
 */
export interface IssueClaimStore {
  /** Absent → `pending`, returning `claimed` to exactly one caller; otherwise the current state. */
  claim(issueId: string): Promise<IssueClaim>;
  /** `pending` → `sent`, once the mail service accepted the message. */
  markSent(issueId: string): Promise<void>;
  /** Deletes a `pending` claim whose e-mail could not be handed to the mail service. */
  release(issueId: string): Promise<void>;
}

/** Hands one e-mail to the mail service (SES, SMTP…). */
export type MailSender = (mail: {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  /** The HTML alternative, when the payload has one; it shows `inline` pictures through `cid:`. */
  html?: string;
  inline?: readonly EmailInlineImage[];
}) => Promise<void>;

export interface SendEmailHandlerOptions {
  readonly store: IssueClaimStore;
  readonly send: MailSender;
  readonly messageIdDomain?: string;
}

/** `duplicate`: this issueId had already been sent (a retried invoke); nothing was sent again. */
export type SendEmailResult = { status: 'sent' } | { status: 'duplicate' };

/**
 * Reference notification Lambda: validates the payload, claims the issueId, sends once, and
 * reports success only for an e-mail the mail service accepted, now or before:
 * - first invoke → `pending`, send, `sent` → `{ status: 'sent' }`;
 * - a retry after `sent` → `{ status: 'duplicate' }`, nothing sent again;
 * - a retry while the first invoke still holds `pending` (a client timeout, then a retry that
 *   overtakes it) → throws (FunctionError): that e-mail is not known to be sent, and the first
 *   invoke may yet fail. The adapter rolls back and the agent may try again.
 * If sending fails the claim is released and the handler throws. A crash between claim and send
 * leaves the issueId `pending` for good: at most once, the user asks for a resend (a new issueId).
 * Nothing of the payload is logged.
 */
export function createSendEmailHandler(options: SendEmailHandlerOptions) {
  const domain = options.messageIdDomain ?? 'support.waizant.local';
  return async function sendEmailHandler(event: unknown): Promise<SendEmailResult> {
    const mail: EmailPayload | null = parseEmailPayload(event);
    if (!mail) throw new Error('Invalid notification payload.');
    const claim = await options.store.claim(mail.issueId);
    if (claim === 'sent') return { status: 'duplicate' };
    if (claim !== 'claimed') throw new Error('The same notification is still being sent.');
    try {
      await options.send({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.issueId}@${domain}>`,
        ...(mail.html ? { html: mail.html } : {}),
        ...(mail.inline ? { inline: mail.inline } : {}),
      });
    } catch {
      await options.store.release(mail.issueId);
      throw new Error('Mail service refused the message.');
    }
    await options.store.markSent(mail.issueId);
    return { status: 'sent' };
  };
}
