/**
 * How the server is reached and set up: its development routes, the agent's sign-in token,
 * the configuration check at start-up, and the Node and Lambda mounts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toLambdaHandler } from '../src/http/lambda.js';
import { toNodeListener } from '../src/http/node.js';
import { createSupportServer, sqlCoreDirectory } from '../src/index.js';
import { closeAll, count, DEMO, freshDatabase, HMAC_KEY, harness } from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;

describe('development routes', () => {
  it('the outbox route is off unless devRoutes is set', async () => {
    const off = await harness({ devRoutes: false });
    expect((await off.call('GET', '/dev/outbox')).status).toBe(404);
    const on = await harness({ devRoutes: true });
    expect((await on.call('GET', '/dev/outbox')).status).toBe(200);
  });
});

describe('agent JWT (b17)', () => {
  it('refuses alg none, tampered, wrong aud/iss/token_use, missing group, expired, inactive or unknown agents', async () => {
    const h = await harness();
    const issue = (overrides = {}, agentId: string = ana.id) => h.server.issueAgentToken(agentId, overrides);
    const good = await issue();
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, sub: DEMO.agents.bruno.id })).toString(
      'base64url',
    );
    const tampered = `${header}.${tamperedPayload}.${signature}`;
    const flipped = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const bad: Record<string, string> = {
      none,
      tampered,
      flipped,
      audience: await issue({ audience: 'another-client' }),
      issuer: await issue({ issuer: 'https://evil.example' }),
      accessToken: await issue({ tokenUse: 'access' }),
      noGroup: await issue({ groups: ['customers'] }),
      expired: await issue({ issuedAt: new Date(h.clock.now().getTime() - 3601 * 1000) }),
      inactive: await issue({}, DEMO.agents.carla.id),
      unknown: await issue({ unknownAgent: true }, '00000000-0000-4000-8000-00000000dead'),
      garbage: 'not.a.jwt',
      empty: '',
    };
    for (const [label, token] of Object.entries(bad)) {
      const r = await h.call('GET', '/openapi.json');
      expect(r.status).toBe(200);
      const refused = await h.call('POST', '/lookup', {
        token: token || null,
        body: { email: DEMO.users.admin.email, flow: 'technical-assistance' },
      });
      expect(refused.status, label).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    }
    const justInTime = await issue({ issuedAt: new Date(h.clock.now().getTime() - 3599 * 1000) });
    const ok = await h.call('POST', '/lookup', {
      token: justInTime,
      body: { email: DEMO.users.admin.email, flow: 'technical-assistance' },
    });
    expect(ok.status).toBe(200);
    expect(await count(h.server, 'support_audit', "action = 'lookup'")).toBe(1);
  });
});

describe('configuration', () => {
  it('fails at start-up with a clear message', async () => {
    const database = await freshDatabase();
    const { createLocalIdentity, outboxNotifier } = await import('../src/embedded.js');
    const directory = sqlCoreDirectory(database);
    const clock = { now: () => new Date() };
    const identity = await createLocalIdentity({ directory, clock });
    const bindings = { database, directory, identity, notifier: outboxNotifier(database, clock) };
    try {
      await expect(createSupportServer({ bindings, secrets: { hmacKey: 'short' } })).rejects.toThrow(
        /secrets.hmacKey must have at least 32/,
      );
      await expect(
        createSupportServer({ bindings, secrets: { hmacKey: HMAC_KEY }, limits: { codeTtlSeconds: 3600 } }),
      ).rejects.toThrow(/codeTtlSeconds/);
      await expect(
        createSupportServer({
          bindings: { ...bindings, notifier: undefined as never },
          secrets: { hmacKey: HMAC_KEY },
        }),
      ).rejects.toThrow(/bindings.notifier is missing/);
      await expect(
        createSupportServer({ bindings, secrets: { hmacKey: HMAC_KEY }, origins: ['http://evil.example'] }),
      ).rejects.toThrow(/must use https/);
    } finally {
      await database.close();
      await closeAll();
    }
  });
});

describe('mounts', () => {
  it('serves through a Node http listener', async () => {
    const h = await harness();
    const server = createServer(toNodeListener(h.server.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const token = await h.server.issueAgentToken(ana.id);
      const r = await fetch(`http://127.0.0.1:${port}/lookup`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: DEMO.users.managed.email, flow: 'technical-assistance' }),
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { user: { id: string } }).user.id).toBe(DEMO.users.managed.id);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves an API Gateway v2 / function URL event through the Lambda mount', async () => {
    const h = await harness();
    const handler = toLambdaHandler(h.server.fetch);
    const token = await h.server.issueAgentToken(ana.id);
    const result = await handler({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/lookup',
      rawQueryString: '',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        host: 'support.example',
      },
      body: JSON.stringify({ email: DEMO.users.admin.email, flow: 'technical-assistance' }),
      isBase64Encoded: false,
      requestContext: {
        accountId: '123',
        apiId: 'x',
        domainName: 'support.example',
        domainPrefix: 'support',
        http: {
          method: 'POST',
          path: '/lookup',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: 'r',
        routeKey: '$default',
        stage: '$default',
        time: '',
        timeEpoch: 0,
      },
    } as never);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).found).toBe(true);
  });
});
