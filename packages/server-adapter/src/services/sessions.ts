import { randomUUID } from 'node:crypto';
import {
  type CodePurpose,
  type CreateSessionRequest,
  codePurposeOf,
  destinationsForRole,
  type EcosystemMembership,
  type Flow,
  firstStep,
  ineligibility,
  nextStep,
  type Role,
  type SessionStep,
  SupportError,
  type SupportSessionView,
  selectableEcosystems,
  type UserSummary,
} from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import { audit } from './audit.js';
import { addSeconds, iso, type ServiceContext, sessionRef } from './context.js';
import { withEffectiveStatus } from './user-status.js';

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

async function requireUser(ctx: ServiceContext, userId: string): Promise<UserSummary> {
  const user = await ctx.directory.getUser(userId);
  if (!user) throw new SupportError('not_found', 'No such user.');
  return user;
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

interface LiveCodeRow {
  purpose: CodePurpose;
  sent_to: string;
  created_at: Date | string;
  expires_at: Date | string;
}

/** The session as the contract shows it, from a row just returned by a statement. */
export async function viewOf(ctx: ServiceContext, row: SessionRow, sql: SqlExecutor = ctx.db) {
  const user = await requireUser(ctx, row.user_id);
  const limits = ctx.limits;
  const now = ctx.clock.now();
  const lastActivity = new Date(row.last_activity_at);
  const absolute = new Date(row.absolute_expires_at);
  const idleEnd = addSeconds(lastActivity, limits.idleTimeoutSeconds);
  const expiresAt = idleEnd < absolute ? idleEnd : absolute;
  const purpose = codePurposeOf(row.step);
  let code: SupportSessionView['code'] = null;
  if (purpose && row.code_sends > 0) {
    const { rows } = await sql.query<LiveCodeRow>(
      `SELECT purpose, sent_to, created_at, expires_at FROM support_codes
       WHERE session_id = $1 AND purpose = $2 AND consumed_at IS NULL
       ORDER BY created_at DESC LIMIT 1`,
      [row.id, purpose],
    );
    const latest = rows[0];
    if (latest) {
      code = {
        purpose,
        sentTo: latest.sent_to,
        sentAt: iso(latest.created_at),
        expiresAt: iso(latest.expires_at),
        attemptsLeft: Math.max(0, limits.codeMaxAttempts - row.code_attempts),
        resendsLeft: Math.max(0, limits.maxResends - (row.code_sends - 1)),
        resendAvailableAt: iso(
          addSeconds(new Date(row.last_code_sent_at ?? latest.created_at), limits.resendCooldownSeconds),
        ),
      };
    }
  }
  const view: SupportSessionView = {
    id: row.id,
    flow: row.flow,
    step: row.step,
    user: { id: user.id, name: user.name, email: user.email },
    ecosystems: [...selectableEcosystems(row.flow, user.ecosystems)],
    ecosystemId: row.ecosystem_id,
    role: row.role,
    code,
    destinations:
      row.step === 'verified' && row.flow === 'technical-assistance' && row.role
        ? [...destinationsForRole(row.role)]
        : [],
    createdAt: iso(row.created_at),
    lastActivityAt: iso(row.last_activity_at),
    expiresAt: iso(expiresAt),
    warnAt: iso(addSeconds(expiresAt, -limits.idleWarningSeconds)),
    absoluteExpiresAt: iso(absolute),
    closedAt: row.closed_at === null ? null : iso(row.closed_at),
    serverTime: now.toISOString(),
  };
  return view;
}

export async function createSession(
  ctx: ServiceContext,
  agent: AgentRef,
  request: CreateSessionRequest,
): Promise<SupportSessionView> {
  const record = await ctx.directory.getUser(request.userId);
  if (!record) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: null,
      action: 'session.create',
      outcome: 'refused',
      detail: { error: 'not_found', flow: request.flow },
    });
    throw new SupportError('not_found', 'No such user.');
  }
  // The same effective status as the lookup: skipping the lookup must not skip the identity check.
  const { user, identityStatus } = await withEffectiveStatus(ctx.identity, record);
  const reason = ineligibility(request.flow, user);
  if (reason) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: null,
      action: 'session.create',
      outcome: 'refused',
      detail: {
        error: 'not_eligible',
        reason,
        flow: request.flow,
        ...(identityStatus ? { identityStatus } : {}),
      },
    });
    throw new SupportError('not_eligible', `The user cannot be assisted in this flow (${reason}).`);
  }
  const at = instant(ctx);
  const id = randomUUID();
  const ref = sessionRef(ctx.keys, id);
  const row = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<SessionRow>(
      `INSERT INTO support_sessions (id, session_ref, agent_id, flow, user_id, step, created_at,
         last_activity_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING *`,
      [
        id,
        ref,
        agent.agentId,
        request.flow,
        user.id,
        firstStep(request.flow),
        at.nowIso,
        addSeconds(at.now, ctx.limits.absoluteTimeoutSeconds).toISOString(),
      ],
    );
    await audit(ctx, tx, {
      agentId: agent.agentId,
      sessionRef: ref,
      action: 'session.create',
      outcome: 'ok',
      detail: { flow: request.flow },
    });
    return rows[0] as SessionRow;
  });
  ctx.logger.info('support session opened', { agentId: agent.agentId, flow: request.flow });
  return viewOf(ctx, row);
}

export async function getSession(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SupportSessionView> {
  const at = instant(ctx);
  // A session past its limits is closed first (one conditional statement), then shown as expired.
  await expireSessions(ctx, ctx.db, at, sessionId);
  const { rows } = await ctx.db.query<SessionRow>(
    'SELECT * FROM support_sessions WHERE id = $1 AND agent_id = $2',
    [sessionId, agent.agentId],
  );
  const row = rows[0];
  if (!row) throw new SupportError('not_found', 'No such support session.');
  return viewOf(ctx, row);
}

/** Reads the session's owner-scoped constants (flow, user): never a basis for a state decision. */
export async function sessionIdentity(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<Pick<SessionRow, 'flow' | 'user_id' | 'session_ref'> | null> {
  const { rows } = await ctx.db.query<Pick<SessionRow, 'flow' | 'user_id' | 'session_ref'>>(
    'SELECT flow, user_id, session_ref FROM support_sessions WHERE id = $1 AND agent_id = $2',
    [sessionId, agent.agentId],
  );
  return rows[0] ?? null;
}

export async function selectEcosystem(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  ecosystemId: string,
): Promise<SupportSessionView> {
  const action = 'session.select_ecosystem';
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, action, ['select_ecosystem']);
  const user = await requireUser(ctx, fixed.user_id);
  const choice: EcosystemMembership | undefined = selectableEcosystems(fixed.flow, user.ecosystems).find(
    (e) => e.id === ecosystemId,
  );
  if (!choice) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: fixed.session_ref,
      action,
      outcome: 'refused',
      detail: { error: 'forbidden' },
    });
    throw new SupportError('forbidden', 'That ecosystem cannot be chosen for this user and flow.');
  }
  const next = nextStep(fixed.flow, 'select_ecosystem');
  const at = instant(ctx);
  const row = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<SessionRow>(
      `UPDATE support_sessions
       SET ecosystem_id = $4, role = $5, step = $6, last_activity_at = $7,
           code_attempts = 0, code_sends = 0, last_code_sent_at = NULL
       WHERE id = $1 AND agent_id = $2 AND step = $3 AND ${aliveSql('$7', '$8')}
       RETURNING *`,
      [sessionId, agent.agentId, 'select_ecosystem', choice.id, choice.role, next, at.nowIso, at.cutoffIso],
    );
    const updated = rows[0];
    if (updated) {
      await audit(ctx, tx, {
        agentId: agent.agentId,
        sessionRef: updated.session_ref,
        action,
        outcome: 'ok',
        detail: { role: choice.role, inherited: choice.inherited },
      });
    }
    return updated;
  });
  if (!row) throw await refuse(ctx, agent, sessionId, action, ['select_ecosystem']);
  return viewOf(ctx, row);
}

export async function touch(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SupportSessionView> {
  const at = instant(ctx);
  const { rows } = await ctx.db.query<SessionRow>(
    `UPDATE support_sessions SET last_activity_at = $3
     WHERE id = $1 AND agent_id = $2 AND ${aliveSql('$3', '$4')} RETURNING *`,
    [sessionId, agent.agentId, at.nowIso, at.cutoffIso],
  );
  const row = rows[0];
  if (!row) throw await refuse(ctx, agent, sessionId, 'session.touch', OPEN_STEPS);
  return viewOf(ctx, row);
}

/** Closes an open session (cancel) or a verified one (complete), revoking its codes and handoffs in the same transaction. */
async function close(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  to: 'cancelled' | 'completed',
  reason: string | null,
): Promise<SupportSessionView> {
  const action = to === 'cancelled' ? 'session.cancel' : 'session.complete';
  const from: readonly SessionStep[] = to === 'cancelled' ? OPEN_STEPS : ['verified'];
  const at = instant(ctx);
  const row = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<SessionRow>(
      `UPDATE support_sessions
       SET step = $3, cancel_reason = $4, closed_at = $5, last_activity_at = $5
       WHERE id = $1 AND agent_id = $2 AND step = ANY($7::text[]) AND ${aliveSql('$5', '$6')}
       RETURNING *`,
      [sessionId, agent.agentId, to, reason, at.nowIso, at.cutoffIso, from],
    );
    const closed = rows[0];
    if (!closed) return undefined;
    await revokeSessionSecrets(tx, sessionId, at.nowIso);
    await audit(ctx, tx, {
      agentId: agent.agentId,
      sessionRef: closed.session_ref,
      action,
      outcome: 'ok',
      detail: reason === null ? {} : { reason },
    });
    return closed;
  });
  if (!row) throw await refuse(ctx, agent, sessionId, action, from);
  ctx.logger.info(`support session ${to}`, { agentId: agent.agentId });
  return viewOf(ctx, row);
}

export function cancel(ctx: ServiceContext, agent: AgentRef, sessionId: string, reason: string) {
  return close(ctx, agent, sessionId, 'cancelled', reason);
}

export function complete(ctx: ServiceContext, agent: AgentRef, sessionId: string) {
  return close(ctx, agent, sessionId, 'completed', null);
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
