import { SupportError } from '@waizant/support-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
      if (failMail) throw new Error('SES unavailable');
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
  it('sends once per issueId however often it is invoked', async () => {
    const mails: Parameters<MailSender>[0][] = [];
    const handler = createSendEmailHandler({
      store: memoryClaimStore(),
      send: async (mail) => void mails.push(mail),
    });
    const m = message(4);
    const results = await Promise.all([handler(m), handler(m), handler(m)]);
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(2);
    expect(mails).toHaveLength(1);
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
});
