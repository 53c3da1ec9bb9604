/**
 * Code-send limits that one agent (or one stolen agent token) cannot turn against a user:
 * each agent has its own share of a user's budget, the per-user cap still bounds the total,
 * and every trip is audited with its bucket kind. The numbers are in docs/limits.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, type ApiResponse, closeAll, count, DEMO, type Harness, harness } from './helpers.js';

afterEach(closeAll);

const successor = DEMO.users.successor;

/** Opens an Ecosystem Admin session (its first step is the user's code) and sends that code. */
async function sendToSuccessor(agent: Agent): Promise<{ id: string } & Pick<ApiResponse, 'status' | 'body'>> {
  const id = (await agent.post('/sessions', { flow: 'ecosystem-admin', userId: successor.id })).body.id;
  const r = await agent.post(`/sessions/${id}/user-code`);
  return { id, status: r.status, body: r.body };
}

async function trips(h: Harness): Promise<Array<{ agent_id: string; bucket: string; detail: string }>> {
  const { rows } = await h.server.database.query<{ agent_id: string; bucket: string; detail: string }>(
    `SELECT agent_id, detail->>'bucket' AS bucket, detail::text AS detail FROM support_audit
     WHERE detail->>'error' = 'rate_limited' ORDER BY id`,
  );
  return rows;
}

async function userMails(h: Harness): Promise<number> {
  return count(h.server, 'support_outbox', `to_address = '${successor.email}'`);
}

describe('code sends per agent and user, under the per-user cap', () => {
  it('agent A at its own cap for user U does not stop agent B from sending U a code', async () => {
    const h = await harness();
    const ana = await h.as(DEMO.agents.ana.id);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await sendToSuccessor(ana)).status);
    // docs/limits.md: 6 per agent and user per hour.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    const bruno = await h.as(DEMO.agents.bruno.id);
    const helped = await sendToSuccessor(bruno);
    expect(helped.status).toBe(200);
    expect(await userMails(h)).toBe(7);
    const audited = await trips(h);
    expect(audited).toHaveLength(4);
    expect(audited.every((t) => t.bucket === 'send_agent_user' && t.agent_id === DEMO.agents.ana.id)).toBe(
      true,
    );
  });

  it('the per-user cap still bounds what all agents together send; each trip is audited with its bucket', async () => {
    const h = await harness({ limits: { codeSendsPerAgentUserPerHour: 4, codeSendsPerUserPerHour: 6 } });
    const ana = await h.as(DEMO.agents.ana.id);
    const bruno = await h.as(DEMO.agents.bruno.id);
    const answers: Array<[string, number]> = [];
    for (let i = 0; i < 5; i++) answers.push(['ana', (await sendToSuccessor(ana)).status]);
    for (let i = 0; i < 3; i++) answers.push(['bruno', (await sendToSuccessor(bruno)).status]);
    expect(answers).toEqual([
      ['ana', 200],
      ['ana', 200],
      ['ana', 200],
      ['ana', 200],
      ['ana', 429],
      ['bruno', 200],
      ['bruno', 200],
      ['bruno', 429],
    ]);
    expect(await userMails(h)).toBe(6);
    const audited = await trips(h);
    expect(audited.map((t) => t.bucket)).toEqual(['send_agent_user', 'send_user']);
    for (const trip of audited) expect(trip.detail).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // A refused send changed nothing in its session: no code, no send counted.
    const refused = await sendToSuccessor(bruno);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(await count(h.server, 'support_codes', `session_id = '${refused.id}'`)).toBe(0);
    expect(await count(h.server, 'support_sessions', `id = '${refused.id}' AND code_sends = 0`)).toBe(1);
    // The next window opens both buckets again.
    h.clock.advance(3600);
    expect((await sendToSuccessor(await h.as(DEMO.agents.bruno.id))).status).toBe(200);
  });

  it("an agent's own step-up codes do not spend the user's budget; the per-agent cap bounds one token", async () => {
    const h = await harness({ limits: { codeSendsPerAgentPerHour: 3 } });
    const ana = await h.as(DEMO.agents.ana.id);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = (await ana.post('/sessions', { flow: 'technical-assistance', userId: DEMO.users.admin.id }))
        .body.id;
      await ana.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
      statuses.push((await ana.post(`/sessions/${id}/agent-code`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await trips(h)).map((t) => t.bucket)).toEqual(['send_agent']);
    expect(await count(h.server, 'support_rate_limits', "bucket LIKE 'code-send:user:%'")).toBe(0);
    const bruno = await h.as(DEMO.agents.bruno.id);
    expect((await sendToSuccessor(bruno)).status).toBe(200);
  });
});
