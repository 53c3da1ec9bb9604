import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedSupportServer } from '../src/embedded.js';
import {
  CapturingLogger,
  closeAll,
  count,
  DEMO,
  freshDatabase,
  HMAC_KEY,
  latestCode,
  TestClock,
  wrap,
} from './helpers.js';

import { attempts, sessionAtAgentCode, wrong } from './support/codes.js';

afterEach(closeAll);

const ana = DEMO.agents.ana;

describe('concurrent verifies on two instances over one database decide once (b6)', () => {
  async function twoInstances() {
    const database = await freshDatabase();
    const second = await database.reopen();
    const clock = new TestClock();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const common = { clock, seed: false, secrets: { hmacKey: HMAC_KEY }, identity: { privateJwk } };
    const one = await createEmbeddedSupportServer({ ...common, database, logger: new CapturingLogger() });
    const two = await createEmbeddedSupportServer({
      ...common,
      database: second,
      logger: new CapturingLogger(),
    });
    const h1 = wrap(one, clock, new CapturingLogger());
    const h2 = wrap(two, clock, new CapturingLogger());
    return {
      h1,
      h2,
      close: async () => {
        await two.close();
        await one.close();
        await closeAll();
      },
    };
  }

  it('50 parallel verifies with the right code: exactly one succeeds', async () => {
    const { h1, h2, close } = await twoInstances();
    try {
      const { agent, id } = await sessionAtAgentCode(h1);
      const code = await latestCode(h1.server, ana.email);
      const token = agent.token;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? h1 : h2).call('POST', `/sessions/${id}/agent-code/verify`, { token, body: { code } }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const codes = results.map((r) => r.body.error?.code ?? 'ok');
      expect(
        codes.every((c) => ['ok', 'wrong_step', 'code_locked'].includes(c)),
        codes.join(),
      ).toBe(true);
      expect(await count(h1.server, 'support_codes', 'consumed_at IS NOT NULL')).toBe(1);
      expect((await attempts(h1, id)).step).toBe('user_code');
    } finally {
      await close();
    }
  });

  it('50 parallel wrong codes: exactly 5 are counted', async () => {
    const { h1, h2, close } = await twoInstances();
    try {
      const { agent, id } = await sessionAtAgentCode(h1);
      const code = await latestCode(h1.server, ana.email);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? h1 : h2).call('POST', `/sessions/${id}/agent-code/verify`, {
            token: agent.token,
            body: { code: wrong(code) },
          }),
        ),
      );
      const codes = results.map((r) => r.body.error?.code as string);
      expect(
        codes.filter((c) => c === 'code_invalid'),
        codes.join(),
      ).toHaveLength(4);
      expect(
        codes.every((c) => ['code_invalid', 'code_locked'].includes(c)),
        codes.join(),
      ).toBe(true);
      expect(await attempts(h1, id)).toEqual({ code_attempts: 5, step: 'locked' });
      expect(await count(h1.server, 'support_audit', "detail->>'error' = 'code_invalid'")).toBe(4);
      expect(await count(h1.server, 'support_audit', "action = 'session.lock'")).toBe(1);
    } finally {
      await close();
    }
  });
});
