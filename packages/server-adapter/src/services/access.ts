import {
  type IneligibleReason,
  ineligibility,
  type SessionStep,
  SupportError,
  selectableEcosystems,
  type UserSummary,
} from '@waizant/support-core';
import { audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { ineligibleError, refuse } from './refusals.js';
import { settleEndedSessions } from './session-ended.js';
import {
  type AgentRef,
  instant,
  liveSession,
  revokeSessionSecrets,
  type SessionRow,
  type SessionSubject,
} from './session-store.js';
import { bind } from './sql.js';
import { type IdentityUserStatus, withEffectiveStatus } from './user-status.js';

export interface Ineligibility {
  readonly reason: IneligibleReason;
  readonly identityStatus: IdentityUserStatus | null;
}

const ACCOUNT_REASONS: ReadonlySet<IneligibleReason> = new Set([
  'account_unconfirmed',
  'account_disabled',
  'account_locked',
]);

/**
 * Whether the session's user may still be assisted (`found`: why not; null: it may), with the
 * user record it read (null when the Core DB has none), by the rule the lookup and session opening
 * use (the stricter of the Core DB's and the identity provider's status, `ineligibility`), plus
 * the ecosystem chosen: the user must still hold it, with the same role (the destinations and
 * handoffs were verified for that role). An identity-provider failure throws: it never passes.
 */
export async function sessionAccess(
  ctx: ServiceContext,
  subject: Pick<SessionSubject, 'flow' | 'user_id' | 'ecosystem_id' | 'role'>,
): Promise<{ found: Ineligibility | null; user: UserSummary | null }> {
  const record = await ctx.directory.getUser(subject.user_id);
  // Gone from the Core DB: as an account missing from the identity provider, it counts as locked.
  if (!record) return { found: { reason: 'account_locked', identityStatus: null }, user: null };
  const { user, identityStatus } = await withEffectiveStatus(ctx.identity, record);
  const reason = ineligibility(subject.flow, user);
  if (reason && ACCOUNT_REASONS.has(reason)) return { found: { reason, identityStatus }, user };
  if (subject.ecosystem_id !== null) {
    const held = selectableEcosystems(subject.flow, user.ecosystems).find(
      (e) => e.id === subject.ecosystem_id,
    );
    if (!held || held.role !== subject.role)
      return { found: { reason: 'membership_removed', identityStatus }, user };
    return { found: null, user };
  }
  return { found: reason ? { reason, identityStatus } : null, user };
}

/**
 * Closes a live session as `ineligible` with one conditional statement, and in the same
 * transaction revokes its codes and handoffs and writes one audit record. Returns false when
 * the session was no longer open (nothing changed).
 */
export async function closeIneligible(
  ctx: ServiceContext,
  sessionId: string,
  agentId: string | null,
  found: Ineligibility,
  on: string,
): Promise<boolean> {
  const at = instant(ctx);
  const live = liveSession(at);
  const closed = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<SessionRow>(
      ...bind(
        `UPDATE support_sessions SET step = 'ineligible', ineligible_reason = :reason, closed_at = :now
         WHERE id = :id AND (:agent_id::uuid IS NULL OR agent_id = :agent_id::uuid) AND ${live.sql}
         RETURNING *`,
        { id: sessionId, reason: found.reason, agent_id: agentId, ...live.params },
      ),
    );
    const closed = rows[0];
    if (!closed) return false;
    await revokeSessionSecrets(tx, sessionId, at.nowIso);
    await audit(ctx, tx, {
      agentId: closed.agent_id,
      sessionRef: closed.session_ref,
      action: 'session.ineligible',
      outcome: 'ok',
      detail: {
        reason: found.reason,
        on,
        ...(found.identityStatus !== null ? { identityStatus: found.identityStatus } : {}),
      },
    });
    ctx.logger.warn('support session closed: user no longer eligible', {
      agentId: closed.agent_id,
      reason: found.reason,
    });
    return true;
  });
  if (closed) await settleEndedSessions(ctx, sessionId);
  return closed;
}

/**
 * The access re-check before a command (send code, verify, select, create handoff): passes, or
 * closes the session and throws `user_ineligible` (or the session's own refusal when it was not
 * open any more). It runs before the command's statement, so a refusal consumes no attempt or send.
 * Returns the user it read (with the effective status), so the command need not read it again.
 */
export async function ensureAccess(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  action: string,
  subject: SessionSubject,
  expected: readonly SessionStep[],
): Promise<UserSummary> {
  let found: Ineligibility | null;
  let user: UserSummary | null;
  try {
    ({ found, user } = await sessionAccess(ctx, subject));
  } catch (error) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: subject.session_ref,
      action,
      outcome: 'failed',
      detail: { error: error instanceof SupportError ? error.code : 'internal' },
    });
    throw error;
  }
  if (!found && user) return user;
  if (!found) throw new SupportError('not_found', 'No such user.');
  if (await closeIneligible(ctx, sessionId, agent.agentId, found, action))
    throw ineligibleError(found.reason);
  throw await refuse(ctx, agent, sessionId, action, expected);
}
