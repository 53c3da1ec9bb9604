import { SupportError } from '@waizant/support-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKOFFICE, closeAll, DEMO, harness } from './helpers.js';

// What a host team sees when it wires the kit wrongly: typed errors and warn lines, never a
// raw database error and never a token.

afterEach(closeAll);

describe('issueAgentToken on the embedded identity', () => {
  it('refuses an id that is not a UUID with a typed error instead of a raw SQL error', async () => {
    const h = await harness();
    const error = await h.server.issueAgentToken('acme-agent-42').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupportError);
    expect((error as SupportError).code).toBe('invalid_input');
    expect((error as Error).message).toContain('"acme-agent-42" is not an agent id');
    expect((error as Error).message).not.toMatch(/syntax|uuid:/i);
  });

  it('refuses an agent the directory does not have, unless asked to sign it anyway', async () => {
    const h = await harness();
    const unknown = '00000000-0000-4000-8000-00000000dead';
    const error = await h.server.issueAgentToken(unknown).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupportError);
    expect((error as SupportError).code).toBe('not_found');
    expect((error as Error).message).toContain(`no agent ${unknown} in the directory`);
    const forged = await h.server.issueAgentToken(unknown, { unknownAgent: true });
    expect(forged.split('.')).toHaveLength(3);
  });
});

describe('refused requests are logged at warn level with the reason', () => {
  const lookup = { email: DEMO.users.admin.email, flow: 'technical-assistance' };
  const warnings = (lines: readonly string[]) =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'warn');

  it('names a missing token, a refused token and a refused origin, never the token', async () => {
    const h = await harness();
    const token = await h.server.issueAgentToken(DEMO.agents.ana.id, { audience: 'another-client' });
    const good = await h.server.issueAgentToken(DEMO.agents.ana.id);

    expect((await h.call('POST', '/lookup', { body: lookup })).status).toBe(401);
    expect((await h.call('POST', '/lookup', { body: lookup, token })).status).toBe(401);
    const foreign = await h.call('POST', '/lookup', {
      body: lookup,
      token: good,
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const preflight = await h.server.fetch(
      new Request('https://support.example/lookup', {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:4700', 'Access-Control-Request-Method': 'POST' },
      }),
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await h.server.fetch(
      new Request('https://support.example/lookup', {
        method: 'OPTIONS',
        headers: { Origin: BACKOFFICE, 'Access-Control-Request-Method': 'POST' },
      }),
    );
    expect(allowed.headers.get('access-control-allow-origin')).toBe(BACKOFFICE);

    expect(warnings(h.logger.lines)).toEqual([
      {
        level: 'warn',
        message: 'request refused',
        route: 'lookup',
        status: 401,
        code: 'unauthorized',
        reason: 'no bearer token in the Authorization header',
        origin: null,
      },
      {
        level: 'warn',
        message: 'request refused',
        route: 'lookup',
        status: 401,
        code: 'unauthorized',
        reason: 'the identity refused the bearer token',
        origin: null,
      },
      {
        level: 'warn',
        message: 'request refused',
        route: 'lookup',
        status: 403,
        code: 'forbidden',
        reason: 'Cross-origin request refused.',
        origin: 'https://evil.example',
      },
      {
        level: 'warn',
        message: 'CORS preflight refused: origin not in origins',
        route: 'lookup',
        origin: 'http://localhost:4700',
      },
    ]);
    const all = h.logger.lines.join('\n');
    for (const secret of [token, good]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.split('.')[2]);
    }
  });
});
