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
  type UserSummary,
} from '@waizant/support-core';
import type { AgentRecord } from '../ports/index.js';
import { closeIneligible, ensureAccess, sessionAccess } from './access.js';
import { assistedSessionInsertSql, drawRefreshToken, issueAssistedAccess } from './assisted-tokens.js';
import { auditFrom, auditOkFrom } from './audit.js';
import {
  addSeconds,
  derivedHandoffToken,
  drawToken,
  iso,
  type ServiceContext,
  tokenHash,
} from './context.js';
import { auditRefused, refuse, refuseRedeem } from './refusals.js';
import {
  type AgentRef,
  instant,
  liveSession,
  ownSession,
  type SessionRow,
  type SessionSubject,
  sessionIdentity,
} from './session-store.js';
import { bind } from './sql.js';
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
 * bound to session, user, ecosystem and destination. One statement: a conditional UPDATE …
 * RETURNING refreshes the session's activity only if it is a live, verified technical-assistance
 * session of this agent still holding the role the destination was checked against; only from
 * its row are the handoff and its audit record INSERTed. With an
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
    await auditRefused(ctx, agent, fixed.session_ref, action, { error: 'wrong_step', flow: fixed.flow });
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
  const live = liveSession(at);
  // The role the session was verified for (set once, with the ecosystem): the statement below
  // matches only while the session still holds it, so the check here cannot go stale.
  const allowed = fixed.role !== null && isDestinationAllowed(fixed.role, destination);
  const page = allowed && fixed.role ? destinationPage(fixed.role, destination) : null;
  const audited = auditOkFrom(ctx, 'made', agent, action, { destination, page });
  // One statement: the session's activity refreshed (a live, verified technical-assistance
  // session of this agent, with the role and ecosystem read above), the handoff row, its audit.
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `WITH s AS (
         UPDATE support_sessions SET last_activity_at = :now
         WHERE id = :id AND agent_id = :agent_id AND step = 'verified' AND flow = 'technical-assistance'
           AND role = :role AND ecosystem_id = :ecosystem_id::uuid AND ${live.sql}
         RETURNING *
       ),
       made AS (SELECT * FROM s WHERE :allowed::boolean),
       handoff AS (
         INSERT INTO support_handoffs (id, session_id, agent_id, user_id, ecosystem_id, role, destination,
           page, token_hash, created_at, expires_at)
         SELECT :handoff_id::uuid, made.id, made.agent_id, made.user_id, made.ecosystem_id, made.role,
           :destination, :page, :token_hash, :now::timestamptz, :expires_at::timestamptz
         FROM made
       ),
       ${audited.sql}
       SELECT * FROM s`,
      {
        ...ownSession(agent, sessionId, live),
        role: fixed.role,
        ecosystem_id: fixed.ecosystem_id,
        allowed,
        handoff_id: id,
        destination,
        page,
        token_hash: tokenHash(ctx.keys, token),
        expires_at: expiresAt.toISOString(),
        ...audited.params,
      },
    ),
  );
  const session = rows[0];
  const result = !session
    ? ({ kind: 'refused' } as const)
    : !page
      ? ({ kind: 'forbidden', session } as const)
      : ({ kind: 'created', page } as const);
  if (result.kind === 'refused') throw await refuse(ctx, agent, sessionId, action, ['verified']);
  if (result.kind === 'forbidden') {
    await auditRefused(ctx, agent, result.session.session_ref, action, { error: 'forbidden', destination });
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
  const checked = await recheckBeforeRedeem(ctx, token);
  const live = liveSession(instant(ctx), 's');
  const refresh = drawRefreshToken(ctx.keys);
  const audited = auditFrom(
    ctx,
    'claim',
    { agentId: null, action: 'handoff.redeem', outcome: 'ok' },
    { agentFromSource: true, detailSql: "jsonb_build_object('destination', claim.destination)" },
  );
  // The assisted session and the audit record are written by the statement that claims the handoff.
  const { rows } = await ctx.db.query<ClaimRow & { assisted_session_id: string }>(
    ...bind(
      `WITH claim AS (
         UPDATE support_handoffs h SET claimed_at = :now
         FROM support_sessions s
         WHERE h.token_hash = :token_hash AND h.claimed_at IS NULL AND h.revoked_at IS NULL
           AND h.expires_at > :now AND s.id = h.session_id AND s.step = 'verified' AND ${live.sql}
         RETURNING h.*, s.session_ref, s.last_activity_at, s.absolute_expires_at
       ),
       assisted AS (${assistedSessionInsertSql(':assisted_id', ':refresh_hash', ':now')}),
       ${audited.sql}
       SELECT claim.*, assisted.id AS assisted_session_id FROM claim, assisted`,
      {
        token_hash: tokenHash(ctx.keys, token),
        assisted_id: randomUUID(),
        refresh_hash: refresh.hash,
        ...live.params,
        ...audited.params,
      },
    ),
  );
  const claim = rows[0];
  if (!claim) throw await refuseRedeem(ctx, null);
  // The records the re-check just read are the claimed session's own: not read a second time.
  const [user, agentRecord] =
    checked?.sessionId === claim.session_id
      ? [checked.user, checked.agent]
      : await Promise.all([ctx.directory.getUser(claim.user_id), ctx.directory.getAgent(claim.agent_id)]);
  const ecosystem = user?.ecosystems.find((e) => e.id === claim.ecosystem_id);
  if (!user || !agentRecord || !ecosystem)
    throw new SupportError('handoff_invalid', 'This link is not valid.');
  const issued = await issueAssistedAccess(ctx, ctx.db, {
    assistedSessionId: claim.assisted_session_id,
    userId: user.id,
    agentId: agentRecord.id,
    ecosystemId: ecosystem.id,
    role: claim.role,
    destination: claim.destination,
    sessionRef: claim.session_ref,
    lastActivityAt: claim.last_activity_at,
    absoluteExpiresAt: claim.absolute_expires_at,
  });
  await sendStartedNotice(ctx, {
    handoffId: claim.id,
    sessionId: claim.session_id,
    page: claim.page,
    absoluteExpiresAt: new Date(claim.absolute_expires_at),
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
    assistedSessionId: claim.assisted_session_id,
    refreshToken: refresh.token,
  };
}

/**
 * Before a live link is claimed: its agent must still be active, and its user still assistable
 * (`sessionAccess`, the same rule as every command). An ineligible user's session is closed (its
 * other links and codes revoked); the claim statement itself still decides alone. Returns the
 * records it read (null when no live link matched).
 */
async function recheckBeforeRedeem(
  ctx: ServiceContext,
  token: string,
): Promise<{ sessionId: string; agent: AgentRecord; user: UserSummary } | null> {
  const { rows } = await ctx.db.query<SessionSubject & { session_id: string; agent_id: string }>(
    `SELECT h.session_id, s.agent_id, s.flow, s.user_id, s.session_ref, s.ecosystem_id, s.role
     FROM support_handoffs h JOIN support_sessions s ON s.id = h.session_id
     WHERE h.token_hash = $1 AND h.claimed_at IS NULL AND h.revoked_at IS NULL AND h.expires_at > $2`,
    [tokenHash(ctx.keys, token), ctx.clock.now().toISOString()],
  );
  const pending = rows[0];
  if (!pending) return null;
  const agentRecord = await ctx.directory.getAgent(pending.agent_id);
  if (!agentRecord?.active) throw await refuseRedeem(ctx, 'agent_inactive');
  const { found, user } = await sessionAccess(ctx, pending);
  if (!found && user) return { sessionId: pending.session_id, agent: agentRecord, user };
  if (!found) return null;
  await closeIneligible(ctx, pending.session_id, null, found, 'handoff.redeem');
  throw await refuseRedeem(ctx, 'user_ineligible');
}
