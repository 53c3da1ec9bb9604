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
import type { Notification } from '../ports/index.js';
import { audit } from './audit.js';
import { addSeconds, codeHash, drawCode, hashesEqual, type ServiceContext } from './context.js';
import { hitRateLimit } from './rate-limits.js';
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

const HOUR = 3600;

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
      await hitRateLimit(
        ctx,
        tx,
        `code-send:session:${row.session_ref}`,
        HOUR,
        limits.codeSendsPerSessionPerHour,
      );
      await hitRateLimit(ctx, tx, `code-send:user:${row.user_id}`, HOUR, limits.codeSendsPerUserPerHour);

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
        detail: { error: error.code },
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

/**
 * Verifies the code of the current step:
 * 1. one statement reserves an attempt (attempts < max, right step, alive, live unexpired code)
 *    and returns the stored HMAC;
 * 2. the HMAC of the submitted code is compared with `timingSafeEqual`;
 * 3. on a match one statement consumes the code and advances the step; on a mismatch the
 *    attempt stays counted, and the last allowed one locks the session.
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
  const { limits } = ctx;
  const at = instant(ctx);
  const reserved = await ctx.db.query<ReservedAttempt>(
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
  if (!attempt) throw await refuseVerify(ctx, agent, sessionId, purpose, action);

  const expected = codeHash(ctx.keys, sessionId, purpose, submitted);
  if (hashesEqual(expected, attempt.code_hash)) {
    const next = nextStep(attempt.flow, step);
    const row = await ctx.db
      .transaction(async (tx) => {
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
          [sessionId, agent.agentId, step, at.nowIso, attempt.code_id, next, at.cutoffIso],
        );
        const advanced = rows[0];
        if (!advanced) throw new SupportError('code_invalid', 'The code is no longer valid.');
        await audit(ctx, tx, {
          agentId: agent.agentId,
          sessionRef: advanced.session_ref,
          action,
          outcome: 'ok',
          detail: { step: advanced.step },
        });
        return advanced;
      })
      .catch(async (error: unknown) => {
        if (error instanceof SupportError) throw await refuseVerify(ctx, agent, sessionId, purpose, action);
        throw error;
      });
    ctx.logger.info('verification code accepted', { agentId: agent.agentId, purpose });
    return viewOf(ctx, row);
  }

  const attemptsLeft = Math.max(0, limits.codeMaxAttempts - attempt.code_attempts);
  if (attemptsLeft > 0) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: attempt.session_ref,
      action,
      outcome: 'refused',
      detail: { error: 'code_invalid', attemptsLeft },
    });
    ctx.logger.info('wrong verification code', { agentId: agent.agentId, purpose, attemptsLeft });
    throw new SupportError('code_invalid', 'The code is not correct.', { attemptsLeft });
  }
  await lockSession(ctx, agent, sessionId, step);
  throw new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
}

async function lockSession(ctx: ServiceContext, agent: AgentRef, sessionId: string, step: string) {
  const at = instant(ctx);
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ session_ref: string }>(
      `UPDATE support_sessions SET step = 'locked', closed_at = $4
       WHERE id = $1 AND agent_id = $2 AND step = $3 AND code_attempts >= $5 RETURNING session_ref`,
      [sessionId, agent.agentId, step, at.nowIso, ctx.limits.codeMaxAttempts],
    );
    const locked = rows[0];
    if (!locked) return;
    await revokeSessionSecrets(tx, sessionId, at.nowIso);
    await audit(ctx, tx, {
      agentId: agent.agentId,
      sessionRef: locked.session_ref,
      action: 'session.lock',
      outcome: 'ok',
      detail: { step },
    });
  });
  ctx.logger.warn('support session locked after wrong codes', { agentId: agent.agentId });
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
    await lockSession(ctx, agent, sessionId, step);
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

export interface CodeMessageInput {
  readonly issueId: string;
  readonly purpose: CodePurpose;
  readonly to: string;
  readonly code: string;
  readonly agentName: string;
  readonly userName: string;
  readonly ecosystemNames: readonly string[];
  readonly ttlMinutes: number;
}

/**
 * The e-mail with a code. It names the agent and the ecosystem and says why the reader gets
 * it. The user's e-mail asks them to read the code to the agent, so it must not say "never share".
 */
export function composeCodeMessage(input: CodeMessageInput): Notification {
  const ecosystems = input.ecosystemNames.length > 0 ? input.ecosystemNames.join(', ') : '—';
  if (input.purpose === 'agent') {
    return {
      issueId: input.issueId,
      kind: 'agent_code',
      to: input.to,
      code: input.code,
      subject: `Waizant support: your internal verification code`,
      text: [
        `Hello ${input.agentName},`,
        '',
        `You started a support session for ${input.userName} (ecosystem: ${ecosystems}).`,
        `Your internal verification code is: ${input.code}`,
        '',
        `It expires in ${input.ttlMinutes} minutes. Enter it in the back office to continue.`,
        'If you did not start this support session, tell your security team.',
      ].join('\n'),
    };
  }
  return {
    issueId: input.issueId,
    kind: 'user_code',
    to: input.to,
    code: input.code,
    subject: `Waizant support: your verification code for ${input.agentName}`,
    text: [
      `Hello ${input.userName},`,
      '',
      `${input.agentName}, from Waizant support, is helping you with your ecosystem ${ecosystems}`,
      'and needs to confirm that they are talking to you.',
      `Your verification code is: ${input.code}`,
      '',
      `Read this code to ${input.agentName} when they ask for it. It expires in ${input.ttlMinutes} minutes.`,
      'If you are not talking to Waizant support right now, ignore this e-mail.',
    ].join('\n'),
  };
}
