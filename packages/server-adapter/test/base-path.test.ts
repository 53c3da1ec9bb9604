import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, closeTemplate, DEMO, HMAC_KEY, harness } from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

const lookup = { email: DEMO.users.admin.email, flow: 'technical-assistance' };

describe('basePath', () => {
  it('serves every route under the prefix, and nothing at the root', async () => {
    const h = await harness({ basePath: '/api/support' });
    const agent = await h.as(DEMO.agents.ana.id);
    const found = await agent.post('/api/support/lookup', lookup);
    expect(found.status).toBe(200);
    expect(found.body.found).toBe(true);
    expect((await h.call('GET', '/api/support/openapi.json')).status).toBe(200);
    expect((await h.call('GET', `/api/support/dev/outbox?to=${DEMO.users.admin.email}`)).status).toBe(200);
    const outside = await agent.post('/lookup', lookup);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('not_found');
    expect((await h.call('GET', '/openapi.json')).status).toBe(404);
  });

  it('keeps the routes at the root when absent', async () => {
    const h = await harness();
    const agent = await h.as(DEMO.agents.ana.id);
    expect((await agent.post('/lookup', lookup)).status).toBe(200);
    expect((await h.call('GET', '/api/support/openapi.json')).status).toBe(404);
  });

  it.each(['api/support', '/api/support/', '/', '/api/../admin', '/api support'])(
    'refuses %j at start-up with a clear message',
    async (basePath) => {
      await expect(harness({ basePath, secrets: { hmacKey: HMAC_KEY } })).rejects.toThrow(
        /Invalid support server configuration:\n {2}- basePath .* must be a path like "\/api\/support"/,
      );
    },
  );
});
