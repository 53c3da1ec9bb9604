import { expect } from 'vitest';
import { DEMO, type harness, latestCode } from '../helpers.js';

// What the code suites share: a session at the agent-code step, a code other than a given one,
// and the session's attempt counter as stored.

const ana = DEMO.agents.ana;
const admin = DEMO.users.admin;

/** A code that is certainly wrong for `code`. */
export function wrong(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

export async function sessionAtAgentCode(h: Awaited<ReturnType<typeof harness>>) {
  const agent = await h.as(ana.id);
  const created = await agent.post('/sessions', { flow: 'technical-assistance', userId: admin.id });
  const id = created.body.id as string;
  await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
  const sent = await agent.post(`/sessions/${id}/agent-code`);
  expect(sent.status).toBe(200);
  return { agent, id };
}

/**
 * The code of the step, resent (cooldown passed on the test clock) until it differs from
 * `other`: two draws collide once in 10^6, and the assertion after this must always run.
 */
export async function codeOtherThan(
  h: Awaited<ReturnType<typeof harness>>,
  agent: Awaited<ReturnType<Awaited<ReturnType<typeof harness>>['as']>>,
  id: string,
  purpose: 'agent' | 'user',
  to: string,
  other: string,
): Promise<string> {
  let code = await latestCode(h.server, to);
  for (let resends = 0; code === other; resends++) {
    expect(resends, 'three draws in a row equal to another code').toBeLessThan(3);
    h.clock.advance(30);
    expect((await agent.post(`/sessions/${id}/${purpose}-code`)).status).toBe(200);
    code = await latestCode(h.server, to);
  }
  return code;
}

export async function attempts(h: Awaited<ReturnType<typeof harness>>, id: string) {
  const { rows } = await h.server.database.query<{ code_attempts: number; step: string }>(
    'SELECT code_attempts, step FROM support_sessions WHERE id = $1',
    [id],
  );
  return rows[0]!;
}
