/** The SMTP option of the embedded notifier, against an in-process SMTP server on loopback. */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import QRCode from 'qrcode';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpNotifier } from '../src/embedded.js';

let server: SMTPServer | undefined;

afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A mail catcher; `refuse` makes it reject every recipient. */
async function catcher(refuse = false): Promise<{ port: number; mails: ParsedMail[] }> {
  const mails: ParsedMail[] = [];
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(refuse ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', () => done()));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

const message = {
  issueId: 'c0ffee00-0000-4000-8000-000000000001',
  kind: 'user_code' as const,
  to: 'maria.admin@example.com',
  subject: 'Waizant support: your verification code for Ana Agent',
  text: 'Hello María,\n\nAna Agent, from Waizant support, …\nYour verification code is: 042317',
};

describe('smtpNotifier', () => {
  it('delivers the message with its subject, text, kind header and the issue id as Message-ID', async () => {
    const { port, mails } = await catcher();
    const notifier = await smtpNotifier({
      host: '127.0.0.1',
      port,
      from: 'support@waizant.local',
      ignoreTLS: true,
    });
    await notifier.send(message);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe(message.to);
    expect(mail?.from?.text).toBe('support@waizant.local');
    expect(mail?.subject).toBe(message.subject);
    expect(mail?.text?.trim()).toBe(message.text);
    expect(mail?.messageId).toBe(`<${message.issueId}@support.waizant.local>`);
    expect(mail?.headers.get('x-waizant-kind')).toBe('user_code');
  });

  it('sends the HTML part with its inline picture, referenced by Content-ID', async () => {
    const { port, mails } = await catcher();
    const notifier = await smtpNotifier({
      host: '127.0.0.1',
      port,
      from: 'support@waizant.local',
      ignoreTLS: true,
    });
    const png = await QRCode.toBuffer('https://app.example/#token=abc', { type: 'png' });
    await notifier.send({
      ...message,
      issueId: 'handoff-qr:c0ffee00-0000-4000-8000-000000000002',
      kind: 'handoff_qr',
      text: 'Open https://app.example/#token=abc',
      html: '<p><img src="cid:app-qr@support.waizant.local" alt="QR"></p>',
      inline: [
        {
          cid: 'app-qr@support.waizant.local',
          contentType: 'image/png',
          contentBase64: png.toString('base64'),
        },
      ],
    });
    const [mail] = mails;
    expect(mail?.text?.trim()).toBe('Open https://app.example/#token=abc');
    expect(mail?.headers.get('x-waizant-kind')).toBe('handoff_qr');
    expect(mail?.attachments).toHaveLength(1);
    const picture = mail!.attachments[0]!;
    expect(picture.cid).toBe('app-qr@support.waizant.local');
    expect(picture.contentType).toBe('image/png');
    expect(picture.related).toBe(true);
    expect(picture.content.equals(png)).toBe(true);
    // mailparser rewrites cid: references of related pictures into data: URLs.
    expect(mail?.html).toContain(`data:image/png;base64,${png.toString('base64')}`);
  });

  it('throws when the server refuses, so the code-send transaction rolls back', async () => {
    const { port, mails } = await catcher(true);
    const notifier = await smtpNotifier({
      host: '127.0.0.1',
      port,
      from: 'support@waizant.local',
      ignoreTLS: true,
    });
    await expect(notifier.send(message)).rejects.toThrow();
    expect(mails).toHaveLength(0);
  });
});
