import type { Destination, Role, SessionStep } from '@waizant/support-core';
import { openProviderToken } from './assisted-crypto.js';
import { audit, auditOk } from './audit.js';
import type { ServiceContext } from './context.js';
import { receipt, userLocale } from './messages.js';
import { instant, liveSession } from './session-store.js';
import { bind } from './sql.js';

/**
 * The side effects owed once a support session has ended, whatever ended it: called after every
 * closing command (for that session) and by the periodic sweep (for all). Each settler claims its
 * work with one conditional UPDATE … RETURNING, so it runs once across processes.
 */
export async function settleEndedSessions(ctx: ServiceContext, sessionId: string | null): Promise<void> {
  // Never fails the command that closed the session: what is left unsettled, the sweep settles.
  await revokeProviderTokens(ctx, sessionId).catch(() =>
    ctx.logger.error('settling ended sessions failed', { step: 'revoke' }),
  );
  await settleReceipts(ctx, sessionId).catch(() =>
    ctx.logger.error('settling ended sessions failed', { step: 'receipt' }),
  );
}

interface RevokeClaim {
  id: string;
  provider_refresh_ciphertext: string;
  session_ref: string;
  agent_id: string;
}

/**
 * Identity provider tokens (Cognito RevokeToken) of the assisted sessions that are no longer live.
 * A failed call gives its claim back, so the next sweep tries again.
 */
async function revokeProviderTokens(ctx: ServiceContext, sessionId: string | null): Promise<void> {
  const revoke = ctx.identity.revokeAssistedToken?.bind(ctx.identity);
  if (!revoke) return;
  const at = instant(ctx);
  const live = liveSession(at, 's');
  const { rows } = await ctx.db.query<RevokeClaim>(
    ...bind(
      `UPDATE support_assisted_sessions a SET provider_revoked_at = :now
       FROM support_sessions s
       WHERE s.id = a.session_id AND (:only_id::uuid IS NULL OR a.session_id = :only_id::uuid)
         AND a.provider_refresh_ciphertext IS NOT NULL AND a.provider_revoked_at IS NULL
         AND (a.ended_at IS NOT NULL OR NOT (s.step = 'verified' AND ${live.sql}))
       RETURNING a.id, a.provider_refresh_ciphertext, s.session_ref, s.agent_id`,
      { only_id: sessionId, ...live.params },
    ),
  );
  for (const claim of rows) {
    const token = openProviderToken(ctx.keys.providerToken, claim.id, claim.provider_refresh_ciphertext);
    let outcome: 'ok' | 'failed' = 'ok';
    if (token === null) {
      // Not decryptable with this key (rotated secret or tampering): nothing can be revoked.
      outcome = 'failed';
      ctx.logger.error('assisted session: provider token unreadable', { agentId: claim.agent_id });
    } else {
      try {
        await revoke(token);
      } catch {
        outcome = 'failed';
        await ctx.db.query(
          `UPDATE support_assisted_sessions SET provider_revoked_at = NULL
           WHERE id = $1 AND provider_revoked_at = $2`,
          [claim.id, at.nowIso],
        );
      }
    }
    await audit(ctx, ctx.db, {
      agentId: claim.agent_id,
      sessionRef: claim.session_ref,
      action: 'assisted.revoke',
      outcome,
      detail: token === null ? { error: 'unreadable' } : {},
    });
  }
}

interface ClaimedRow {
  id: string;
  session_ref: string;
  agent_id: string;
  user_id: string;
  ecosystem_id: string | null;
  role: Role | null;
  step: SessionStep;
  cancel_reason: string | null;
  created_at: Date | string;
  closed_at: Date | string;
  verified: boolean;
}

interface HandoffRow {
  destination: Destination;
  created_at: Date | string;
  claimed_at: Date | string | null;
}

/** Most receipts one settle sends; the rest wait for the next sweep. */
const BATCH = 100;

/**
 * The receipt: claims every closed, unclaimed session (verified or not, so none is looked at
 * twice) and e-mails one receipt for each that verified the user (both codes consumed), with
 * the notifier's issue id `receipt:<session ref>`. A send that fails gives its claim back, so a
 * later sweep retries; the issue id keeps it to one e-mail.
 */
export async function settleReceipts(ctx: ServiceContext, sessionId: string | null): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const { rows } = await ctx.db.query<ClaimedRow>(
    `WITH due AS (
       SELECT id FROM support_sessions
       WHERE closed_at IS NOT NULL AND receipt_claimed_at IS NULL AND ($2::uuid IS NULL OR id = $2::uuid)
       ORDER BY closed_at LIMIT ${BATCH}
     )
     UPDATE support_sessions s SET receipt_claimed_at = $1
     FROM due WHERE s.id = due.id AND s.receipt_claimed_at IS NULL
     RETURNING s.id, s.session_ref, s.agent_id, s.user_id, s.ecosystem_id, s.role, s.step, s.cancel_reason,
       s.created_at, s.closed_at,
       (EXISTS (SELECT 1 FROM support_codes c WHERE c.session_id = s.id AND c.purpose = 'agent'
                  AND c.consumed_at IS NOT NULL)
        AND EXISTS (SELECT 1 FROM support_codes c WHERE c.session_id = s.id AND c.purpose = 'user'
                  AND c.consumed_at IS NOT NULL)) AS verified`,
    [now, sessionId],
  );
  let sent = 0;
  for (const row of rows) {
    if (!row.verified) continue;
    try {
      await sendReceipt(ctx, row);
      sent += 1;
    } catch {
      await ctx.db.query('UPDATE support_sessions SET receipt_claimed_at = NULL WHERE id = $1', [row.id]);
      ctx.logger.warn('receipt not sent; retried by the next sweep', { agentId: row.agent_id });
    }
  }
  return sent;
}

async function sendReceipt(ctx: ServiceContext, row: ClaimedRow): Promise<void> {
  const [user, agent, locale, handoffs] = await Promise.all([
    ctx.directory.getUser(row.user_id),
    ctx.directory.getAgent(row.agent_id),
    ctx.directory.getUserLocale ? ctx.directory.getUserLocale(row.user_id) : Promise.resolve(null),
    ctx.db.query<HandoffRow>(
      `SELECT destination, created_at, claimed_at FROM support_handoffs WHERE session_id = $1
       ORDER BY created_at, id`,
      [row.id],
    ),
  ]);
  // A user gone from the directory has no address to write to.
  if (!user) return;
  const message = receipt({
    locale: userLocale(locale),
    userName: user.name,
    agentName: agent?.name ?? 'Waizant support',
    ecosystemName: user.ecosystems.find((e) => e.id === row.ecosystem_id)?.name ?? null,
    startedAt: new Date(row.created_at),
    endedAt: new Date(row.closed_at),
    step: row.step,
    cancelReason: row.step === 'cancelled' ? row.cancel_reason : null,
    destinations: handoffs.rows.map((h) => ({
      destination: h.destination,
      openedAt: new Date(h.created_at),
      claimedAt: h.claimed_at === null ? null : new Date(h.claimed_at),
    })),
  });
  await ctx.notifier.send({
    issueId: `receipt:${row.session_ref}`,
    kind: 'assisted_session_receipt',
    to: user.email,
    ...message,
  });
  await auditOk(ctx, row.agent_id, row.session_ref, 'session.receipt', { ending: row.step });
}
