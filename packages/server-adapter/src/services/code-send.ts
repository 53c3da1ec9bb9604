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
import { audit, auditFrom } from './audit.js';
import { addSeconds, codeHash, drawCode, type ServiceContext } from './context.js';
import { composeCodeMessage } from './messages.js';
import {
  bucketHitsFrom,
  CODE_SEND_WINDOW_SECONDS,
  checkBucketHits,
  codeSendBuckets,
  RateLimitedError,
  windowAt,
} from './rate-limits.js';
import { auditRefused, refuse } from './refusals.js';
import {
  type AgentRef,
  agentRecordOf,
  instant,
  liveSession,
  ownSession,
  type SessionRow,
  sessionIdentity,
} from './session-store.js';
import { viewOf } from './session-view.js';
import { bind } from './sql.js';

/**
 * Sends (or resends) the code of the current step. In one transaction: one conditional
 * statement moves the session's resend counters (cooldown and resend cap in its WHERE), hits the
 * rate-limit buckets, revokes the previous live code, stores the new one as an HMAC and audits;
 * then the Notifier is called with an idempotency `issueId`. If a bucket is over its limit or
 * the Notifier fails, everything rolls back: no resend consumed, no live code.
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
  const user = await ensureAccess(ctx, agent, sessionId, action, fixed, [step]);
  const { limits } = ctx;
  const at = instant(ctx);
  const cooldownCutoff = addSeconds(at.now, -limits.resendCooldownSeconds).toISOString();
  const live = liveSession(at);

  const agentRecord = await agentRecordOf(ctx, agent);
  if (!agentRecord) throw new SupportError('not_found', 'No such user.');

  const code = drawCode(limits.codeDigits);
  const to = purpose === 'agent' ? agentRecord.email : user.email;
  const issueId = randomUUID();
  const sentTo = maskEmail(to);
  const expiresAt = addSeconds(at.now, limits.codeTtlSeconds).toISOString();
  const buckets = codeSendBuckets(limits, {
    sessionRef: fixed.session_ref,
    agentId: agent.agentId,
    userId: fixed.user_id,
    purpose,
  });
  const window = windowAt(at.now, CODE_SEND_WINDOW_SECONDS);
  const audited = auditFrom(
    ctx,
    's',
    { agentId: agent.agentId, action, outcome: 'ok' },
    { detailSql: "jsonb_build_object('send', s.code_sends)" },
  );
  let outcome: { row: SessionRow } | { blocked: SessionRow | null };
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      // One statement: the resend counters (cooldown and cap in its WHERE), the rate-limit
      // buckets, the previous live code revoked, the new one stored as an HMAC, the audit record.
      // The notifier runs inside the same transaction, so a failed send undoes all of it.
      const { rows } = await tx.query<SessionRow & { hits: Array<{ bucket: string; count: number }> }>(
        ...bind(
          `WITH s AS (
             UPDATE support_sessions
             SET code_sends = code_sends + 1, last_code_sent_at = :now, last_activity_at = :now
             WHERE id = :id AND agent_id = :agent_id AND step = :step AND ${live.sql}
               AND (code_sends = 0 OR (last_code_sent_at <= :cooldown_cutoff AND code_sends <= :max_resends))
             RETURNING *
           ),
           ${bucketHitsFrom('s')},
           revoked AS (
             UPDATE support_codes SET revoked_at = :now
             WHERE session_id IN (SELECT id FROM s) AND purpose = :purpose
               AND consumed_at IS NULL AND revoked_at IS NULL
             RETURNING id
           ),
           issued AS (
             INSERT INTO support_codes (id, session_id, agent_id, purpose, code_hash, sent_to, issue_id,
               created_at, expires_at)
             SELECT :code_id::uuid, s.id, s.agent_id, :purpose, :code_hash, :sent_to, :issue_id::uuid,
               :now::timestamptz, :expires_at::timestamptz
             FROM s
             -- Reading all of "revoked" first: the old code is revoked before the one-live-code index sees the new one.
             WHERE (SELECT count(*) FROM revoked) >= 0
           ),
           ${audited.sql}
           SELECT s.*, (SELECT coalesce(json_agg(hits), '[]'::json) FROM hits) AS hits FROM s`,
          {
            ...ownSession(agent, sessionId, live),
            step,
            purpose,
            cooldown_cutoff: cooldownCutoff,
            max_resends: limits.maxResends,
            window_start: window.start,
            buckets: buckets.map((bucket) => bucket.key),
            code_id: randomUUID(),
            code_hash: codeHash(ctx.keys, sessionId, purpose, code),
            sent_to: sentTo,
            issue_id: issueId,
            expires_at: expiresAt,
            ...audited.params,
          },
        ),
      );
      const row = rows[0];
      if (!row) {
        const current = await tx.query<SessionRow>(
          ...bind(
            `SELECT * FROM support_sessions WHERE id = :id AND agent_id = :agent_id AND step = :step
               AND ${live.sql}`,
            { ...ownSession(agent, sessionId, live), step },
          ),
        );
        return { blocked: current.rows[0] ?? null };
      }
      checkBucketHits(buckets, row.hits, window.retryAfterSeconds);
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
    // The code just stored is the live one: the view needs no read back.
    return viewOf(ctx, outcome.row, {
      user,
      code: { purpose, sent_to: sentTo, created_at: at.nowIso, expires_at: expiresAt },
    });
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
  await auditRefused(ctx, agent, blocked.session_ref, action, { error: error.code });
  throw error;
}
