import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaNotifier } from '../src/bindings/aws/lambda-notifier.js';
import { allNotifiers, outboxNotifier, smtpNotifier } from '../src/embedded.js';
import type { Notifier } from '../src/index.js';
import { type startLocalLambda as StartLocalLambda, startLocalLambda } from './aws/local-lambda.js';
import {
  BACKEND,
  closeAll,
  count,
  DEMO,
  freshDatabase,
  type Harness,
  harness,
  TestClock,
} from './helpers.js';
import { freePort } from './support/pg-cluster.mjs';

// The notifier down during send-code: 503, nothing counted, nothing half-written, and a later
// send works. Real parts: nodemailer against a closed then listening SMTP port; the AWS SDK's
// Lambda client against a local Invoke endpoint whose function fails.
const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await closeAll();
});

/** The session at the agent-code step, before any code was sent. */
async function atAgentCode(h: Harness) {
  const agent = await h.as(ana.id);
  const created = await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id });
  const id = created.body.id as string;
  await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
  return { agent, id };
}

async function expectNothingWritten(h: Harness, id: string, view: unknown, outboxBefore: number) {
  expect((await h.call('GET', `/sessions/${id}`, { token: (await h.as(ana.id)).token })).body).toEqual(view);
  const { rows } = await h.server.database.query<{ code_sends: number }>(
    'SELECT code_sends FROM support_sessions WHERE id = $1',
    [id],
  );
  expect(rows[0]?.code_sends).toBe(0);
  expect(await count(h.server, 'support_codes', `session_id = '${id}'`)).toBe(0);
  expect(await count(h.server, 'support_outbox')).toBe(outboxBefore);
  expect(await count(h.server, 'support_audit', "action = 'code.send.agent' AND outcome = 'failed'")).toBe(1);
}

const codeIn = (text: string) => /code is: (\d+)/.exec(text)?.[1] ?? '';

describe(`notifier down during send-code (${BACKEND})`, () => {
  it('embedded SMTP refusing connections: 503, no resend used, no live code; a send after it is back works', async () => {
    const port = await freePort();
    const database = await freshDatabase();
    const clock = new TestClock();
    const smtp = await smtpNotifier({
      host: '127.0.0.1',
      port,
      from: 'support@waizant.example',
      ignoreTLS: true,
    });
    const h = await harness({
      database,
      clock,
      notifier: allNotifiers(outboxNotifier(database, clock), smtp),
    });
    const { agent, id } = await atAgentCode(h);
    const view = (await agent.get(`/sessions/${id}`)).body;

    const failed = await agent.post(`/sessions/${id}/agent-code`);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('upstream_unavailable');
    await expectNothingWritten(h, id, view, 0);

    const mails: ParsedMail[] = [];
    const catcher = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      disableReverseLookup: true,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          mails.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((done) => catcher.listen(port, '127.0.0.1', () => done()));
    stops.push(() => new Promise<void>((done) => catcher.close(() => done())));
    expect((catcher.server.address() as AddressInfo).port).toBe(port);

    const sent = await agent.post(`/sessions/${id}/agent-code`);
    expect(sent.status).toBe(200);
    expect(sent.body.code.resendsLeft).toBe(3);
    expect(mails).toHaveLength(1);
    const verified = await agent.post(`/sessions/${id}/agent-code/verify`, {
      code: codeIn(mails[0]!.text ?? ''),
    });
    expect(verified.body.step).toBe('user_code');
  });

  it('Lambda notifier whose function fails (FunctionError): 503, no resend used, no live code; the next send works', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    let down = true;
    const received: Array<{ issueId: string; text: string }> = [];
    const lambda: Awaited<ReturnType<typeof StartLocalLambda>> = await startLocalLambda({
      'waizant-agent-code': async (event) => {
        if (down) throw new Error('SES unavailable');
        received.push(event as { issueId: string; text: string });
        return { status: 'sent' }; // the reference e-mail Lambda's answer once the mail service took it
      },
    });
    stops.push(() => lambda.stop());
    const notifier: Notifier = createLambdaNotifier({
      region: 'us-east-1',
      endpoint: lambda.endpoint,
      requestTimeoutMs: 5_000,
      functions: {
        agentCode: 'waizant-agent-code',
        userCode: 'waizant-user-code',
        handoff: 'waizant-handoff',
      },
      backoff: { sleep: async () => {} },
    });
    const h = await harness({ notifier });
    const { agent, id } = await atAgentCode(h);
    const view = (await agent.get(`/sessions/${id}`)).body;

    const failed = await agent.post(`/sessions/${id}/agent-code`);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('upstream_unavailable');
    // One invoke: a FunctionError is not retried (the function ran and failed).
    expect(lambda.requests.map((r) => r.name)).toEqual(['waizant-agent-code']);
    await expectNothingWritten(h, id, view, 0);

    down = false;
    const sent = await agent.post(`/sessions/${id}/agent-code`);
    expect(sent.status).toBe(200);
    expect(sent.body.code.resendsLeft).toBe(3);
    expect(received).toHaveLength(1);
    const failedIssue = JSON.parse(lambda.requests[0]!.body).issueId;
    expect(received[0]!.issueId).not.toBe(failedIssue);
    const verified = await agent.post(`/sessions/${id}/agent-code/verify`, {
      code: codeIn(received[0]!.text),
    });
    expect(verified.body.step).toBe('user_code');
  });
});
