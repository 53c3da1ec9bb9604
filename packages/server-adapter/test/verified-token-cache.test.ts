import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { verifiedTokenCache } from '../src/bindings/verified-token-cache.js';
import { closeAll, closeTemplate, DEMO, harness } from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

describe('verified agent-token cache', () => {
  it('returns what was stored until the token expires, then never again', () => {
    let now = 1_000_000;
    const cache = verifiedTokenCache<string>({ now: () => now });
    cache.set('token-a', 'agent-a', 1_000 + 60);
    expect(cache.get('token-a')).toBe('agent-a');
    expect(cache.get('token-b')).toBeUndefined();
    now = 1_059_999;
    expect(cache.get('token-a')).toBe('agent-a');
    now = 1_060_000;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not store a token already past its exp', () => {
    const cache = verifiedTokenCache<string>({ now: () => 2_000_000 });
    cache.set('late', 'agent', 2_000);
    cache.set('no-exp', 'agent', Number.NaN);
    expect(cache.get('late')).toBeUndefined();
    expect(cache.get('no-exp')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its capacity, dropping the least recently used first', () => {
    const cache = verifiedTokenCache<number>({ now: () => 0, capacity: 3 });
    for (const n of [1, 2, 3]) cache.set(`token-${n}`, n, 3600);
    expect(cache.get('token-1')).toBe(1); // used: now the most recent
    cache.set('token-4', 4, 3600);
    cache.set('token-5', 5, 3600);
    expect(cache.size).toBe(3);
    expect(cache.get('token-2')).toBeUndefined();
    expect(cache.get('token-3')).toBeUndefined();
    expect([cache.get('token-1'), cache.get('token-4'), cache.get('token-5')]).toEqual([1, 4, 5]);
  });
});

describe('the local signer verifies an agent token once, and never past its exp', () => {
  it('a cached token is refused once the clock passes its exp; a deactivated agent is refused at once', async () => {
    const h = await harness();
    const ana = await h.as(DEMO.agents.ana.id);
    expect(
      (await ana.post('/lookup', { email: DEMO.users.admin.email, flow: 'technical-assistance' })).status,
    ).toBe(200);
    h.clock.advance(3599);
    expect((await ana.get('/openapi.json')).status).toBe(200);
    expect(
      (await ana.post('/lookup', { email: DEMO.users.admin.email, flow: 'technical-assistance' })).status,
    ).toBe(200);
    h.clock.advance(1);
    const expired = await ana.post('/lookup', {
      email: DEMO.users.admin.email,
      flow: 'technical-assistance',
    });
    expect(expired.status).toBe(401);

    const fresh = await h.as(DEMO.agents.ana.id);
    expect(
      (await fresh.post('/lookup', { email: DEMO.users.admin.email, flow: 'technical-assistance' })).status,
    ).toBe(200);
    await h.server.database.query('UPDATE core_agents SET active = false WHERE id = $1', [
      DEMO.agents.ana.id,
    ]);
    const inactive = await fresh.post('/lookup', {
      email: DEMO.users.admin.email,
      flow: 'technical-assistance',
    });
    expect(inactive.status).toBe(401);
  });
});
