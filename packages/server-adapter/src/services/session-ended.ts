import { openProviderToken } from './assisted-crypto.js';
import { audit } from './audit.js';
import type { ServiceContext } from './context.js';
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
