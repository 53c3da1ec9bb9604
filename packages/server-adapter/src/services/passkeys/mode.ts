import {
  type AgentStepUp,
  type CodePurpose,
  OPEN_SESSION_STEPS,
  type StepUpMethod,
  SupportError,
} from '@waizant/support-core';
import type { StepUpConfig } from '../../config.js';
import type { SqlExecutor } from '../../ports/index.js';
import { audit } from '../audit.js';
import { type ServiceContext, sessionRef } from '../context.js';
import type { AgentRef, SessionRow } from '../session-store.js';

const EMAIL_ONLY: StepUpConfig = { mode: 'email-code', rpId: '', rpName: '', origins: [] };

export function stepUpOf(ctx: ServiceContext): StepUpConfig {
  return ctx.stepUp ?? EMAIL_ONLY;
}

/** What the agent-code step offers, in the order to show it. */
export function methodsOf(config: StepUpConfig): StepUpMethod[] {
  switch (config.mode) {
    case 'passkey':
      return ['passkey'];
    case 'passkey-or-email':
      return ['passkey', 'email_code'];
    default:
      return ['email_code'];
  }
}

export function notAllowed(message: string): SupportError {
  return new SupportError('step_up_not_allowed', message);
}

/** Passkeys are off under 'email-code' (the manual's behaviour): every passkey step-up and enrolment is refused. */
export function requirePasskeys(ctx: ServiceContext): StepUpConfig {
  const config = stepUpOf(ctx);
  if (config.mode === 'email-code') throw notAllowed('Passkey step-up is not enabled on this server.');
  return config;
}

/**
 * Under 'passkey' the e-mailed agent code is neither sent nor accepted: the agent proves who
 * they are with a passkey only. The refusal is audited like any other.
 */
export async function refuseEmailedAgentCode(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  purpose: CodePurpose,
  action: 'send' | 'verify',
): Promise<void> {
  if (purpose !== 'agent' || stepUpOf(ctx).mode !== 'passkey') return;
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: sessionRef(ctx.keys, sessionId),
    action: `code.${action}.agent`,
    outcome: 'refused',
    detail: { error: 'step_up_not_allowed' },
  });
  throw notAllowed('This server accepts only a passkey for the agent step.');
}

/**
 * The SQL condition "the agent passed the e-mailed agent code in this session": a consumed
 * agent code of the session (only a correct verify consumes one). `:id` is the session id.
 */
export const AGENT_CODE_PASSED = `EXISTS (SELECT 1 FROM support_codes
  WHERE session_id = :id AND purpose = 'agent' AND consumed_at IS NOT NULL)`;

/** The view's `agentStepUp`: one indexed query, and none at all under 'email-code'. */
export async function agentStepUpView(
  ctx: ServiceContext,
  row: SessionRow,
  sql: SqlExecutor,
): Promise<AgentStepUp> {
  const config = stepUpOf(ctx);
  const methods = methodsOf(config);
  if (config.mode === 'email-code') return { methods, passkeyEnrolled: false, enrolmentOpen: false };
  const { rows } = await sql.query<{ enrolled: boolean; passed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM support_passkeys WHERE agent_id = $1) AS enrolled,
       EXISTS (SELECT 1 FROM support_codes
         WHERE session_id = $2 AND purpose = 'agent' AND consumed_at IS NOT NULL) AS passed`,
    [row.agent_id, row.id],
  );
  const found = rows[0];
  const open = row.closed_at === null && (OPEN_SESSION_STEPS as readonly string[]).includes(row.step);
  return { methods, passkeyEnrolled: !!found?.enrolled, enrolmentOpen: open && !!found?.passed };
}
