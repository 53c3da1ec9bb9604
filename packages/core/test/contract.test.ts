import { describe, expect, it } from 'vitest';
import {
  ApiErrorBody,
  buildOpenApiDocument,
  CancelReason,
  CreateSessionRequest,
  destinationRoutes,
  Email,
  ERROR_STATUS,
  ErrorCode,
  HandoffToken,
  Id,
  LookupRequest,
  LookupResponse,
  ProcessListQuery,
  RedeemHandoffRequest,
  type RouteSpec,
  routeBody,
  routePath,
  routes,
  SupportError,
  SupportSessionView,
  VerifyCodeRequest,
  verificationCode,
  verifyCodeRequest,
} from '../src/index.js';
import { FOUND, sessionView } from './fixtures.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'; DROP TABLE support_sessions; --",
  '\u0000',
  '\u202Eevil',
  'x'.repeat(10_000),
];

describe('Email', () => {
  it('accepts a normal address and normalises case and spaces', () => {
    expect(Email.parse('  Ana.Perez@Example.COM ')).toBe('ana.perez@example.com');
  });

  it('accepts exactly 254 characters and refuses 255', () => {
    const domain = '@example.com';
    const local = (n: number) =>
      Array.from({ length: Math.ceil(n / 60) }, () => 'a'.repeat(59))
        .join('.')
        .slice(0, n);
    const at254 = `${local(254 - domain.length)}${domain}`;
    expect(at254).toHaveLength(254);
    expect(Email.safeParse(at254).success).toBe(true);
    expect(Email.safeParse(`a${at254}`).success).toBe(false);
  });

  it.each(['', 'ana', 'ana@', '@example.com', 'ana@@example.com', 'ana perez@example.com', ...HOSTILE])(
    'refuses %j',
    (value) => {
      expect(Email.safeParse(value).success).toBe(false);
    },
  );

  it('refuses non-strings', () => {
    for (const value of [null, 42, {}, ['a@b.co']]) expect(Email.safeParse(value).success).toBe(false);
  });
});

describe('verification codes', () => {
  it('accepts exactly six ASCII digits by default, leading zeros included', () => {
    expect(VerifyCodeRequest.parse({ code: '000123' })).toEqual({ code: '000123' });
  });

  it.each([
    '12345',
    '1234567',
    '12345a',
    ' 123456',
    '123 456',
    '١٢٣٤٥٦',
    '１２３４５６',
    '12345\u0000',
    '',
    ...HOSTILE,
  ])('refuses %j', (code) => {
    expect(VerifyCodeRequest.safeParse({ code }).success).toBe(false);
  });

  it('follows the configured number of digits', () => {
    expect(verificationCode(8).safeParse('12345678').success).toBe(true);
    expect(verificationCode(8).safeParse('123456').success).toBe(false);
    expect(verifyCodeRequest(8).safeParse({ code: '12345678' }).success).toBe(true);
  });

  it('refuses numbers and extra fields', () => {
    expect(VerifyCodeRequest.safeParse({ code: 123456 }).success).toBe(false);
    expect(VerifyCodeRequest.safeParse({ code: '123456', purpose: 'agent' }).success).toBe(false);
  });
});

describe('cancel reason', () => {
  it('accepts 3 to 500 characters, trimmed', () => {
    expect(CancelReason.parse('  abc  ')).toBe('abc');
    expect(CancelReason.safeParse('a'.repeat(500)).success).toBe(true);
  });

  it('stores markup verbatim: it is text, escaped where shown', () => {
    expect(CancelReason.parse('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(CancelReason.parse('"><svg onload=alert(1)>')).toBe('"><svg onload=alert(1)>');
  });

  it.each([
    ['empty', ''],
    ['too short', 'ab'],
    ['only spaces', '      '],
    ['too long', 'a'.repeat(501)],
    ['10k characters', 'x'.repeat(10_000)],
    ['a NUL', 'bad\u0000reason'],
    ['a newline (forged audit line)', 'ok\n2026-01-01 fake entry'],
    ['an escape sequence', 'ok \u001b[31m red'],
    ['a bidi override', 'user \u202Eevil'],
    ['a lone surrogate', 'bad \ud800 reason'],
  ])('refuses %s', (_, reason) => {
    expect(CancelReason.safeParse(reason).success).toBe(false);
  });
});

describe('identifiers and tokens', () => {
  it('accepts lowercase UUIDs only', () => {
    expect(Id.safeParse('5f0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e90').success).toBe(true);
    for (const bad of [
      '5F0C8A4E-2B7D-4C61-9A3E-0D2F6B1C7E90',
      '1',
      "1' OR '1'='1",
      '',
      '5f0c8a4e2b7d4c619a3e0d2f6b1c7e90',
    ])
      expect(Id.safeParse(bad).success).toBe(false);
  });

  it('accepts base64url handoff tokens of at least 128 bits', () => {
    expect(HandoffToken.safeParse('A'.repeat(22)).success).toBe(true);
    expect(RedeemHandoffRequest.safeParse({ token: 'A'.repeat(21) }).success).toBe(false);
    expect(RedeemHandoffRequest.safeParse({ token: 'A+B/C='.repeat(5) }).success).toBe(false);
  });

  it('refuses a session request with extra or wrong fields', () => {
    const ok = { flow: 'technical-assistance', userId: '5f0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e90' };
    expect(CreateSessionRequest.safeParse(ok).success).toBe(true);
    expect(CreateSessionRequest.safeParse({ ...ok, agentId: ok.userId }).success).toBe(false);
    expect(CreateSessionRequest.safeParse({ ...ok, flow: 'admin' }).success).toBe(false);
    expect(LookupRequest.safeParse({ email: 'a@b.co' }).success).toBe(false);
  });

  it('bounds process page sizes', () => {
    expect(ProcessListQuery.parse({ limit: '25' })).toEqual({ limit: 25 });
    for (const limit of ['0', '101', '-1', 'ten'])
      expect(ProcessListQuery.safeParse({ limit }).success).toBe(false);
  });
});

describe('responses', () => {
  it('parses found and not-found lookups', () => {
    expect(LookupResponse.parse(FOUND)).toEqual(FOUND);
    expect(LookupResponse.parse({ found: false })).toEqual({ found: false });
    expect(LookupResponse.safeParse({ found: true }).success).toBe(false);
  });

  it('parses a session view', () => {
    const view = sessionView('technical-assistance', 'agent_code', { withCode: true });
    expect(SupportSessionView.parse(view)).toEqual(view);
  });
});

describe('errors', () => {
  it('maps every error code to an HTTP status and a typed body', () => {
    for (const code of ErrorCode.options) {
      const error = new SupportError(code, 'message');
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(ApiErrorBody.parse(error.toBody())).toEqual({ error: { code, message: 'message' } });
      expect(SupportError.fromBody(error.toBody()).code).toBe(code);
    }
  });
});

describe('route table and OpenAPI', () => {
  const list = Object.entries(routes) as [string, RouteSpec][];

  it('declares a params schema for every path parameter', () => {
    for (const [name, route] of list) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      if (names.length === 0) continue;
      const shape = (route.params as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
      expect(Object.keys(shape ?? {}).sort(), name).toEqual([...names].sort());
    }
  });

  it('gives every POST a strict body schema and only redeem is reachable without an agent', () => {
    const posts = list.filter(([, route]) => route.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.filter(([, route]) => !route.body).map(([name]) => name)).toEqual([]);
    // Strict: a field the contract does not know is refused, whatever else the body holds.
    const lenient = posts.filter(
      ([, route]) => route.body?.safeParse({ unexpected: true }).success !== false,
    );
    expect(lenient.map(([name]) => name)).toEqual([]);
    for (const [name, route] of list) expect(route.agentAuth, name).toBe(name !== 'redeemHandoff');
  });

  it('documents the destination routes as form-encoded, behind client credentials, never an agent token', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, { post: { requestBody: { content: object }; security: object[] } }>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    for (const route of Object.values(destinationRoutes)) {
      const op = doc.paths[route.path]?.post;
      expect(Object.keys(op?.requestBody.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
      expect(op?.security).toEqual([{ destinationClient: [] }]);
    }
    expect(doc.components.securitySchemes.destinationClient?.scheme).toBe('basic');
  });

  it('fills path templates with encoded values', () => {
    expect(
      routePath('/sessions/{sessionId}/handoffs/{handoffId}', { sessionId: 'a', handoffId: 'b/c' }),
    ).toBe('/sessions/a/handoffs/b%2Fc');
    expect(() => routePath('/sessions/{sessionId}')).toThrow(/sessionId/);
  });

  it('documents every route in the OpenAPI document', () => {
    const doc = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods).map((op) => op.operationId),
    );
    // The route table, plus the document itself (the keys are listed only where a server has them).
    expect(operations.sort()).toEqual(
      [...Object.keys(routes), ...Object.keys(destinationRoutes), 'openApiDocument'].sort(),
    );
    expect(doc.paths['/.well-known/jwks.json']).toBeUndefined();
    expect(buildOpenApiDocument({ jwks: true }).paths).toHaveProperty(['/.well-known/jwks.json']);
    const verify = doc.paths['/sessions/{sessionId}/agent-code/verify']?.post as unknown as {
      requestBody: { content: { 'application/json': { schema: { $ref: string } } } };
    };
    expect(verify.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/VerifyCodeRequest',
    );
    expect(doc.components.schemas.VerifyCodeRequest?.properties.code?.pattern).toBe('^[0-9]{6}$');
    // Every reference resolves inside the document.
    for (const [, ref] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect(doc.components.schemas, ref).toHaveProperty(ref as string);
  });

  it('documents the verify bodies with the configured code length', () => {
    const doc = buildOpenApiDocument({ codeDigits: 8 }) as {
      paths: Record<string, Record<string, { requestBody: unknown }>>;
    };
    for (const path of [
      '/sessions/{sessionId}/agent-code/verify',
      '/sessions/{sessionId}/user-code/verify',
    ]) {
      const body = JSON.stringify(doc.paths[path]?.post?.requestBody);
      expect(body, path).toContain('^[0-9]{8}$');
      expect(body, path).not.toContain('VerifyCodeRequest');
    }
    expect(routeBody('verifyAgentCode', 8)?.safeParse({ code: '12345678' }).success).toBe(true);
    expect(routeBody('verifyAgentCode', 8)?.safeParse({ code: '123456' }).success).toBe(false);
    expect(routeBody('verifyAgentCode')).toBe(routes.verifyAgentCode.body);
    expect(routeBody('lookup', 8)).toBe(routes.lookup.body);
  });
});
