import { ApiErrorBody, routePath, routes } from '@waizant/support-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupportServer, sqlCoreDirectory } from '../src/index.js';
import {
  BACKOFFICE,
  BASE,
  closeAll,
  count,
  DEMO,
  freshDatabase,
  HMAC_KEY,
  harness,
  snapshot,
  verifiedTechnicalSession,
} from './helpers.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;

const VALID_BODIES: Record<string, Record<string, unknown>> = {
  lookup: { email: DEMO.users.admin.email, flow: 'technical-assistance' },
  createSession: { flow: 'technical-assistance', userId: DEMO.users.admin.id },
  selectEcosystem: { ecosystemId: DEMO.ecosystems.perez.id },
  verifyAgentCode: { code: '123456' },
  verifyUserCode: { code: '123456' },
  createHandoff: { destination: 'web' },
  cancel: { reason: 'A valid reason' },
  redeemHandoff: { token: 'A'.repeat(22) },
};

const SPECIFIC: Record<string, unknown[]> = {
  code: ['12345a', '１２３４５６', ' 123456', '1234567', '12345', '12345\u0000', "1' OR '1'='1", ''],
  reason: [
    '',
    '  ',
    'ab',
    'a'.repeat(501),
    'a'.repeat(10_000),
    'line\nbreak',
    'nul\u0000byte',
    'bidi\u202Eoverride',
  ],
  email: ['not-an-email', "' OR 1=1 --", `${'a'.repeat(250)}@example.com`, 'a\u0000@example.com'],
  flow: ['TECHNICAL-ASSISTANCE', 'other', "'; DROP TABLE support_sessions; --"],
  userId: [
    'not-a-uuid',
    '00000000-0000-4000-8000-00000000000G',
    '00000000-0000-4000-8000-0000000000A1',
    "1' OR '1'='1",
  ],
  ecosystemId: ['not-a-uuid', '', "' OR 1=1 --"],
  destination: ['admin', 'WEB', "web' --"],
  token: ['short', 'A'.repeat(200), '../../../etc/passwd', "AAAAAAAAAAAAAAAAAAAAAA' OR '1'='1"],
};

function mutations(valid: Record<string, unknown>): Array<{ label: string; raw: string }> {
  const list: Array<{ label: string; raw: string }> = [
    { label: 'malformed JSON', raw: '{"a":' },
    { label: 'array', raw: '[]' },
    { label: 'string', raw: '"x"' },
    { label: 'null', raw: 'null' },
    { label: 'number', raw: '42' },
    { label: 'unknown field', raw: JSON.stringify({ ...valid, extra: "<script>alert('x')</script>" }) },
  ];
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...without } = valid;
    list.push({ label: `${key} missing`, raw: JSON.stringify(without) });
    for (const bad of [123, null, true, ['x'], { $ne: null }, ...(SPECIFIC[key] ?? [])]) {
      list.push({
        label: `${key}=${JSON.stringify(bad).slice(0, 30)}`,
        raw: JSON.stringify({ ...valid, [key]: bad }),
      });
    }
  }
  return list;
}

const BAD_IDS = [
  'not-a-uuid',
  "1' OR '1'='1",
  '00000000-0000-4000-8000-0000000000A1',
  'a'.repeat(10_000),
  '%00',
];

describe('malformed input on every route (b12)', () => {
  it('every route answers 400/413 with a typed error, echoes nothing, and changes nothing', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const sessionId = await verifiedTechnicalSession(h, agent, DEMO.users.admin);
    const before = await snapshot(h.server);
    const audits = await count(h.server, 'support_audit');
    const seen: string[] = [];
    const check = async (
      label: string,
      response: Promise<{ status: number; body: unknown }>,
      allowed = [400],
    ) => {
      const r = await response;
      expect(allowed, `${label} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
      const parsed = ApiErrorBody.parse(r.body);
      if (r.status === 400) expect(parsed.error.code).toBe('invalid_input');
      const text = JSON.stringify(r.body);
      for (const needle of [
        'OR 1=1',
        "OR '1'='1",
        'DROP TABLE',
        '<script>',
        'aaaaaaaaaa',
        'passwd',
        '\\u0000',
        'stack',
      ]) {
        expect(text, label).not.toContain(needle);
      }
      seen.push(label);
    };
    for (const [name, spec] of Object.entries(routes)) {
      const params: Record<string, string> = {
        sessionId,
        handoffId: '00000000-0000-4000-8000-000000000001',
        processId: DEMO.processes.designation,
        passkeyId: '00000000-0000-4000-8000-000000000002',
      };
      const path = routePath(spec.path, params);
      const token = spec.agentAuth ? agent.token : null;
      if ('params' in spec) {
        for (const bad of BAD_IDS) {
          const badPath = spec.path
            .replace(/\{\w+\}/, encodeURIComponent(bad))
            .replace(/\{\w+\}/g, (m) => encodeURIComponent(params[m.slice(1, -1)] ?? ''));
          await check(
            `${name} bad id`,
            h.call(spec.method, badPath, { token, body: VALID_BODIES[name] ?? {} }),
            bad.length > 5000 ? [400, 404, 414] : [400],
          );
        }
      }
      if (spec.method === 'GET') {
        if ('query' in spec) {
          for (const q of [
            'limit=0',
            'limit=1000',
            'limit=abc',
            'cursor=%25%25',
            'cursor=abc',
            'ecosystemId=x',
            'other=1',
          ]) {
            await check(`${name}?${q}`, h.call('GET', `${path}?${q}`, { token }));
          }
        }
        continue;
      }
      for (const m of mutations(VALID_BODIES[name] ?? {})) {
        await check(`${name} ${m.label}`, h.call('POST', path, { token, rawBody: m.raw }));
      }
      const huge = JSON.stringify({ ...VALID_BODIES[name], pad: 'a'.repeat(1024 * 1024) });
      await check(`${name} 1 MB`, h.call('POST', path, { token, rawBody: huge }), [413]);
      await check(
        `${name} 17 KiB`,
        h.call('POST', path, { token, rawBody: `{"pad":"${'a'.repeat(17 * 1024)}"}` }),
        [413],
      );
      await check(
        `${name} invalid UTF-8`,
        h.call('POST', path, { token, rawBody: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
      );
    }
    expect(seen.length).toBeGreaterThan(250);
    expect(await snapshot(h.server)).toBe(before);
    expect(await count(h.server, 'support_audit')).toBe(audits);
    expect(h.logger.lines.some((l) => l.includes('"status":400'))).toBe(true);
    expect(h.logger.lines.some((l) => l.includes('"status":500'))).toBe(false);
  });

  it('issues name the field and the rule, not the value', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const r = await agent.post('/lookup', { email: 'hello world', flow: 'technical-assistance', sneaky: 1 });
    expect(r.status).toBe(400);
    const paths = r.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('body.email');
    expect(JSON.stringify(r.body)).not.toContain('hello world');
    expect(JSON.stringify(r.body)).not.toContain('sneaky');
  });
});

describe('CSRF (b14) and headers', () => {
  it('refuses cross-site and foreign-origin POSTs with 403 and non-JSON POSTs with 415; accepts the back office origin', async () => {
    const h = await harness();
    const agent = await h.as(ana.id);
    const body = { email: DEMO.users.admin.email, flow: 'technical-assistance' };
    const crossSite: Array<Record<string, string>> = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'https://evil.example' },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of crossSite) {
      const r = await agent.post('/lookup', body, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    // Simple-request content types (no CORS preflight) are how a cross-site form posts.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const r = await agent.post('/lookup', body, { 'Content-Type': type });
      expect(r.status, type).toBe(415);
      expect(r.body.error.code).toBe('unsupported_media_type');
    }
    const ok = await agent.post('/lookup', body, { Origin: BACKOFFICE, 'Sec-Fetch-Site': 'same-site' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(BACKOFFICE);
    // Only destination apps may redeem cross-site.
    const redeem = await h.call('POST', '/handoffs/redeem', {
      body: { token: 'A'.repeat(22) },
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(redeem.status).toBe(403);
    expect(await count(h.server, 'support_audit', "action = 'lookup'")).toBe(1);
  });

  it('sends security headers on every response and serves the OpenAPI document', async () => {
    const h = await harness();
    const doc = await h.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/sessions/{sessionId}/agent-code/verify');
    // The routes outside the table are described too: this document and the signing keys.
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/openapi.json', '/.well-known/jwks.json']),
    );
    const keys = await h.call('GET', '/.well-known/jwks.json');
    expect(keys.status).toBe(200);
    expect(keys.body.keys[0].kty).toBe('EC');
    for (const r of [doc, await h.call('GET', '/nope'), await h.call('POST', '/lookup', { body: {} })]) {
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-type')).toContain('application/json');
    }
  });

  it('an unexpected failure is a generic 500 without details or stack', async () => {
    const database = await freshDatabase();
    const { createLocalIdentity, outboxNotifier } = await import('../src/embedded.js');
    const directory = sqlCoreDirectory(database);
    const clock = { now: () => new Date('2026-03-02T10:00:00.000Z') };
    const identity = await createLocalIdentity({ directory, clock });
    const broken = {
      ...directory,
      findUserByEmail: async () => {
        throw new Error('connection to 10.0.0.5 refused: password=hunter2');
      },
    };
    const server = await createSupportServer({
      bindings: { database, directory: broken, identity, notifier: outboxNotifier(database, clock) },
      secrets: { hmacKey: HMAC_KEY },
      clock,
    });
    try {
      const token = await identity.issueAgentToken(ana.id);
      const response = await server.fetch(
        new Request(`${BASE}/lookup`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: DEMO.users.admin.email, flow: 'technical-assistance' }),
        }),
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Something went wrong.' } });
      expect(text).not.toContain('hunter2');
    } finally {
      await server.close();
      await closeAll();
    }
  });
});
