// Shared steps of the passkey tests: a server in a passkey mode, a session at the agent step,
// the e-mailed agent code, enrolment and step-up through the HTTP routes.
import { expect } from 'vitest';
import type { EmbeddedSupportServerOptions } from '../../src/embedded.js';
import { type Agent, DEMO, type Harness, harness, latestCode } from '../helpers.js';
import type { Device, WebAuthnBrowser } from './webauthn-browser.js';

export const RP_NAME = 'Waizant Support (test)';

/** A server whose passkeys are bound to RP id "localhost" and accepted from the browser's page origin(s). */
export function passkeyServer(
  browser: WebAuthnBrowser,
  mode: 'passkey' | 'passkey-or-email' = 'passkey-or-email',
  extra: Partial<EmbeddedSupportServerOptions> = {},
): Promise<Harness> {
  return harness({
    agentStepUp: mode,
    passkey: {
      rpId: 'localhost',
      rpName: RP_NAME,
      origins: [browser.origin, `http://sub.localhost:${browser.port}`],
    },
    ...extra,
  });
}

/** A Technical Assistance session of `agent`, moved to the agent step (no code sent). */
export async function atAgentStep(agent: Agent, userId: string = DEMO.users.admin.id): Promise<string> {
  const created = await agent.post('/sessions', { flow: 'technical-assistance', userId });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const selected = await agent.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id });
  expect(selected.body.step).toBe('agent_code');
  return id;
}

/** Sends and verifies the e-mailed agent code: the session moves to the user step. */
export async function passAgentCode(h: Harness, agent: Agent, id: string, email = DEMO.agents.ana.email) {
  expect((await agent.post(`/sessions/${id}/agent-code`)).status).toBe(200);
  const verified = await agent.post(`/sessions/${id}/agent-code/verify`, {
    code: await latestCode(h.server, email),
  });
  expect(verified.body.step).toBe('user_code');
  return verified.body;
}

/** Enrols a passkey of `device` through session `id` (which passed the agent code). */
export async function enrol(agent: Agent, id: string, device: Device, name?: string) {
  const options = await agent.post(`/sessions/${id}/passkeys/options`);
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  const credential = await device.create(options.body);
  const stored = await agent.post(`/sessions/${id}/passkeys`, name ? { credential, name } : { credential });
  expect(stored.status, JSON.stringify(stored.body)).toBe(201);
  return { summary: stored.body, credential };
}

/** A fresh session at the agent step, and an assertion of `device` over its challenge. */
export async function signedAssertion(agent: Agent, id: string, device: Device) {
  const options = await agent.post(`/sessions/${id}/agent-passkey/options`);
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  return { options: options.body, assertion: await device.get(options.body) };
}

/** The audit rows of one action, oldest first. */
export async function auditOf(h: Harness, action: string) {
  const { rows } = await h.server.database.query<{
    outcome: string;
    detail: Record<string, unknown>;
    session_ref: string | null;
  }>('SELECT outcome, detail, session_ref FROM support_audit WHERE action = $1 ORDER BY id', [action]);
  return rows;
}

/** Everything the audit and the logs hold, as one string, to look for secrets in. */
export async function auditAndLogs(h: Harness): Promise<string> {
  const { rows } = await h.server.database.query('SELECT * FROM support_audit');
  return JSON.stringify(rows) + h.logger.lines.join('\n');
}
