import { SupportError } from '@waizant/support-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMAIL_PAYLOAD_LIMITS, parseEmailPayload } from '../../src/bindings/aws/email-payload.js';
import { EmailPayloadSchema } from '../../src/bindings/aws/email-payload-schema.js';
import { createLambdaNotifier } from '../../src/bindings/aws/lambda-notifier.js';
import { createSendEmailHandler, type MailSender } from '../../src/bindings/aws/lambdas/send-email.js';
import type { Notification } from '../../src/ports/index.js';
import { capturingLogger, memoryClaimStore } from './helpers.js';
import { type LocalLambda, startLocalLambda } from './local-lambda.js';

// docs/security.md §3 rules 21, 22, 23, 15, 14; §4 checks 7 (one email per issue), 8 (Lambda faults), 15 (logs).
const FUNCTIONS = {
  agentCode: 'waizant-agent-code',
  userCode: 'waizant-user-code',
  handoff: 'waizant-handoff',
};
const CODES = ['493817', '702615', '118204', '650093', '384721', '905316'];

let lambda: LocalLambda;
const sent: Parameters<MailSender>[0][] = [];
const store = memoryClaimStore();
let failMail = false;
/** How long the mail service takes to answer (then fails if `failMail`). */
let mailDelayMs = 0;
const logger = capturingLogger();
const sleeps: number[] = [];
const bodies: string[] = [];

function message(n: number, kind: Notification['kind'] = 'user_code'): Notification {
  const code = CODES[n] ?? '000000';
  const text = `Your Waizant support code is ${code}. It expires in 10 minutes.`;
  bodies.push(text);
  return {
    issueId: `issue-${n}-${Date.now()}`,
    kind,
    to: 'ana.perez@example.com',
    subject: 'Your support code',
    text,
  };
}

function notifier(options: { requestTimeoutMs?: number; functions?: typeof FUNCTIONS } = {}) {
  return createLambdaNotifier({
    region: 'us-east-1',
    endpoint: lambda.endpoint,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    functions: options.functions ?? FUNCTIONS,
    logger,
    backoff: {
      attempts: 4,
      baseDelayMs: 10,
      maxDelayMs: 1_500,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<SupportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SupportError);
  return error as SupportError;
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const emailHandler = createSendEmailHandler({
    store,
    send: async (mail) => {
      const fail = failMail;
      if (mailDelayMs > 0) await new Promise((r) => setTimeout(r, mailDelayMs));
      if (fail) throw new Error('SES unavailable');
      sent.push(mail);
    },
  });
  lambda = await startLocalLambda({
    'waizant-agent-code': emailHandler,
    'waizant-user-code': emailHandler,
    'waizant-handoff': emailHandler,
    'waizant-broken': async () => {
      throw new Error('Task timed out after 3.00 seconds');
    },
    'waizant-handled': async () => {
      throw Object.assign(new Error('bad input'), { handled: true });
    },
    // Answers 200 without saying the e-mail went out.
    'waizant-null': async () => null,
    'waizant-pending': async () => ({ status: 'pending' }),
  });
  expect(new URL(lambda.endpoint).hostname).toBe('127.0.0.1');
});

afterAll(async () => {
  await lambda?.stop();
  // Nothing of a code, a body or an address in any log line written during these tests.
  const logs = logger.text();
  expect(logs.length).toBeGreaterThan(0);
  for (const code of CODES) expect(logs).not.toContain(code);
  for (const body of bodies) expect(logs).not.toContain(body);
  expect(logs).not.toContain('ana.perez@example.com');
  expect(logs).not.toContain('Task timed out');
});

beforeEach(() => {
  lambda.requests.length = 0;
  lambda.faults.length = 0;
  sent.length = 0;
  sleeps.length = 0;
  failMail = false;
  mailDelayMs = 0;
});

describe('Lambda notifier against a local Invoke endpoint', () => {
  it('success: the function receives the validated payload, RequestResponse, no log tail', async () => {
    const m = message(0);
    await notifier().send(m);
    expect(lambda.requests).toHaveLength(1);
    const [request] = lambda.requests;
    expect(request?.name).toBe('waizant-user-code');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      issueId: m.issueId,
      kind: 'user_code',
      to: m.to,
      subject: m.subject,
      text: m.text,
    });
    expect(request?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(request?.headers['x-amz-log-type']).toBeUndefined();
    expect(sent).toEqual([
      { to: m.to, subject: m.subject, text: m.text, messageId: `<${m.issueId}@support.waizant.local>` },
    ]);
  });

  it('the App link e-mail: HTML and the inline QR picture reach the mail sender; the largest payload stays far under the async limit', async () => {
    const png = await QRCode.toBuffer(`https://app.example/#token=${'A'.repeat(22)}`, {
      type: 'png',
      width: 240,
    });
    const m = {
      ...message(9, 'handoff_qr'),
      html: '<p><img src="cid:app-qr@support.waizant.local"></p>',
      inline: [
        {
          cid: 'app-qr@support.waizant.local',
          contentType: 'image/png' as const,
          contentBase64: png.toString('base64'),
        },
      ],
    };
    await notifier().send(m);
    const [request] = lambda.requests;
    expect(request?.name).toBe('waizant-handoff');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      issueId: m.issueId,
      kind: 'handoff_qr',
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      inline: m.inline,
    });
    expect(sent[0]).toMatchObject({ html: m.html, inline: m.inline });
    // At every bound at once, the payload is still far below Lambda's 256 KB asynchronous limit.
    const largest = {
      issueId: 'x'.repeat(128),
      kind: 'handoff_qr',
      to: `${'a'.repeat(240)}@example.com`,
      subject: 's'.repeat(200),
      text: 't'.repeat(EMAIL_PAYLOAD_LIMITS.text),
      html: 'h'.repeat(EMAIL_PAYLOAD_LIMITS.html),
      inline: [
        {
          cid: `${'c'.repeat(64)}@${'d'.repeat(64)}`,
          contentType: 'image/png',
          contentBase64: 'A'.repeat(EMAIL_PAYLOAD_LIMITS.inlineBase64),
        },
      ],
    };
    expect(EmailPayloadSchema.safeParse(largest).success).toBe(true);
    expect(new TextEncoder().encode(JSON.stringify(largest)).length).toBeLessThan((256 * 1024) / 2);
  });

  it('routes each kind to its configured function', async () => {
    await notifier().send(message(1, 'agent_code'));
    await notifier().send(message(2, 'assisted_session_started'));
    expect(lambda.requests.map((r) => r.name)).toEqual(['waizant-agent-code', 'waizant-handoff']);
  });

  it('FunctionError (Unhandled: throw, timeout, OOM) → upstream_unavailable "send failed", not retried', async () => {
    const broken = notifier({ functions: { ...FUNCTIONS, userCode: 'waizant-broken' } });
    const error = await failure(broken.send(message(3)));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toBe('send failed');
    expect(lambda.requests).toHaveLength(1);
    expect(logger.text()).toContain('"functionError":"Unhandled"');
  });

  it('FunctionError Handled → upstream_unavailable too', async () => {
    const handled = notifier({ functions: { ...FUNCTIONS, userCode: 'waizant-handled' } });
    expect((await failure(handled.send(message(3)))).code).toBe('upstream_unavailable');
    expect(lambda.requests).toHaveLength(1);
    expect(logger.text()).toContain('"functionError":"Handled"');
  });

  it('the mail service failing inside the function → FunctionError → send failed; the claim is released', async () => {
    failMail = true;
    const m = message(4);
    expect((await failure(notifier().send(m))).code).toBe('upstream_unavailable');
    expect(store.claimed.has(m.issueId)).toBe(false);
    failMail = false;
    await notifier().send(m);
    expect(sent).toHaveLength(1);
  });

  it('429 then success → backoff honouring Retry-After, exactly one delivery', async () => {
    lambda.faults.push({ throttle: { retryAfterSeconds: 1 } });
    await notifier().send(message(5));
    expect(lambda.requests).toHaveLength(2);
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([1_000]);
  });

  it('persistent 429 → upstream_unavailable after exactly the configured attempts (SDK retries are off)', async () => {
    for (let i = 0; i < 10; i++) lambda.faults.push({ throttle: { retryAfterSeconds: 0 } });
    expect((await failure(notifier().send(message(0)))).code).toBe('upstream_unavailable');
    expect(lambda.requests).toHaveLength(4);
    expect(sent).toHaveLength(0);
  });

  it('a response timeout followed by a retry → the function ran twice, one e-mail for the issueId', async () => {
    lambda.faults.push({ delayResponseMs: 1_000 });
    const m = message(1);
    await notifier({ requestTimeoutMs: 300 }).send(m);
    expect(lambda.requests).toHaveLength(2);
    expect(lambda.requests.map((r) => JSON.parse(r.body).issueId)).toEqual([m.issueId, m.issueId]);
    await new Promise((r) => setTimeout(r, 800)); // let the first (slow) invocation finish too
    expect(sent.filter((mail) => mail.messageId.includes(m.issueId))).toHaveLength(1);
    expect(logger.text()).toContain('TimeoutError');
  });

  it('a retry that overtakes a still-running first invoke is a failure, not "sent" (the first then fails)', async () => {
    // Invoke 1 claims the issueId and waits on the mail service; the client times out and retries;
    // invoke 2 finds the claim still pending; invoke 1 then fails and releases it.
    mailDelayMs = 1_000;
    failMail = true;
    const m = message(2);
    const error = await failure(notifier({ requestTimeoutMs: 300 }).send(m));
    expect(error.code).toBe('upstream_unavailable');
    expect(lambda.requests.map((r) => JSON.parse(r.body).issueId)).toEqual([m.issueId, m.issueId]);
    expect(logger.text()).toContain('"functionError":"Unhandled"');
    // Invoke 1 ends: the mail service refused, the claim is released.
    await vi.waitFor(() => expect(store.claimed.has(m.issueId)).toBe(false), { timeout: 10_000 });
    expect(sent).toHaveLength(0);
  });

  it('a retry that overtakes a first invoke which then succeeds still reports failure (never a guess)', async () => {
    mailDelayMs = 1_000;
    const m = message(3);
    expect((await failure(notifier({ requestTimeoutMs: 300 }).send(m))).code).toBe('upstream_unavailable');
    await vi.waitFor(() => expect(store.claimed.get(m.issueId)).toBe('sent'), { timeout: 10_000 });
    // A later retry of the same issueId now learns it was sent.
    mailDelayMs = 0;
    await notifier().send(m);
    expect(sent.filter((mail) => mail.messageId.includes(m.issueId))).toHaveLength(1);
  });

  it('a 200 that does not confirm the e-mail (no status, or not sent) is a failure', async () => {
    for (const fn of ['waizant-null', 'waizant-pending']) {
      lambda.requests.length = 0;
      const quiet = notifier({ functions: { ...FUNCTIONS, userCode: fn } });
      expect((await failure(quiet.send(message(4)))).code).toBe('upstream_unavailable');
      expect(lambda.requests).toHaveLength(1);
    }
  });

  it('unknown function (404 ResourceNotFoundException) → upstream_unavailable, not retried', async () => {
    const missing = notifier({ functions: { ...FUNCTIONS, userCode: 'waizant-missing' } });
    expect((await failure(missing.send(message(2)))).code).toBe('upstream_unavailable');
    expect(lambda.requests).toHaveLength(1);
    expect(logger.text()).toContain('ResourceNotFoundException');
  });

  it('an invalid payload is refused before any invoke', async () => {
    const bad = { ...message(3), to: 'not-an-email' };
    expect((await failure(notifier().send(bad))).code).toBe('internal');
    expect(lambda.requests).toHaveLength(0);
  });
});

describe('reference e-mail Lambda', () => {
  it('sends once per issueId however often it is invoked; later invokes answer duplicate', async () => {
    const mails: Parameters<MailSender>[0][] = [];
    const handler = createSendEmailHandler({
      store: memoryClaimStore(),
      send: async (mail) => void mails.push(mail),
    });
    const m = message(4);
    expect(await handler(m)).toEqual({ status: 'sent' });
    expect(await handler(m)).toEqual({ status: 'duplicate' });
    expect(await handler(m)).toEqual({ status: 'duplicate' });
    expect(mails).toHaveLength(1);
  });

  it('concurrent invokes of one issueId: one sends, the others fail while it is pending', async () => {
    const mails: Parameters<MailSender>[0][] = [];
    const claims = memoryClaimStore();
    const handler = createSendEmailHandler({
      store: claims,
      send: async (mail) => {
        await new Promise((r) => setTimeout(r, 20));
        mails.push(mail);
      },
    });
    const m = message(5);
    const results = await Promise.allSettled([handler(m), handler(m), handler(m)]);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([{ status: 'sent' }]);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r.reason as Error).message).toBe('The same notification is still being sent.');
    expect(mails).toHaveLength(1);
    expect(claims.claimed.get(m.issueId)).toBe('sent');
  });

  it('refuses an invalid payload without claiming it', async () => {
    const claims = memoryClaimStore();
    const handler = createSendEmailHandler({ store: claims, send: async () => {} });
    await expect(handler({ issueId: 'x', kind: 'user_code', to: 'a@b.test', subject: 's' })).rejects.toThrow(
      'Invalid notification payload.',
    );
    await expect(handler({ ...message(5), extra: 1 })).rejects.toThrow('Invalid notification payload.');
    expect(claims.claimed.size).toBe(0);
  });

  it('checks the payload exactly as the adapter zod schema does', () => {
    const good = { issueId: 'i-1', kind: 'user_code', to: 'ana@example.com', subject: 's', text: 't' };
    const img = {
      cid: 'app-qr@support.waizant.local',
      contentType: 'image/png',
      contentBase64: 'iVBORw0KGgo=',
    };
    const cases: unknown[] = [
      good,
      { ...good, kind: 'agent_code' },
      { ...good, kind: 'assisted_session_started' },
      { ...good, kind: 'other' },
      { ...good, issueId: '' },
      { ...good, issueId: 'x'.repeat(128) },
      { ...good, issueId: 'x'.repeat(129) },
      { ...good, to: 'not-an-email' },
      { ...good, to: 'a..b@example.com' },
      { ...good, to: '.a@example.com' },
      { ...good, to: "o'brien+tag@mail.example.co" },
      { ...good, to: 'a@b.c' },
      { ...good, to: `${'a'.repeat(250)}@b.co` },
      { ...good, subject: '' },
      { ...good, subject: 's'.repeat(201) },
      { ...good, text: 't'.repeat(10_000) },
      { ...good, text: 't'.repeat(10_001) },
      { ...good, extra: 1 },
      { ...good, text: 5 },
      { ...good, kind: 'handoff_qr', html: '<p>h</p>', inline: [img] },
      { ...good, html: '' },
      { ...good, html: 'h'.repeat(20_000) },
      { ...good, html: 'h'.repeat(20_001) },
      { ...good, inline: [] },
      { ...good, inline: [img, img] },
      { ...good, inline: [{ ...img, contentType: 'image/gif' }] },
      { ...good, inline: [{ ...img, cid: 'no-domain' }] },
      { ...good, inline: [{ ...img, contentBase64: 'not base64!' }] },
      { ...good, inline: [{ ...img, contentBase64: 'A'.repeat(64_000) }] },
      { ...good, inline: [{ ...img, contentBase64: 'A'.repeat(64_004) }] },
      { ...good, inline: [{ ...img, extra: 1 }] },
      { ...good, inline: img },
      null,
      [],
      'payload',
    ];
    for (const value of cases) {
      const zod = EmailPayloadSchema.safeParse(value);
      expect(parseEmailPayload(value), JSON.stringify(value)?.slice(0, 80)).toEqual(
        zod.success ? zod.data : null,
      );
    }
  });
});
