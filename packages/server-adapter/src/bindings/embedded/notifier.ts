import type { Notifier } from '../../ports/index.js';

export interface SmtpNotifierOptions {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  readonly secure?: boolean;
  readonly ignoreTLS?: boolean;
  readonly auth?: { user: string; pass: string };
}

/** Sends through SMTP with nodemailer (e.g. to a local mail catcher). The issueId becomes the Message-ID. */
export async function smtpNotifier(options: SmtpNotifierOptions): Promise<Notifier> {
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    ignoreTLS: options.ignoreTLS ?? false,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        // Inline pictures: the HTML part shows each through `cid:` (RFC 2392).
        ...(message.inline?.length
          ? {
              attachments: message.inline.map((image) => ({
                cid: image.cid,
                filename: `${image.cid.split('@')[0]}.png`,
                contentType: image.contentType,
                content: image.contentBase64,
                encoding: 'base64',
              })),
            }
          : {}),
        messageId: `<${message.issueId}@support.waizant.local>`,
        headers: { 'X-Waizant-Kind': message.kind },
      });
    },
  };
}

/** Sends to every notifier in order (e.g. the outbox, then SMTP); fails if any fails. */
export function allNotifiers(...notifiers: Notifier[]): Notifier {
  return {
    async send(message, context) {
      for (const notifier of notifiers) await notifier.send(message, context);
    },
  };
}
