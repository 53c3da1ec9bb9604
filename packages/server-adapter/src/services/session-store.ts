import {
  type Flow,
  type IneligibleReason,
  type Role,
  type SessionStep,
  SupportError,
} from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import { audit } from './audit.js';
import { addSeconds, type ServiceContext, sessionRef } from './context.js';

export interface SessionRow {
  id: string;
  session_ref: string;
  agent_id: string;
  flow: Flow;
  user_id: string;
  step: SessionStep;
  ecosystem_id: string | null;
  role: Role | null;
  code_attempts: number;
  code_sends: number;
  last_code_sent_at: Date | string | null;
  cancel_reason: string | null;
  created_at: Date | string;
  last_activity_at: Date | string;
  absolute_expires_at: Date | string;
  closed_at: Date | string | null;
  ineligible_reason: IneligibleReason | null;
}

export const OPEN_STEPS: readonly SessionStep[] = ['select_ecosystem', 'agent_code', 'user_code', 'verified'];
export const OPEN_STEPS_SQL = `('select_ecosystem', 'agent_code', 'user_code', 'verified')`;

/**
 * The liveness condition every command's statement carries: open, not idle past the limit and
 * not past the absolute cap. `$now` and `$cutoff` (now − idle timeout) come from the injected clock.
 */
export function aliveSql(nowParam: string, cutoffParam: string, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  return `${p}step IN ${OPEN_STEPS_SQL} AND ${p}closed_at IS NULL AND ${p}last_activity_at > ${cutoffParam}
    AND ${p}absolute_expires_at > ${nowParam}`;
}

export interface Instant {
  readonly now: Date;
  readonly nowIso: string;
  readonly cutoffIso: string;
}

export function instant(ctx: ServiceContext): Instant {
  const now = ctx.clock.now();
  return {
    now,
    nowIso: now.toISOString(),
    cutoffIso: addSeconds(now, -ctx.limits.idleTimeoutSeconds).toISOString(),
  };
}

export interface AgentRef {
  readonly agentId: string;
}

/** Expires the open sessions past their idle or absolute limit (all, or one), revokes their secrets, audits each. */
export async function expireSessions(
  _ctx: ServiceContext,
  sql: SqlExecutor,
  at: Instant,
  onlyId: string | null,
): Promise<number> {
  const { rows } = await sql.query<{ id: string }>(
    `WITH x AS (
       UPDATE support_sessions SET step = 'expired', closed_at = $1
       WHERE step IN ${OPEN_STEPS_SQL} AND closed_at IS NULL
         AND (last_activity_at <= $2 OR absolute_expires_at <= $1)
         AND ($3::uuid IS NULL OR id = $3::uuid)
       RETURNING id, agent_id, session_ref, step,
         CASE WHEN absolute_expires_at <= $1 THEN 'absolute' ELSE 'idle' END AS why
     ),
     c AS (
       UPDATE support_codes SET revoked_at = $1
       WHERE session_id IN (SELECT id FROM x) AND consumed_at IS NULL AND revoked_at IS NULL
     ),
     h AS (
       UPDATE support_handoffs SET revoked_at = $1
       WHERE session_id IN (SELECT id FROM x) AND claimed_at IS NULL AND revoked_at IS NULL
     ),
     a AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT $1, agent_id, session_ref, 'session.expire', 'ok', jsonb_build_object('limit', why)
       FROM x
     )
     SELECT id FROM x`,
    [at.nowIso, at.cutoffIso, onlyId],
  );
  return rows.length;
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
  const { rows } = await ctx.db.query<SessionRow>(
    'SELECT * FROM support_sessions WHERE id = $1 AND agent_id = $2',
    [sessionId, agent.agentId],
  );
  const row = rows[0];
  if (!row) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: sessionRef(ctx.keys, sessionId),
      action,
      outcome: 'refused',
      detail: { error: 'not_found' },
    });
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
  } else if (
    new Date(row.last_activity_at).getTime() <= new Date(at.cutoffIso).getTime() ||
    new Date(row.absolute_expires_at).getTime() <= at.now.getTime()
  ) {
    await expireSessions(ctx, ctx.db, at, sessionId);
    error = new SupportError('session_expired', 'The support session expired.');
  } else if (!expected.includes(row.step)) {
    error = new SupportError('wrong_step', `This command is not allowed in step ${row.step}.`);
  } else {
    // The step matched when we looked again: another request moved it in between.
    error = new SupportError('wrong_step', 'The support session changed meanwhile; reload it.');
  }
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: row.session_ref,
    action,
    outcome: 'refused',
    detail: { error: error.code, step: row.step },
  });
  return error;
}

export type SessionSubject = Pick<SessionRow, 'flow' | 'user_id' | 'session_ref' | 'ecosystem_id' | 'role'>;

/**
 * Reads whom the session is about: its owner-scoped constants (flow, user) and the ecosystem
 * chosen, for the access re-check. Never a basis for a state decision: every command's own
 * conditional statement still decides.
 */
export async function sessionIdentity(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SessionSubject | null> {
  const { rows } = await ctx.db.query<SessionSubject>(
    `SELECT flow, user_id, session_ref, ecosystem_id, role FROM support_sessions
     WHERE id = $1 AND agent_id = $2`,
    [sessionId, agent.agentId],
  );
  return rows[0] ?? null;
}

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

/** A closed session keeps no live secret: its unused codes and unclaimed handoffs are revoked. */
export async function revokeSessionSecrets(tx: SqlExecutor, sessionId: string, atIso: string): Promise<void> {
  await tx.query(
    `UPDATE support_codes SET revoked_at = $2
     WHERE session_id = $1 AND consumed_at IS NULL AND revoked_at IS NULL`,
    [sessionId, atIso],
  );
  await tx.query(
    `UPDATE support_handoffs SET revoked_at = $2
     WHERE session_id = $1 AND claimed_at IS NULL AND revoked_at IS NULL`,
    [sessionId, atIso],
  );
}
