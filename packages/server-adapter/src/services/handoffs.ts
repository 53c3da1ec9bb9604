import { randomUUID } from 'node:crypto';
import {
  type AssistedSession,
  type Destination,
  type DestinationPage,
  destinationPage,
  type Handoff,
  type HandoffState,
  type HandoffStatus,
  isDestinationAllowed,
  type Role,
  SupportError,
} from '@waizant/support-core';
import { closeIneligible, ensureAccess, sessionIneligibility } from './access.js';
import { audit } from './audit.js';
import {
  addSeconds,
  derivedHandoffToken,
  drawToken,
  iso,
  type ServiceContext,
  tokenHash,
} from './context.js';
import {
  type AgentRef,
  aliveSql,
  instant,
  refuse,
  type SessionRow,
  type SessionSubject,
  sessionIdentity,
} from './session-store.js';
import { sendStartedNotice } from './user-notices.js';

interface HandoffRow {
  id: string;
  session_id: string;
  agent_id: string;
  user_id: string;
  ecosystem_id: string;
  role: Role;
  destination: Destination;
  page: DestinationPage;
  created_at: Date | string;
  expires_at: Date | string;
  claimed_at: Date | string | null;
  revoked_at: Date | string | null;
}

/**
 * A one-time link into the user's account: 128-bit token (stored only as an HMAC), short TTL,
 * bound to session, user, ecosystem and destination. Created by one conditional INSERT … SELECT
 * that only matches a live, verified technical-assistance session of this agent. With an
 * Idempotency-Key the token is derived from it (`derivedHandoffToken`) instead of drawn.
 */
export async function createHandoffOnce(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  destination: Destination,
  idempotencyKey: string | null,
): Promise<Handoff> {
  const action = 'handoff.create';
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, action, ['verified']);
  if (fixed.flow !== 'technical-assistance') {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: fixed.session_ref,
      action,
      outcome: 'refused',
      detail: { error: 'wrong_step', flow: fixed.flow },
    });
    throw new SupportError('wrong_step', 'Handoffs exist only in technical assistance.');
  }
  await ensureAccess(ctx, agent, sessionId, action, fixed, ['verified']);
  const at = instant(ctx);
  const bytes = ctx.limits.handoffTokenBytes;
  const token =
    idempotencyKey === null
      ? drawToken(bytes)
      : derivedHandoffToken(ctx.keys, sessionId, agent.agentId, idempotencyKey, bytes);
  const id = randomUUID();
  const expiresAt = addSeconds(at.now, ctx.limits.handoffTtlSeconds);
  const result = await ctx.db.transaction(async (tx) => {
    const touched = await tx.query<SessionRow>(
      `UPDATE support_sessions SET last_activity_at = $3
       WHERE id = $1 AND agent_id = $2 AND step = 'verified' AND flow = 'technical-assistance'
         AND role IS NOT NULL AND ecosystem_id IS NOT NULL AND ${aliveSql('$3', '$4')}
       RETURNING *`,
      [sessionId, agent.agentId, at.nowIso, at.cutoffIso],
    );
    const session = touched.rows[0];
    if (!session?.role || !session.ecosystem_id) return { kind: 'refused' as const };
    if (!isDestinationAllowed(session.role, destination)) {
      return { kind: 'forbidden' as const, session };
    }
    const page = destinationPage(session.role, destination);
    await tx.query(
      `INSERT INTO support_handoffs (id, session_id, agent_id, user_id, ecosystem_id, role, destination,
         page, token_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        sessionId,
        agent.agentId,
        session.user_id,
        session.ecosystem_id,
        session.role,
        destination,
        page,
        tokenHash(ctx.keys, token),
        at.nowIso,
        expiresAt.toISOString(),
      ],
    );
    await audit(ctx, tx, {
      agentId: agent.agentId,
      sessionRef: session.session_ref,
      action,
      outcome: 'ok',
      detail: { destination, page },
    });
    return { kind: 'created' as const, page };
  });
  if (result.kind === 'refused') throw await refuse(ctx, agent, sessionId, action, ['verified']);
  if (result.kind === 'forbidden') {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: result.session.session_ref,
      action,
      outcome: 'refused',
      detail: { error: 'forbidden', destination },
    });
    throw new SupportError('forbidden', "This destination is not available for the user's role.");
  }
  ctx.logger.info('handoff created', { agentId: agent.agentId, destination });
  return {
    id,
    destination,
    page: result.page,
    link: handoffLink(ctx, result.page, token),
    expiresAt: expiresAt.toISOString(),
    expiresIn: ctx.limits.handoffTtlSeconds,
  };
}

/** The destination page's URL with the token in the fragment (never sent to a server by browsers). */
export function handoffLink(ctx: ServiceContext, page: DestinationPage, token: string): string {
  return `${ctx.destinations[page].split('#')[0]}#token=${token}`;
}

export async function getHandoff(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  handoffId: string,
): Promise<HandoffStatus> {
  const { rows } = await ctx.db.query<HandoffRow>(
    `SELECT h.* FROM support_handoffs h JOIN support_sessions s ON s.id = h.session_id
     WHERE h.id = $1 AND h.session_id = $2 AND s.agent_id = $3`,
    [handoffId, sessionId, agent.agentId],
  );
  const row = rows[0];
  if (!row) throw new SupportError('not_found', 'No such handoff.');
  const now = ctx.clock.now();
  let state: HandoffState = 'pending';
  if (row.claimed_at !== null) state = 'claimed';
  else if (row.revoked_at !== null) state = 'revoked';
  else if (new Date(row.expires_at) <= now) state = 'expired';
  return {
    id: row.id,
    destination: row.destination,
    page: row.page,
    state,
    expiresAt: iso(row.expires_at),
    claimedAt: row.claimed_at === null ? null : iso(row.claimed_at),
  };
}

interface ClaimRow extends HandoffRow {
  session_ref: string;
  last_activity_at: Date | string;
  absolute_expires_at: Date | string;
}

/**
 * Called by the destination app with the token. One statement claims it: unclaimed, unrevoked,
 * unexpired, and its session still live and verified. Anything else is one generic error.
 */
export async function redeemHandoff(ctx: ServiceContext, token: string): Promise<AssistedSession> {
  await recheckBeforeRedeem(ctx, token);
  const at = instant(ctx);
  const { rows } = await ctx.db.query<ClaimRow>(
    `UPDATE support_handoffs h SET claimed_at = $2
     FROM support_sessions s
     WHERE h.token_hash = $1 AND h.claimed_at IS NULL AND h.revoked_at IS NULL AND h.expires_at > $2
       AND s.id = h.session_id AND s.step = 'verified' AND ${aliveSql('$2', '$3', 's')}
     RETURNING h.*, s.session_ref, s.last_activity_at, s.absolute_expires_at`,
    [tokenHash(ctx.keys, token), at.nowIso, at.cutoffIso],
  );
  const claim = rows[0];
  if (!claim) throw await refuseRedeem(ctx, null);
  const [user, agentRecord] = await Promise.all([
    ctx.directory.getUser(claim.user_id),
    ctx.directory.getAgent(claim.agent_id),
  ]);
  const ecosystem = user?.ecosystems.find((e) => e.id === claim.ecosystem_id);
  if (!user || !agentRecord || !ecosystem)
    throw new SupportError('handoff_invalid', 'This link is not valid.');
  // The assisted session ends no later than the support session would (idle or absolute).
  const idleEnd = addSeconds(new Date(claim.last_activity_at), ctx.limits.idleTimeoutSeconds);
  const absolute = new Date(claim.absolute_expires_at);
  const expiresAt = idleEnd < absolute ? idleEnd : absolute;
  const issued = await ctx.identity.issueAssistedToken({
    userId: user.id,
    agentId: agentRecord.id,
    ecosystemId: ecosystem.id,
    role: claim.role,
    destination: claim.destination,
    sessionRef: claim.session_ref,
    expiresAt,
  });
  await audit(ctx, ctx.db, {
    agentId: claim.agent_id,
    sessionRef: claim.session_ref,
    action: 'handoff.redeem',
    outcome: 'ok',
    detail: { destination: claim.destination },
  });
  await sendStartedNotice(ctx, {
    handoffId: claim.id,
    sessionId: claim.session_id,
    page: claim.page,
    absoluteExpiresAt: absolute,
    user,
    agent: agentRecord,
    ecosystemName: ecosystem.name,
  });
  ctx.logger.info('handoff redeemed', { agentId: claim.agent_id, destination: claim.destination });
  return {
    accessToken: issued.accessToken,
    tokenType: 'Bearer',
    expiresAt: issued.expiresAt.toISOString(),
    user: { id: user.id, name: user.name, email: user.email },
    ecosystem: { id: ecosystem.id, name: ecosystem.name },
    role: claim.role,
    destination: claim.destination,
    page: claim.page,
    assistedBy: { id: agentRecord.id, name: agentRecord.name, email: agentRecord.email },
  };
}

async function refuseRedeem(ctx: ServiceContext, cause: string | null): Promise<SupportError> {
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

/**
 * Before a live link is claimed: its agent must still be active, and its user still assistable
 * (`sessionIneligibility`, the same rule as every command). An ineligible user's session is
 * closed (its other links and codes revoked); the claim statement itself still decides alone.
 */
async function recheckBeforeRedeem(ctx: ServiceContext, token: string): Promise<void> {
  const { rows } = await ctx.db.query<SessionSubject & { session_id: string; agent_id: string }>(
    `SELECT h.session_id, s.agent_id, s.flow, s.user_id, s.session_ref, s.ecosystem_id, s.role
     FROM support_handoffs h JOIN support_sessions s ON s.id = h.session_id
     WHERE h.token_hash = $1 AND h.claimed_at IS NULL AND h.revoked_at IS NULL AND h.expires_at > $2`,
    [tokenHash(ctx.keys, token), ctx.clock.now().toISOString()],
  );
  const pending = rows[0];
  if (!pending) return;
  const agentRecord = await ctx.directory.getAgent(pending.agent_id);
  if (!agentRecord?.active) throw await refuseRedeem(ctx, 'agent_inactive');
  const found = await sessionIneligibility(ctx, pending);
  if (!found) return;
  await closeIneligible(ctx, pending.session_id, null, found, 'handoff.redeem');
  throw await refuseRedeem(ctx, 'user_ineligible');
}
