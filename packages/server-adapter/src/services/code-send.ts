import { randomUUID } from 'node:crypto';
import {
  CODE_STEP,
  type CodePurpose,
  maskEmail,
  SupportError,
  type SupportSessionView,
  selectableEcosystems,
} from '@waizant/support-core';
import { ensureAccess } from './access.js';
import { audit } from './audit.js';
import { addSeconds, codeHash, drawCode, type ServiceContext } from './context.js';
import { composeCodeMessage } from './messages.js';
import { hitCodeSendLimits, RateLimitedError } from './rate-limits.js';
import { refuse } from './refusals.js';
import { type AgentRef, instant, liveSession, type SessionRow, sessionIdentity } from './session-store.js';
import { viewOf } from './session-view.js';
import { bind } from './sql.js';

/**
 * Sends (or resends) the code of the current step. In one transaction: the session's resend
 * counters move with one conditional statement (cooldown and resend cap in its WHERE), the
 * rate-limit buckets are hit, the previous live code is revoked and the new one stored as an
 * HMAC, and the Notifier is called with an idempotency `issueId`. If the Notifier fails,
 * everything rolls back: no resend consumed, no live code.
 */
export async function sendCode(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  purpose: CodePurpose,
): Promise<SupportSessionView> {
  const step = CODE_STEP[purpose];
  const action = `code.send.${purpose}`;
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, action, [step]);
  await ensureAccess(ctx, agent, sessionId, action, fixed, [step]);
  const { limits } = ctx;
  const at = instant(ctx);
  const cooldownCutoff = addSeconds(at.now, -limits.resendCooldownSeconds).toISOString();
  const live = liveSession(at);

  const [user, agentRecord] = await Promise.all([
    ctx.directory.getUser(fixed.user_id),
    ctx.directory.getAgent(agent.agentId),
  ]);
  if (!user || !agentRecord) throw new SupportError('not_found', 'No such user.');

  let outcome: { row: SessionRow } | { blocked: SessionRow | null };
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<SessionRow>(
        ...bind(
          `UPDATE support_sessions
           SET code_sends = code_sends + 1, last_code_sent_at = :now, last_activity_at = :now
           WHERE id = :id AND agent_id = :agent_id AND step = :step AND ${live.sql}
             AND (code_sends = 0 OR (last_code_sent_at <= :cooldown_cutoff AND code_sends <= :max_resends))
           RETURNING *`,
          {
            id: sessionId,
            agent_id: agent.agentId,
            step,
            cooldown_cutoff: cooldownCutoff,
            max_resends: limits.maxResends,
            ...live.params,
          },
        ),
      );
      const row = rows[0];
      if (!row) {
        const current = await tx.query<SessionRow>(
          ...bind(
            `SELECT * FROM support_sessions WHERE id = :id AND agent_id = :agent_id AND step = :step
               AND ${live.sql}`,
            { id: sessionId, agent_id: agent.agentId, step, ...live.params },
          ),
        );
        return { blocked: current.rows[0] ?? null };
      }
      await hitCodeSendLimits(ctx, tx, {
        sessionRef: row.session_ref,
        agentId: agent.agentId,
        userId: row.user_id,
        purpose,
      });

      const code = drawCode(limits.codeDigits);
      const to = purpose === 'agent' ? agentRecord.email : user.email;
      const issueId = randomUUID();
      await tx.query(
        `UPDATE support_codes SET revoked_at = $3
         WHERE session_id = $1 AND purpose = $2 AND consumed_at IS NULL AND revoked_at IS NULL`,
        [sessionId, purpose, at.nowIso],
      );
      await tx.query(
        `INSERT INTO support_codes (id, session_id, agent_id, purpose, code_hash, sent_to, issue_id,
           created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          randomUUID(),
          sessionId,
          agent.agentId,
          purpose,
          codeHash(ctx.keys, sessionId, purpose, code),
          maskEmail(to),
          issueId,
          at.nowIso,
          addSeconds(at.now, limits.codeTtlSeconds).toISOString(),
        ],
      );
      const ecosystems =
        row.ecosystem_id === null
          ? selectableEcosystems(row.flow, user.ecosystems)
          : user.ecosystems.filter((e) => e.id === row.ecosystem_id);
      const message = composeCodeMessage({
        issueId,
        purpose,
        to,
        code,
        agentName: agentRecord.name,
        userName: user.name,
        ecosystemNames: ecosystems.map((e) => e.name),
        ttlMinutes: Math.round(limits.codeTtlSeconds / 60),
      });
      try {
        await ctx.notifier.send(message, { sql: tx });
      } catch {
        throw new SupportError('upstream_unavailable', 'The code could not be sent; try again.');
      }
      await audit(ctx, tx, {
        agentId: agent.agentId,
        sessionRef: row.session_ref,
        action,
        outcome: 'ok',
        detail: { send: row.code_sends },
      });
      return { row };
    });
  } catch (error) {
    if (error instanceof SupportError) {
      await audit(ctx, ctx.db, {
        agentId: agent.agentId,
        sessionRef: fixed.session_ref,
        action,
        outcome: error.code === 'upstream_unavailable' ? 'failed' : 'refused',
        // Which limit tripped (its kind only: bucket keys name people and sessions).
        detail: { error: error.code, ...(error instanceof RateLimitedError ? { bucket: error.bucket } : {}) },
      });
      if (error.code === 'upstream_unavailable') {
        ctx.logger.warn('code notification failed', { agentId: agent.agentId, purpose });
      }
    }
    throw error;
  }
  if ('row' in outcome) {
    ctx.logger.info('verification code sent', { agentId: agent.agentId, purpose });
    return viewOf(ctx, outcome.row);
  }
  const blocked = outcome.blocked;
  if (!blocked) throw await refuse(ctx, agent, sessionId, action, [step]);
  const error =
    blocked.code_sends > limits.maxResends
      ? new SupportError('resends_exhausted', 'No more codes can be sent for this step.')
      : new SupportError('resend_too_soon', 'Wait before sending another code.', {
          retryAfterSeconds: Math.max(
            1,
            Math.ceil(
              (new Date(blocked.last_code_sent_at ?? at.now).getTime() +
                limits.resendCooldownSeconds * 1000 -
                at.now.getTime()) /
                1000,
            ),
          ),
        });
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: blocked.session_ref,
    action,
    outcome: 'refused',
    detail: { error: error.code },
  });
  throw error;
}
