import { generateAuthenticationOptions } from '@simplewebauthn/server';
import {
  nextStep,
  type PasskeyAssertion,
  type PasskeyRequestOptions,
  type SessionStep,
  SupportError,
  type SupportSessionView,
} from '@waizant/support-core';
import { ensureAccess } from '../access.js';
import type { ServiceContext } from '../context.js';
import { refuse } from '../refusals.js';
import { settleEndedSessions } from '../session-ended.js';
import {
  type AgentRef,
  type Instant,
  instant,
  liveSession,
  lockSession,
  type SessionRow,
  sessionIdentity,
} from '../session-store.js';
import { viewOf } from '../session-view.js';
import { bind } from '../sql.js';
import { requirePasskeys } from './mode.js';
import {
  agentPasskeys,
  CHALLENGE_SECONDS,
  type ChallengeKey,
  challengeMatcher,
  dropChallengeClause,
  ownCredential,
  readChallenge,
  storeChallenge,
  transportsOf,
} from './store.js';
import { checkAssertion, type RefusalReason } from './webauthn.js';

const STEP: SessionStep = 'agent_code';
/** The agent-code step's audit action: a passkey passes the same step, so it shares the family. */
const ACTION = 'code.verify.agent';

function keyOf(agent: AgentRef, sessionId: string): ChallengeKey {
  return { agentId: agent.agentId, scope: sessionId, purpose: 'authenticate' };
}

/** "At the agent step, live, attempts left": the same condition a code verify reserves on. */
function atAgentStep(ctx: ServiceContext, at: Instant, alias = '') {
  const p = alias ? `${alias}.` : '';
  const live = liveSession(at, alias);
  return {
    sql: `${p}id = :id AND ${p}agent_id = :agent_id AND ${p}step = '${STEP}'
      AND ${p}code_attempts < :max_attempts AND ${live.sql}`,
    params: { max_attempts: ctx.limits.codeMaxAttempts, ...live.params },
  };
}

/** A fresh single-use challenge for this session's agent step, listing the agent's passkeys. */
export async function agentPasskeyOptions(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
): Promise<PasskeyRequestOptions> {
  const config = requirePasskeys(ctx);
  const action = 'passkey.options';
  if (!(await sessionIdentity(ctx, agent, sessionId)))
    throw await refuse(ctx, agent, sessionId, action, [STEP]);
  const passkeys = await agentPasskeys(ctx.db, agent.agentId);
  if (passkeys.length === 0) {
    throw new SupportError('passkey_not_enrolled', 'You have no passkey yet.');
  }
  const options = await generateAuthenticationOptions({
    rpID: config.rpId,
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    userVerification: 'required',
    timeout: CHALLENGE_SECONDS * 1000,
  });
  const at = instant(ctx);
  const guard = atAgentStep(ctx, at, 's');
  const stored = await storeChallenge(ctx, ctx.db, keyOf(agent, sessionId), options.challenge, at, {
    sql: `EXISTS (SELECT 1 FROM support_sessions s WHERE ${guard.sql})`,
    params: { id: sessionId, ...guard.params },
  });
  if (!stored) throw await refuse(ctx, agent, sessionId, action, [STEP]);
  return options as PasskeyRequestOptions;
}

/**
 * Accepts a verified assertion in ONE statement: under the session row's lock (right step,
 * live, attempts left, owner), it consumes the exact challenge, advances the passkey's counter
 * (only forwards, or 0 → 0 for authenticators without one), moves the step as a correct agent
 * code does (same resets) and audits. Returns nothing when any part did not hold.
 */
function acceptStatement(
  ctx: ServiceContext,
  at: Instant,
  key: ChallengeKey,
  input: { hash: string; passkeyId: string; counter: number; next: SessionStep | null },
): [string, unknown[]] {
  const guard = atAgentStep(ctx, at);
  return bind(
    `WITH s0 AS (
       SELECT id FROM support_sessions WHERE ${guard.sql} FOR UPDATE
     ),
     ch AS (
       DELETE FROM support_passkey_challenges
       WHERE agent_id = :agent_id AND scope = :scope AND purpose = 'authenticate'
         AND challenge_hash = :hash AND expires_at > :now AND EXISTS (SELECT 1 FROM s0)
       RETURNING 1
     ),
     pk AS (
       UPDATE support_passkeys SET sign_count = :counter::bigint, last_used_at = :now
       WHERE id = :passkey_id AND agent_id = :agent_id AND EXISTS (SELECT 1 FROM ch)
         AND (sign_count < :counter::bigint OR (sign_count = 0 AND :counter::bigint = 0))
       RETURNING id
     ),
     s AS (
       UPDATE support_sessions
       SET step = :next, code_attempts = 0, code_sends = 0, last_code_sent_at = NULL, last_activity_at = :now
       WHERE id IN (SELECT id FROM s0) AND EXISTS (SELECT 1 FROM pk)
       RETURNING *
     ),
     a AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT :now::timestamptz, agent_id, session_ref, '${ACTION}', 'ok',
         jsonb_build_object('method', 'passkey', 'step', step, 'passkeyId', :passkey_ref::text)
       FROM s
     )
     SELECT * FROM s`,
    {
      ...guard.params,
      id: key.scope,
      agent_id: key.agentId,
      scope: key.scope,
      hash: input.hash,
      passkey_id: input.passkeyId,
      passkey_ref: input.passkeyId,
      counter: input.counter,
      next: input.next,
    },
  );
}

/**
 * A refused answer in ONE statement: spends the session's pending challenge and one attempt
 * from the agent-code budget, and audits why (a fixed word; never the challenge, credential id
 * or signature). Nothing when the session is not at the agent step any more.
 */
function refuseStatement(ctx: ServiceContext, at: Instant, key: ChallengeKey, reason: RefusalReason) {
  const guard = atAgentStep(ctx, at);
  return bind(
    `WITH ch AS (${dropChallengeClause()}),
     s AS (
       UPDATE support_sessions SET code_attempts = code_attempts + 1, last_activity_at = :now
       WHERE ${guard.sql}
       RETURNING code_attempts, session_ref
     ),
     a AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT :now::timestamptz, :agent_id::uuid, session_ref, '${ACTION}', 'refused',
         jsonb_build_object('method', 'passkey', 'error', 'passkey_refused', 'reason', :reason::text,
           'attemptsLeft', GREATEST(0, :max_attempts - code_attempts))
       FROM s
     )
     SELECT code_attempts FROM s`,
    { ...guard.params, id: key.scope, agent_id: key.agentId, scope: key.scope, purpose: key.purpose, reason },
  );
}

/** Checks the agent's assertion for this session's agent step; see acceptStatement/refuseStatement. */
export async function verifyAgentPasskey(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  assertion: PasskeyAssertion,
): Promise<SupportSessionView> {
  const config = requirePasskeys(ctx);
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, ACTION, [STEP]);
  await ensureAccess(ctx, agent, sessionId, ACTION, fixed, [STEP]);
  const key = keyOf(agent, sessionId);
  const at = instant(ctx);
  const [credential, pending] = await Promise.all([
    ownCredential(ctx.db, agent.agentId, assertion.id),
    readChallenge(ctx.db, key),
  ]);
  let reason: RefusalReason;
  if (!credential) reason = 'unknown_credential';
  else if (!pending) reason = 'no_challenge';
  else if (new Date(pending.expires_at) <= at.now) reason = 'challenge_expired';
  else {
    const matcher = challengeMatcher(ctx, key, pending);
    const checked = await checkAssertion(config, assertion, matcher.check, {
      id: credential.credential_id,
      publicKey: credential.public_key,
      counter: Number(credential.sign_count),
    });
    const hash = matcher.signed();
    if (checked.ok && hash) {
      const { rows } = await ctx.db.query<SessionRow>(
        ...acceptStatement(ctx, at, key, {
          hash,
          passkeyId: credential.id,
          counter: checked.value.newCounter,
          next: nextStep(fixed.flow, STEP),
        }),
      );
      const moved = rows[0];
      if (moved) {
        ctx.logger.info('agent passkey accepted', { agentId: agent.agentId });
        return viewOf(ctx, moved);
      }
      reason = 'not_consumed';
    } else reason = checked.ok ? 'challenge_mismatch' : checked.reason;
  }
  return refused(ctx, agent, sessionId, key, at, reason);
}

async function refused(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  key: ChallengeKey,
  at: Instant,
  reason: RefusalReason,
): Promise<never> {
  const max = ctx.limits.codeMaxAttempts;
  const outcome = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ code_attempts: number }>(...refuseStatement(ctx, at, key, reason));
    const counted = rows[0];
    if (!counted) return null;
    const attemptsLeft = Math.max(0, max - counted.code_attempts);
    // The last allowed attempt locks the session, exactly as the last wrong code does.
    const locked = attemptsLeft === 0 && (await lockSession(ctx, tx, agent, sessionId, STEP));
    return { attemptsLeft, locked };
  });
  if (!outcome) throw await refuse(ctx, agent, sessionId, ACTION, [STEP]);
  if (outcome.locked) {
    ctx.logger.warn('support session locked after refused passkeys', { agentId: agent.agentId });
    await settleEndedSessions(ctx, sessionId);
    throw new SupportError('code_locked', 'Too many wrong codes; the support session is locked.');
  }
  ctx.logger.info('agent passkey refused', {
    agentId: agent.agentId,
    reason,
    attemptsLeft: outcome.attemptsLeft,
  });
  throw new SupportError('passkey_refused', 'The passkey could not be verified.', {
    attemptsLeft: outcome.attemptsLeft,
  });
}
