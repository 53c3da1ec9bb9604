import {
  CODE_STEP,
  type CodePurpose,
  type IneligibleReason,
  type SessionStep,
  SupportError,
} from '@waizant/support-core';
import { type AuditEntry, audit } from './audit.js';
import { type ServiceContext, sessionRef } from './context.js';
import { settleEndedSessions } from './session-ended.js';
import {
  type AgentRef,
  expireSessions,
  instant,
  liveSession,
  lockSession,
  readSession,
  type SessionRow,
} from './session-store.js';
import { sessionDeadline } from './session-view.js';
import { bind } from './sql.js';

/** The error of a session closed because its user can no longer be assisted. */
export function ineligibleError(reason: IneligibleReason): SupportError {
  return new SupportError(
    'user_ineligible',
    'The user can no longer be assisted; the support session was closed.',
    {
      ineligibleReason: reason,
    },
  );
}

/** Audits a refused command: the one shape of every refusal record (`detail.error` says which). */
export function auditRefused(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionRef: string | null,
  action: string,
  detail: AuditEntry['detail'],
): Promise<void> {
  return audit(ctx, ctx.db, { agentId: agent.agentId, sessionRef, action, outcome: 'refused', detail });
}

/**
 * Called when a command's conditional statement matched nothing: decides which typed error
 * to return, and audits the refusal. Another agent's session and a missing one look the same.
 */
export async function refuse(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  action: string,
  expected: readonly SessionStep[],
): Promise<SupportError> {
  const at = instant(ctx);
  const row = await readSession(ctx.db, agent, sessionId);
  if (!row) {
    await auditRefused(ctx, agent, sessionRef(ctx.keys, sessionId), action, { error: 'not_found' });
    return new SupportError('not_found', 'No such support session.');
  }
  let error: SupportError;
  if (row.step === 'expired') {
    error = new SupportError('session_expired', 'The support session expired.');
  } else if (row.step === 'locked') {
    error = new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
  } else if (row.step === 'ineligible') {
    error = ineligibleError(row.ineligible_reason ?? 'account_disabled');
  } else if (row.step === 'ended_by_user') {
    error = new SupportError('session_ended_by_user', 'The user ended this support session.');
  } else if (row.step === 'cancelled' || row.step === 'completed') {
    error = new SupportError('session_closed', 'The support session is closed.');
  } else if (sessionDeadline(row, ctx.limits) <= at.now) {
    if ((await expireSessions(ctx, ctx.db, at, sessionId)) > 0) await settleEndedSessions(ctx, sessionId);
    error = new SupportError('session_expired', 'The support session expired.');
  } else if (!expected.includes(row.step)) {
    error = new SupportError('wrong_step', `This command is not allowed in step ${row.step}.`);
  } else {
    // The step matched when we looked again: another request moved it in between.
    error = new SupportError('wrong_step', 'The support session changed meanwhile; reload it.');
  }
  await auditRefused(ctx, agent, row.session_ref, action, { error: error.code, step: row.step });
  return error;
}

interface LatestCode {
  expires_at: Date | string;
  consumed_at: Date | string | null;
  revoked_at: Date | string | null;
}

/** No verify attempt could be reserved: say why (session state first, then the code's state). */
export async function refuseVerify(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  purpose: CodePurpose,
  action: string,
): Promise<SupportError> {
  const step = CODE_STEP[purpose];
  const at = instant(ctx);
  const live = liveSession(at);
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `SELECT * FROM support_sessions WHERE id = :id AND agent_id = :agent_id AND step = :step
         AND ${live.sql}`,
      { id: sessionId, agent_id: agent.agentId, step, ...live.params },
    ),
  );
  const row = rows[0];
  if (!row) return refuse(ctx, agent, sessionId, action, [step]);
  let error: SupportError;
  if (row.code_attempts >= ctx.limits.codeMaxAttempts) {
    // Only sessions whose last wrong attempt was counted before this transactional verify existed.
    if (await ctx.db.transaction((tx) => lockSession(ctx, tx, agent, sessionId, step)))
      ctx.logger.warn('support session locked after wrong codes', { agentId: agent.agentId });
    error = new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
  } else {
    const latest = await ctx.db.query<LatestCode>(
      `SELECT expires_at, consumed_at, revoked_at FROM support_codes
       WHERE session_id = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1`,
      [sessionId, purpose],
    );
    const code = latest.rows[0];
    if (!code || row.code_sends === 0) {
      error = new SupportError('code_not_sent', 'No code was sent for this step yet.');
    } else if (code.consumed_at === null && code.revoked_at === null && new Date(code.expires_at) <= at.now) {
      error = new SupportError('code_expired', 'The code expired; send a new one.');
    } else {
      error = new SupportError('code_expired', 'The code is no longer valid; send a new one.');
    }
  }
  await auditRefused(ctx, agent, row.session_ref, action, { error: error.code });
  return error;
}

/** A handoff token was not claimed: audited with its cause, answered with one generic error. */
export async function refuseRedeem(ctx: ServiceContext, cause: string | null): Promise<SupportError> {
  await audit(ctx, ctx.db, {
    agentId: null,
    sessionRef: null,
    action: 'handoff.redeem',
    outcome: 'refused',
    detail: { error: 'handoff_invalid', ...(cause ? { cause } : {}) },
  });
  ctx.logger.info('handoff redeem refused');
  // One generic answer to the destination app, whatever the cause.
  return new SupportError('handoff_invalid', 'This link is not valid.');
}
