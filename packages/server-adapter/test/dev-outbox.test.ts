import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaNotifier } from '../src/bindings/aws/lambda-notifier.js';
import { OutboxMessages } from '../src/embedded.js';
import { composeCodeMessage } from '../src/services/messages.js';
import { startLocalLambda } from './aws/local-lambda.js';
import { closeAll, DEMO, harness, openTechnicalSession } from './helpers.js';

// The development outbox's shape: a typed list whose code messages carry the code as a field,
// described in the OpenAPI document while devRoutes are on.

afterEach(closeAll);

describe('GET /dev/outbox', () => {
  it('returns each code message with its code in a field, matching the documented schema', async () => {
    const h = await harness();
    const ana = await h.as(DEMO.agents.ana.id);
    const id = await openTechnicalSession(h, ana, DEMO.users.admin);
    expect((await ana.post(`/sessions/${id}/user-code`)).status).toBe(200);

    const all = await h.call('GET', '/dev/outbox');
    expect(all.status).toBe(200);
    const messages = OutboxMessages.parse(all.body);
    expect(messages.map((m) => [m.kind, m.to])).toEqual([
      ['agent_code', DEMO.agents.ana.email],
      ['user_code', DEMO.users.admin.email],
    ]);
    for (const message of messages) {
      expect(message.code).toMatch(/^\d{6}$/);
      expect(message.text).toContain(`code is: ${message.code}`);
    }

    const mine = await h.call('GET', `/dev/outbox?to=${encodeURIComponent(DEMO.users.admin.email)}`);
    expect(mine.body).toEqual([messages[1]]);
    expect(await h.server.outbox(DEMO.users.admin.email)).toEqual([messages[1]]);
  });

  it('refuses a malformed filter with a typed 400', async () => {
    const h = await harness();
    const r = await h.call('GET', `/dev/outbox?to=${'a'.repeat(300)}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
  });

  it('is in the OpenAPI document only while devRoutes are on', async () => {
    const on = await harness({ devRoutes: true });
    const doc = (await on.call('GET', '/openapi.json')).body;
    const operation = doc.paths['/dev/outbox'].get;
    expect(operation.operationId).toBe('devOutbox');
    expect(operation.parameters).toEqual([
      { name: 'to', in: 'query', required: false, schema: { type: 'string', minLength: 1, maxLength: 254 } },
    ]);
    const item = operation.responses['200'].content['application/json'].schema.items;
    expect(Object.keys(item.properties)).toEqual([
      'issueId',
      'kind',
      'to',
      'subject',
      'text',
      'code',
      'html',
      'inline',
      'createdAt',
    ]);
    expect(item.required).toContain('code');

    const off = await harness({ devRoutes: false });
    expect((await off.call('GET', '/openapi.json')).body.paths['/dev/outbox']).toBeUndefined();
  });
});

describe('the code field stays out of production notifiers’ payloads', () => {
  it('the Lambda notifier invokes with exactly the e-mail payload, the code only in the text', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    const lambda = await startLocalLambda({ 'agent-code': async () => ({ status: 'sent' }) });
    try {
      const message = composeCodeMessage({
        issueId: 'issue-outbox-1',
        purpose: 'agent',
        to: DEMO.agents.ana.email,
        code: '493817',
        agentName: 'Ana',
        userName: 'Luis',
        ecosystemNames: ['Casa'],
        ttlMinutes: 10,
      });
      expect(message.code).toBe('493817');
      const notifier = createLambdaNotifier({
        region: 'us-east-1',
        endpoint: lambda.endpoint,
        functions: { agentCode: 'agent-code', userCode: 'user-code', handoff: 'handoff' },
      });
      await notifier.send(message);
      expect(lambda.requests.map((r) => [r.name, JSON.parse(r.body)])).toEqual([
        [
          'agent-code',
          {
            issueId: 'issue-outbox-1',
            kind: 'agent_code',
            to: DEMO.agents.ana.email,
            subject: message.subject,
            text: message.text,
          },
        ],
      ]);
    } finally {
      await lambda.stop();
    }
  });
});
