import { randomUUID } from 'node:crypto';
import {
  CODE_STEP,
  type CodePurpose,
  type Flow,
  maskEmail,
  nextStep,
  SupportError,
  type SupportSessionView,
  selectableEcosystems,
} from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import { ensureAccess } from './access.js';
import { audit } from './audit.js';
import { composeCodeMessage } from './code-message.js';
import { addSeconds, codeHash, drawCode, hashesEqual, type ServiceContext } from './context.js';
import { hitCodeSendLimits, RateLimitedError } from './rate-limits.js';
import { settleEndedSessions } from './session-ended.js';
import {
  type AgentRef,
  aliveSql,
  instant,
  refuse,
  revokeSessionSecrets,
  type SessionRow,
  sessionIdentity,
  viewOf,
} from './sessions.js';

export { type CodeMessageInput, composeCodeMessage } from './code-message.js';

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

  const [user, agentRecord] = await Promise.all([
    ctx.directory.getUser(fixed.user_id),
    ctx.directory.getAgent(agent.agentId),
  ]);
  if (!user || !agentRecord) throw new SupportError('not_found', 'No such user.');

  let outcome: { row: SessionRow } | { blocked: SessionRow | null };
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<SessionRow>(
        `UPDATE support_sessions
         SET code_sends = code_sends + 1, last_code_sent_at = $4, last_activity_at = $4
         WHERE id = $1 AND agent_id = $2 AND step = $3 AND ${aliveSql('$4', '$5')}
           AND (code_sends = 0 OR (last_code_sent_at <= $6 AND code_sends <= $7))
         RETURNING *`,
        [sessionId, agent.agentId, step, at.nowIso, at.cutoffIso, cooldownCutoff, limits.maxResends],
      );
      const row = rows[0];
      if (!row) {
        const current = await tx.query<SessionRow>(
          `SELECT * FROM support_sessions WHERE id = $1 AND agent_id = $2 AND step = $3
             AND ${aliveSql('$4', '$5')}`,
          [sessionId, agent.agentId, step, at.nowIso, at.cutoffIso],
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

interface ReservedAttempt {
  code_attempts: number;
  code_id: string;
  code_hash: string;
  session_ref: string;
  flow: Flow;
}

interface LatestCode {
  expires_at: Date | string;
  consumed_at: Date | string | null;
  revoked_at: Date | string | null;
}

type Decision =
  | { kind: 'ok'; row: SessionRow }
  | { kind: 'invalid'; attemptsLeft: number }
  | { kind: 'locked' }
  | { kind: 'refused' };

/** Rolls the verify transaction back when the consuming statement matched nothing. */
class NotConsumed extends Error {}

/**
 * Verifies the code of the current step, in one transaction:
 * 1. one statement reserves an attempt (attempts < max, right step, alive, live unexpired code)
 *    and returns the stored HMAC; its UPDATE holds the session row until the attempt is decided;
 * 2. the HMAC of the submitted code is compared with `timingSafeEqual`;
 * 3. on a match one statement consumes the code and advances the step; on a mismatch the
 *    attempt stays counted, and the last allowed one locks the session.
 * Concurrent verifies of one session thus queue on its row: none decides while another's
 * attempt is still open (which once let correct codes racing on a slow database lock it).
 */
export async function verifyCode(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  purpose: CodePurpose,
  submitted: string,
): Promise<SupportSessionView> {
  const step = CODE_STEP[purpose];
  const action = `code.verify.${purpose}`;
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, action, [step]);
  // Before the attempt is reserved: an ineligible user's session closes without spending one.
  await ensureAccess(ctx, agent, sessionId, action, fixed, [step]);
  const { limits } = ctx;
  const at = instant(ctx);
  const decide = async (tx: SqlExecutor): Promise<Decision> => {
    const reserved = await tx.query<ReservedAttempt>(
      `WITH c AS (
         SELECT id, code_hash FROM support_codes
         WHERE session_id = $1 AND agent_id = $2 AND purpose = $4
           AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $5
       ),
       s AS (
         UPDATE support_sessions SET code_attempts = code_attempts + 1, last_activity_at = $5
         WHERE id = $1 AND agent_id = $2 AND step = $3 AND code_attempts < $7
           AND ${aliveSql('$5', '$6')} AND EXISTS (SELECT 1 FROM c)
         RETURNING code_attempts, session_ref, flow
       )
       SELECT s.code_attempts, s.session_ref, s.flow, c.id AS code_id, c.code_hash FROM s CROSS JOIN c`,
      [sessionId, agent.agentId, step, purpose, at.nowIso, at.cutoffIso, limits.codeMaxAttempts],
    );
    const attempt = reserved.rows[0];
    if (!attempt) return { kind: 'refused' };
    const expected = codeHash(ctx.keys, sessionId, purpose, submitted);
    if (hashesEqual(expected, attempt.code_hash)) {
      const { rows } = await tx.query<SessionRow>(
        `WITH c AS (
           UPDATE support_codes SET consumed_at = $4
           WHERE id = $5 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $4
           RETURNING session_id
         )
         UPDATE support_sessions
         SET step = $6, code_attempts = 0, code_sends = 0, last_code_sent_at = NULL, last_activity_at = $4
         WHERE id = $1 AND agent_id = $2 AND step = $3 AND id IN (SELECT session_id FROM c)
           AND ${aliveSql('$4', '$7')}
         RETURNING *`,
        [
          sessionId,
          agent.agentId,
          step,
          at.nowIso,
          attempt.code_id,
          nextStep(attempt.flow, step),
          at.cutoffIso,
        ],
      );
      const advanced = rows[0];
      if (!advanced) throw new NotConsumed();
      await audit(ctx, tx, {
        agentId: agent.agentId,
        sessionRef: advanced.session_ref,
        action,
        outcome: 'ok',
        detail: { step: advanced.step },
      });
      return { kind: 'ok', row: advanced };
    }
    const attemptsLeft = Math.max(0, limits.codeMaxAttempts - attempt.code_attempts);
    if (attemptsLeft > 0) {
      await audit(ctx, tx, {
        agentId: agent.agentId,
        sessionRef: attempt.session_ref,
        action,
        outcome: 'refused',
        detail: { error: 'code_invalid', attemptsLeft },
      });
      return { kind: 'invalid', attemptsLeft };
    }
    await lockSession(ctx, tx, agent, sessionId, step);
    return { kind: 'locked' };
  };
  const decision = await ctx.db.transaction(decide).catch((error: unknown): Decision => {
    if (error instanceof NotConsumed) return { kind: 'refused' };
    throw error;
  });
  switch (decision.kind) {
    case 'ok':
      ctx.logger.info('verification code accepted', { agentId: agent.agentId, purpose });
      return viewOf(ctx, decision.row);
    case 'invalid':
      ctx.logger.info('wrong verification code', {
        agentId: agent.agentId,
        purpose,
        attemptsLeft: decision.attemptsLeft,
      });
      throw new SupportError('code_invalid', 'The code is not correct.', {
        attemptsLeft: decision.attemptsLeft,
      });
    case 'locked':
      ctx.logger.warn('support session locked after wrong codes', { agentId: agent.agentId });
      await settleEndedSessions(ctx, sessionId);
      throw new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
    default:
      throw await refuseVerify(ctx, agent, sessionId, purpose, action);
  }
}

/** Locks the session (all attempts used) and revokes its secrets; false when it was not at `step`. */
async function lockSession(
  ctx: ServiceContext,
  tx: SqlExecutor,
  agent: AgentRef,
  sessionId: string,
  step: string,
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

/** No attempt could be reserved: say why (session state first, then the code's state). */
async function refuseVerify(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  purpose: CodePurpose,
  action: string,
): Promise<SupportError> {
  const step = CODE_STEP[purpose];
  const at = instant(ctx);
  const { rows } = await ctx.db.query<SessionRow>(
    `SELECT * FROM support_sessions WHERE id = $1 AND agent_id = $2 AND step = $3
       AND ${aliveSql('$4', '$5')}`,
    [sessionId, agent.agentId, step, at.nowIso, at.cutoffIso],
  );
  const row = rows[0];
  if (!row) return refuse(ctx, agent, sessionId, action, [step]);
  let error: SupportError;
  if (row.code_attempts >= ctx.limits.codeMaxAttempts) {
    // Only sessions whose last wrong attempt was counted before this transactional verify existed.
    if (await ctx.db.transaction((tx) => lockSession(ctx, tx, agent, sessionId, step)))
      ctx.logger.warn('support session locked after wrong codes', { agentId: agent.agentId });
    error = new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
  } else {
    const latest = await ctx.db.query<LatestCode>(
      `SELECT expires_at, consumed_at, revoked_at FROM support_codes
       WHERE session_id = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1`,
      [sessionId, purpose],
    );
    const code = latest.rows[0];
    if (!code || row.code_sends === 0) {
      error = new SupportError('code_not_sent', 'No code was sent for this step yet.');
    } else if (code.consumed_at === null && code.revoked_at === null && new Date(code.expires_at) <= at.now) {
      error = new SupportError('code_expired', 'The code expired; send a new one.');
    } else {
      error = new SupportError('code_expired', 'The code is no longer valid; send a new one.');
    }
  }
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: row.session_ref,
    action,
    outcome: 'refused',
    detail: { error: error.code },
  });
  return error;
}
