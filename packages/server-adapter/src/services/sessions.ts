import { randomUUID } from 'node:crypto';
import {
  type CreateSessionRequest,
  type EcosystemMembership,
  firstStep,
  ineligibility,
  nextStep,
  OPEN_SESSION_STEPS,
  type SessionStep,
  SupportError,
  type SupportSessionView,
  selectableEcosystems,
} from '@waizant/support-core';
import { ensureAccess } from './access.js';
import { audit, auditOkFrom } from './audit.js';
import { addSeconds, type ServiceContext, sessionRef } from './context.js';
import { auditRefused, refuse } from './refusals.js';
import { settleEndedSessions } from './session-ended.js';
import {
  type AgentRef,
  instant,
  liveSession,
  ownSession,
  readSessionExpiring,
  revokeSecretsOf,
  type SessionRow,
  sessionIdentity,
} from './session-store.js';
import { viewOf } from './session-view.js';
import { bind } from './sql.js';
import { withEffectiveStatus } from './user-status.js';

export async function createSession(
  ctx: ServiceContext,
  agent: AgentRef,
  request: CreateSessionRequest,
): Promise<SupportSessionView> {
  const record = await ctx.directory.getUser(request.userId);
  if (!record) {
    await auditRefused(ctx, agent, null, 'session.create', { error: 'not_found', flow: request.flow });
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
  const audited = auditOkFrom(ctx, 'created', agent, 'session.create', { flow: request.flow });
  // The session row and its audit record: one statement.
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `WITH created AS (
         INSERT INTO support_sessions (id, session_ref, agent_id, flow, user_id, step, created_at,
           last_activity_at, absolute_expires_at)
         VALUES (:id, :ref, :agent_id, :flow, :user_id, :step, :now, :now, :absolute)
         RETURNING *
       ),
       ${audited.sql}
       SELECT * FROM created`,
      {
        id,
        ref,
        agent_id: agent.agentId,
        flow: request.flow,
        user_id: user.id,
        step: firstStep(request.flow),
        now: at.nowIso,
        absolute: addSeconds(at.now, ctx.limits.absoluteTimeoutSeconds).toISOString(),
        ...audited.params,
      },
    ),
  );
  const row = rows[0] as SessionRow;
  ctx.logger.info('support session opened', { agentId: agent.agentId, flow: request.flow });
  return viewOf(ctx, row);
}

export async function getSession(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SupportSessionView> {
  // A session past its limits is closed as it is read (one conditional statement), then shown as expired.
  const row = await readSessionExpiring(ctx, agent, sessionId);
  if (!row) throw new SupportError('not_found', 'No such support session.');
  if (row.expired_now) await settleEndedSessions(ctx, sessionId);
  return viewOf(ctx, row);
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
  const user = await ensureAccess(ctx, agent, sessionId, action, fixed, ['select_ecosystem']);
  const choice: EcosystemMembership | undefined = selectableEcosystems(fixed.flow, user.ecosystems).find(
    (e) => e.id === ecosystemId,
  );
  if (!choice) {
    await auditRefused(ctx, agent, fixed.session_ref, action, { error: 'forbidden' });
    throw new SupportError('forbidden', 'That ecosystem cannot be chosen for this user and flow.');
  }
  const next = nextStep(fixed.flow, 'select_ecosystem');
  const at = instant(ctx);
  const live = liveSession(at);
  const audited = auditOkFrom(ctx, 'moved', agent, action, {
    role: choice.role,
    inherited: choice.inherited,
  });
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `WITH moved AS (
         UPDATE support_sessions
         SET ecosystem_id = :ecosystem_id, role = :role, step = :next, last_activity_at = :now,
             code_attempts = 0, code_sends = 0, last_code_sent_at = NULL
         WHERE id = :id AND agent_id = :agent_id AND step = 'select_ecosystem' AND ${live.sql}
         RETURNING *
       ),
       ${audited.sql}
       SELECT * FROM moved`,
      {
        ...ownSession(agent, sessionId, live),
        ecosystem_id: choice.id,
        role: choice.role,
        next,
        ...audited.params,
      },
    ),
  );
  const row = rows[0];
  if (!row) throw await refuse(ctx, agent, sessionId, action, ['select_ecosystem']);
  return viewOf(ctx, row, { user });
}

export async function touch(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SupportSessionView> {
  const live = liveSession(instant(ctx));
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `UPDATE support_sessions SET last_activity_at = :now
       WHERE id = :id AND agent_id = :agent_id AND ${live.sql} RETURNING *`,
      ownSession(agent, sessionId, live),
    ),
  );
  const row = rows[0];
  if (!row) throw await refuse(ctx, agent, sessionId, 'session.touch', OPEN_SESSION_STEPS);
  return viewOf(ctx, row);
}

/** Closes an open session (cancel) or a verified one (complete), revoking its codes and handoffs in the same statement. */
async function close(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  to: 'cancelled' | 'completed',
  reason: string | null,
): Promise<SupportSessionView> {
  const action = to === 'cancelled' ? 'session.cancel' : 'session.complete';
  const from: readonly SessionStep[] = to === 'cancelled' ? OPEN_SESSION_STEPS : ['verified'];
  const at = instant(ctx);
  const live = liveSession(at);
  const audited = auditOkFrom(ctx, 'closed', agent, action, reason === null ? {} : { reason });
  // The step move, the revoking of its codes and handoffs, and the audit record: one statement.
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `WITH closed AS (
         UPDATE support_sessions
         SET step = :to, cancel_reason = :reason, closed_at = :now, last_activity_at = :now
         WHERE id = :id AND agent_id = :agent_id AND step = ANY(:from::text[]) AND ${live.sql}
         RETURNING *
       ),
       ${revokeSecretsOf('closed')},
       ${audited.sql}
       SELECT * FROM closed`,
      { ...ownSession(agent, sessionId, live), to, reason, from, ...audited.params },
    ),
  );
  const row = rows[0];
  if (!row) throw await refuse(ctx, agent, sessionId, action, from);
  await settleEndedSessions(ctx, sessionId);
  ctx.logger.info(`support session ${to}`, { agentId: agent.agentId });
  return viewOf(ctx, row);
}

export function cancel(ctx: ServiceContext, agent: AgentRef, sessionId: string, reason: string) {
  return close(ctx, agent, sessionId, 'cancelled', reason);
}

export function complete(ctx: ServiceContext, agent: AgentRef, sessionId: string) {
  return close(ctx, agent, sessionId, 'completed', null);
}
