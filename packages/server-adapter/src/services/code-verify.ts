import {
  CODE_STEP,
  type CodePurpose,
  type Flow,
  nextStep,
  type SessionStep,
  SupportError,
  type SupportSessionView,
} from '@waizant/support-core';
import type { SqlExecutor } from '../ports/index.js';
import { ensureAccess } from './access.js';
import { audit, auditOkFrom } from './audit.js';
import { codeHash, hashesEqual, type ServiceContext } from './context.js';
import { refuse, refuseVerify } from './refusals.js';
import { settleEndedSessions } from './session-ended.js';
import {
  type AgentRef,
  type Instant,
  instant,
  liveSession,
  lockSession,
  type SessionRow,
  sessionIdentity,
} from './session-store.js';
import { viewOf } from './session-view.js';
import { bind } from './sql.js';

/** Whose attempt at which code, and when: what both verify statements are bound from. */
export interface AttemptKey {
  readonly sessionId: string;
  readonly agentId: string;
  readonly purpose: CodePurpose;
  readonly at: Instant;
}

/**
 * Reserves one attempt: counts it on the session (right step, live, attempts left) only when a
 * live unexpired code exists, and returns that code's id and stored HMAC.
 */
export function reserveAttemptStatement(key: AttemptKey, maxAttempts: number): [string, unknown[]] {
  const live = liveSession(key.at);
  return bind(
    `WITH c AS (
       SELECT id, code_hash FROM support_codes
       WHERE session_id = :id AND agent_id = :agent_id AND purpose = :purpose
         AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > :now
     ),
     s AS (
       UPDATE support_sessions SET code_attempts = code_attempts + 1, last_activity_at = :now
       WHERE id = :id AND agent_id = :agent_id AND step = :step AND code_attempts < :max_attempts
         AND ${live.sql} AND EXISTS (SELECT 1 FROM c)
       RETURNING code_attempts, session_ref, flow
     )
     SELECT s.code_attempts, s.session_ref, s.flow, c.id AS code_id, c.code_hash FROM s CROSS JOIN c`,
    {
      id: key.sessionId,
      agent_id: key.agentId,
      step: CODE_STEP[key.purpose],
      purpose: key.purpose,
      max_attempts: maxAttempts,
      ...live.params,
    },
  );
}

/**
 * Consumes the matched code and advances the session to `next`, in one statement; with
 * `audited` (an `auditFrom` clause over `advanced`), the audit record is written by it too.
 */
export function consumeCodeStatement(
  key: AttemptKey,
  codeId: string,
  next: SessionStep | null,
  audited?: { sql: string; params: Record<string, unknown> },
): [string, unknown[]] {
  const live = liveSession(key.at);
  const advance = `UPDATE support_sessions
     SET step = :next, code_attempts = 0, code_sends = 0, last_code_sent_at = NULL, last_activity_at = :now
     WHERE id = :id AND agent_id = :agent_id AND step = :step AND id IN (SELECT session_id FROM c)
       AND ${live.sql}
     RETURNING *`;
  return bind(
    `WITH c AS (
       UPDATE support_codes SET consumed_at = :now
       WHERE id = :code_id AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > :now
       RETURNING session_id
     )
     ${audited ? `, advanced AS (${advance}), ${audited.sql} SELECT * FROM advanced` : advance}`,
    {
      id: key.sessionId,
      agent_id: key.agentId,
      step: CODE_STEP[key.purpose],
      code_id: codeId,
      next,
      ...live.params,
      ...audited?.params,
    },
  );
}

interface ReservedAttempt {
  code_attempts: number;
  code_id: string;
  code_hash: string;
  session_ref: string;
  flow: Flow;
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
  const user = await ensureAccess(ctx, agent, sessionId, action, fixed, [step]);
  const { limits } = ctx;
  const key: AttemptKey = { sessionId, agentId: agent.agentId, purpose, at: instant(ctx) };
  const decide = async (tx: SqlExecutor): Promise<Decision> => {
    const reserved = await tx.query<ReservedAttempt>(...reserveAttemptStatement(key, limits.codeMaxAttempts));
    const attempt = reserved.rows[0];
    if (!attempt) return { kind: 'refused' };
    const expected = codeHash(ctx.keys, sessionId, purpose, submitted);
    if (hashesEqual(expected, attempt.code_hash)) {
      const next = nextStep(attempt.flow, step);
      const audited = auditOkFrom(ctx, 'advanced', agent, action, { step: next });
      const { rows } = await tx.query<SessionRow>(
        ...consumeCodeStatement(key, attempt.code_id, next, audited),
      );
      const advanced = rows[0];
      if (!advanced) throw new NotConsumed();
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
      return viewOf(ctx, decision.row, { user });
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
