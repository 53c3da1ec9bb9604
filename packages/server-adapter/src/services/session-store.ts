import {
  type Flow,
  type IneligibleReason,
  OPEN_SESSION_STEPS,
  type Role,
  type SessionStep,
  type SupportLimits,
} from '@waizant/support-core';
import type { AgentRecord, SqlExecutor } from '../ports/index.js';
import { audit } from './audit.js';
import { addSeconds, type ServiceContext } from './context.js';
import { bind } from './sql.js';

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

export type SessionSubject = Pick<SessionRow, 'flow' | 'user_id' | 'session_ref' | 'ecosystem_id' | 'role'>;

export interface AgentRef {
  readonly agentId: string;
  /** The directory's record, when the caller's token was verified against it in this request. */
  readonly record?: AgentRecord;
}

/** The calling agent's directory record: the one its token was checked against, else read now. */
export function agentRecordOf(ctx: ServiceContext, agent: AgentRef): Promise<AgentRecord | null> {
  return agent.record ? Promise.resolve(agent.record) : ctx.directory.getAgent(agent.agentId);
}

/** The moment a command runs at, from the injected clock, and the idle cutoff (now − idle timeout). */
export interface Instant {
  readonly now: Date;
  readonly nowIso: string;
  readonly cutoffIso: string;
}

export function instant(ctx: ServiceContext): Instant {
  return instantAt(ctx.clock.now(), ctx.limits);
}

export function instantAt(now: Date, limits: Pick<SupportLimits, 'idleTimeoutSeconds'>): Instant {
  return {
    now,
    nowIso: now.toISOString(),
    cutoffIso: addSeconds(now, -limits.idleTimeoutSeconds).toISOString(),
  };
}

/** The named parameters of the liveness fragments, bound from one instant. */
export interface InstantParams {
  readonly now: string;
  readonly idle_cutoff: string;
}

/** A SQL fragment and the named parameters it uses. */
export interface Fragment {
  readonly sql: string;
  readonly params: InstantParams;
}

/** Core's open steps as a SQL list: the only place the server spells them. */
const OPEN_STEPS_SQL = `(${OPEN_SESSION_STEPS.map((step) => `'${step}'`).join(', ')})`;

function openAt(p: string): string {
  return `${p}step IN ${OPEN_STEPS_SQL} AND ${p}closed_at IS NULL`;
}

function paramsOf(at: Instant): InstantParams {
  return { now: at.nowIso, idle_cutoff: at.cutoffIso };
}

/**
 * LIVE SESSION: the condition every command's statement carries. Open, not idle past the limit
 * and not past the absolute cap, at `at`. `alias` qualifies the columns (e.g. `s` in a join).
 */
export function liveSession(at: Instant, alias = ''): Fragment {
  const p = alias ? `${alias}.` : '';
  return {
    sql: `${openAt(p)} AND ${p}last_activity_at > :idle_cutoff AND ${p}absolute_expires_at > :now`,
    params: paramsOf(at),
  };
}

/** EXPIRED SESSION: still open, but past its idle or absolute limit at `at` (the negation of the limits above). */
export function expiredSession(at: Instant): Fragment {
  return {
    sql: `${openAt('')} AND (last_activity_at <= :idle_cutoff OR absolute_expires_at <= :now)`,
    params: paramsOf(at),
  };
}

/** The named parameters that pick the agent's own session, with the liveness fragment's. */
export function ownSession(agent: AgentRef, sessionId: string, live: Fragment) {
  return { id: sessionId, agent_id: agent.agentId, ...live.params };
}

/**
 * The `WITH` clauses that expire the open sessions past their limits matching `where` (clause
 * `x`, returning the whole row and `why`), revoke their secrets and audit each.
 */
function expiring(where: string): string {
  return `x AS (
         UPDATE support_sessions SET step = 'expired', closed_at = :now
         WHERE ${where}
         RETURNING *, CASE WHEN absolute_expires_at <= :now THEN 'absolute' ELSE 'idle' END AS why
       ),
       ${revokeSecretsOf('x')},
       a AS (
         INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
         SELECT :now, agent_id, session_ref, 'session.expire', 'ok', jsonb_build_object('limit', why)
         FROM x
       )`;
}

/** Expires the open sessions past their idle or absolute limit (all, or one), revokes their secrets, audits each. */
export async function expireSessions(
  _ctx: ServiceContext,
  sql: SqlExecutor,
  at: Instant,
  onlyId: string | null,
): Promise<number> {
  const expired = expiredSession(at);
  const { rows } = await sql.query<{ id: string }>(
    ...bind(
      `WITH ${expiring(`${expired.sql} AND (:only_id::uuid IS NULL OR id = :only_id::uuid)`)}
       SELECT id FROM x`,
      { ...expired.params, only_id: onlyId },
    ),
  );
  return rows.length;
}

/**
 * The agent's own session row, or null, expiring it first when it is past its limits: one
 * statement. `expired_now` says whether this read closed it (its settling is then owed).
 */
export async function readSessionExpiring(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<(SessionRow & { expired_now: boolean }) | null> {
  const expired = expiredSession(instant(ctx));
  // The second branch reads the row as it was before this statement: only when nothing expired.
  const { rows } = await ctx.db.query<SessionRow & { expired_now: boolean }>(
    ...bind(
      `WITH ${expiring(`${expired.sql} AND id = :id AND agent_id = :agent_id`)}
       SELECT x.*, true AS expired_now FROM x
       UNION ALL
       SELECT s.*, '' AS why, false AS expired_now FROM support_sessions s
       WHERE s.id = :id AND s.agent_id = :agent_id AND NOT EXISTS (SELECT 1 FROM x)`,
      ownSession(agent, sessionId, expired),
    ),
  );
  return rows[0] ?? null;
}

/** A closed session keeps no live secret: its unused codes and unclaimed handoffs are revoked. */
export async function revokeSessionSecrets(tx: SqlExecutor, sessionId: string, atIso: string): Promise<void> {
  await tx.query(
    ...bind(`WITH closed AS (SELECT :id::uuid AS id), ${revokeSecretsOf('closed')} SELECT 1`, {
      id: sessionId,
      now: atIso,
    }),
  );
}

/**
 * The `WITH` clauses that revoke the unused codes and unclaimed handoffs of the sessions the
 * clause `closed` returns (by `id`), at `:now`: one rule for every way a session closes.
 */
export function revokeSecretsOf(closed: string): string {
  return `revoked_codes AS (
         UPDATE support_codes SET revoked_at = :now
         WHERE session_id IN (SELECT id FROM ${closed}) AND consumed_at IS NULL AND revoked_at IS NULL
       ),
       revoked_handoffs AS (
         UPDATE support_handoffs SET revoked_at = :now
         WHERE session_id IN (SELECT id FROM ${closed}) AND claimed_at IS NULL AND revoked_at IS NULL
       )`;
}

/**
 * Locks the session once all its attempts at `step` are used, revoking its secrets, in one
 * conditional statement; false when it was not at `step` or had attempts left.
 */
export async function lockSession(
  ctx: ServiceContext,
  tx: SqlExecutor,
  agent: AgentRef,
  sessionId: string,
  step: SessionStep,
): Promise<boolean> {
  const at = instant(ctx);
  const { rows } = await tx.query<{ session_ref: string }>(
    `UPDATE support_sessions SET step = 'locked', closed_at = $4
     WHERE id = $1 AND agent_id = $2 AND step = $3 AND code_attempts >= $5 RETURNING session_ref`,
    [sessionId, agent.agentId, step, at.nowIso, ctx.limits.codeMaxAttempts],
  );
  const locked = rows[0];
  if (!locked) return false;
  await revokeSessionSecrets(tx, sessionId, at.nowIso);
  await audit(ctx, tx, {
    agentId: agent.agentId,
    sessionRef: locked.session_ref,
    action: 'session.lock',
    outcome: 'ok',
    detail: { step },
  });
  return true;
}

/** The agent's own session row, or null (another agent's session and a missing one look the same). */
export async function readSession(
  sql: SqlExecutor,
  agent: AgentRef,
  sessionId: string,
): Promise<SessionRow | null> {
  const { rows } = await sql.query<SessionRow>(
    'SELECT * FROM support_sessions WHERE id = $1 AND agent_id = $2',
    [sessionId, agent.agentId],
  );
  return rows[0] ?? null;
}

/**
 * Reads whom the session is about: its owner-scoped constants (flow, user) and the ecosystem
 * chosen, for the access re-check. Never a basis for a state decision: every command's own
 * conditional statement still decides.
 *
 * Once the ecosystem is chosen none of these can change (it is set once, by the move out of
 * `select_ecosystem`, and steps never go back), so from then on the answer is remembered by this
 * instance (`ctx.settledSubjects`) and not read again (docs/security.md §2.12).
 */
export async function sessionIdentity(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<SessionSubject | null> {
  const key = `${agent.agentId} ${sessionId}`;
  const settled = ctx.settledSubjects?.get(key);
  if (settled) return settled;
  const { rows } = await ctx.db.query<SessionSubject>(
    `SELECT flow, user_id, session_ref, ecosystem_id, role FROM support_sessions
     WHERE id = $1 AND agent_id = $2`,
    [sessionId, agent.agentId],
  );
  const subject = rows[0] ?? null;
  if (subject?.ecosystem_id != null) ctx.settledSubjects?.set(key, subject);
  return subject;
}
