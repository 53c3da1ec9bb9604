import { generateRegistrationOptions } from '@simplewebauthn/server';
import {
  OPEN_SESSION_STEPS,
  type PasskeyAttestation,
  type PasskeyCreationOptions,
  type PasskeyList,
  type PasskeySummary,
  SupportError,
} from '@waizant/support-core';
import { audit } from '../audit.js';
import { type ServiceContext, sessionRef } from '../context.js';
import { refuse } from '../refusals.js';
import {
  type AgentRef,
  agentRecordOf,
  type Instant,
  instant,
  liveSession,
  readSession,
  sessionIdentity,
} from '../session-store.js';
import { bind } from '../sql.js';
import { AGENT_CODE_PASSED, notAllowed, requirePasskeys } from './mode.js';
import {
  agentPasskeys,
  CHALLENGE_SECONDS,
  type ChallengeKey,
  challengeMatcher,
  dropChallengeClause,
  HOST_SCOPE,
  listOf,
  MAX_PASSKEYS_PER_AGENT,
  type PasskeyRow,
  readChallenge,
  storeChallenge,
  summaryOf,
  transportsOf,
} from './store.js';
import { checkAttestation, type RefusalReason } from './webauthn.js';

/** Enrolment through a support session (the element), or called by the host for an agent it verified itself. */
export type Enrolment = { readonly via: 'session'; readonly sessionId: string } | { readonly via: 'host' };

const OPEN_STEPS = [...OPEN_SESSION_STEPS];

function keyOf(agent: AgentRef, enrolment: Enrolment): ChallengeKey {
  return {
    agentId: agent.agentId,
    scope: enrolment.via === 'session' ? enrolment.sessionId : HOST_SCOPE,
    purpose: 'register',
  };
}

/**
 * The condition a session-bound enrolment needs at the moment it acts: the calling agent's
 * session, open and alive, in which the agent passed the e-mailed agent code. Host-called: none
 * (the host verified the agent).
 */
function enrolmentGuard(enrolment: Enrolment, at: Instant) {
  if (enrolment.via === 'host') return { sql: 'true', params: {} };
  const live = liveSession(at, 's');
  return {
    sql: `EXISTS (SELECT 1 FROM support_sessions s
      WHERE s.id = :id AND s.agent_id = :agent_id AND ${live.sql}) AND ${AGENT_CODE_PASSED}`,
    params: { id: enrolment.sessionId, ...live.params },
  };
}

/** Why a session-bound enrolment was not allowed: the session's state, or "not after the code yet". */
async function refuseEnrolment(ctx: ServiceContext, agent: AgentRef, sessionId: string, action: string) {
  const row = await readSession(ctx.db, agent, sessionId);
  const at = instant(ctx);
  const alive =
    row &&
    row.closed_at === null &&
    OPEN_STEPS.includes(row.step) &&
    new Date(row.last_activity_at).getTime() > new Date(at.cutoffIso).getTime() &&
    new Date(row.absolute_expires_at) > at.now;
  if (!row || !alive) return refuse(ctx, agent, sessionId, action, OPEN_STEPS);
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: row.session_ref,
    action,
    outcome: 'refused',
    detail: { error: 'step_up_not_allowed' },
  });
  return notAllowed('A passkey can be set up once the e-mailed code was passed in this session.');
}

async function requireSession(ctx: ServiceContext, agent: AgentRef, enrolment: Enrolment, action: string) {
  if (enrolment.via === 'session' && !(await sessionIdentity(ctx, agent, enrolment.sessionId))) {
    throw await refuse(ctx, agent, enrolment.sessionId, action, OPEN_STEPS);
  }
}

/** 16 bytes of the agent id (a UUID): WebAuthn's user handle, no personal data. */
function userHandle(agentId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(agentId.replace(/-/g, ''), 'hex'));
}

export async function registrationOptions(
  ctx: ServiceContext,
  agent: AgentRef,
  enrolment: Enrolment,
): Promise<PasskeyCreationOptions> {
  const config = requirePasskeys(ctx);
  const action = 'passkey.register.options';
  await requireSession(ctx, agent, enrolment, action);
  const [record, existing] = await Promise.all([
    agentRecordOf(ctx, agent),
    agentPasskeys(ctx.db, agent.agentId),
  ]);
  const options = await generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId,
    userID: userHandle(agent.agentId),
    userName: record?.email ?? agent.agentId,
    userDisplayName: record?.name ?? '',
    timeout: CHALLENGE_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  const at = instant(ctx);
  const key = keyOf(agent, enrolment);
  if (!(await storeChallenge(ctx, ctx.db, key, options.challenge, at, enrolmentGuard(enrolment, at)))) {
    if (enrolment.via === 'session') throw await refuseEnrolment(ctx, agent, enrolment.sessionId, action);
  }
  return options as PasskeyCreationOptions;
}

/**
 * Stores the verified passkey in ONE statement: consumes the exact challenge, re-checks the
 * enrolment condition, keeps the per-agent cap, and audits.
 */
function insertStatement(
  key: ChallengeKey,
  enrolment: Enrolment,
  at: Instant,
  ref: string | null,
  input: {
    hash: string;
    id: string;
    credential: { id: string; publicKey: string; counter: number };
    transports: string[];
    name: string;
  },
): [string, unknown[]] {
  const guard = enrolmentGuard(enrolment, at);
  return bind(
    `WITH ch AS (
       DELETE FROM support_passkey_challenges
       WHERE agent_id = :agent_id AND scope = :scope AND purpose = 'register'
         AND challenge_hash = :hash AND expires_at > :now
       RETURNING 1
     ),
     ins AS (
       INSERT INTO support_passkeys
         (id, agent_id, credential_id, public_key, sign_count, transports, name, created_at)
       SELECT :passkey_id::uuid, :agent_id::uuid, :credential_id::text, :public_key::text, :counter::bigint,
         :transports::jsonb, :name::text, :now::timestamptz
       WHERE EXISTS (SELECT 1 FROM ch) AND ${guard.sql}
         AND (SELECT count(*) FROM support_passkeys WHERE agent_id = :agent_id) < :max_passkeys
       ON CONFLICT (credential_id) DO NOTHING
       RETURNING *
     ),
     a AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT :now::timestamptz, agent_id, :session_ref::text, 'passkey.register', 'ok',
         jsonb_build_object('passkeyId', id::text, 'via', :via::text)
       FROM ins
     )
     SELECT * FROM ins`,
    {
      ...guard.params,
      agent_id: key.agentId,
      scope: key.scope,
      hash: input.hash,
      now: at.nowIso,
      passkey_id: input.id,
      credential_id: input.credential.id,
      public_key: input.credential.publicKey,
      counter: input.credential.counter,
      transports: JSON.stringify(input.transports),
      name: input.name,
      max_passkeys: MAX_PASSKEYS_PER_AGENT,
      session_ref: ref,
      via: enrolment.via,
    },
  );
}

export async function registerPasskey(
  ctx: ServiceContext,
  agent: AgentRef,
  enrolment: Enrolment,
  attestation: PasskeyAttestation,
  name: string | undefined,
): Promise<PasskeySummary> {
  const config = requirePasskeys(ctx);
  const action = 'passkey.register';
  await requireSession(ctx, agent, enrolment, action);
  const key = keyOf(agent, enrolment);
  const at = instant(ctx);
  const ref = enrolment.via === 'session' ? sessionRef(ctx.keys, enrolment.sessionId) : null;
  const pending = await readChallenge(ctx.db, key);
  let reason: RefusalReason;
  if (!pending) reason = 'no_challenge';
  else if (new Date(pending.expires_at) <= at.now) reason = 'challenge_expired';
  else {
    const matcher = challengeMatcher(ctx, key, pending);
    const checked = await checkAttestation(config, attestation, matcher.check);
    const hash = matcher.signed();
    if (checked.ok && hash) {
      const { rows } = await ctx.db.query<PasskeyRow>(
        ...insertStatement(key, enrolment, at, ref, {
          hash,
          id: crypto.randomUUID(),
          credential: checked.value,
          transports: attestation.response.transports ?? [],
          name: name ?? `Passkey ${at.nowIso.slice(0, 10)}`,
        }),
      );
      const stored = rows[0];
      if (stored) {
        ctx.logger.info('agent passkey registered', { agentId: agent.agentId });
        return summaryOf(stored);
      }
      if (enrolment.via === 'session') {
        const error = await refuseEnrolment(ctx, agent, enrolment.sessionId, action);
        if (error.code !== 'step_up_not_allowed') throw error;
      }
      reason = 'not_consumed';
    } else reason = checked.ok ? 'challenge_mismatch' : checked.reason;
  }
  // A refused registration spends its challenge; it costs no attempt (nothing was unlocked).
  await ctx.db.query(
    ...bind(`WITH d AS (${dropChallengeClause()}) SELECT 1`, {
      agent_id: key.agentId,
      scope: key.scope,
      purpose: key.purpose,
    }),
  );
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: ref,
    action,
    outcome: 'refused',
    detail: { error: 'passkey_refused', reason, via: enrolment.via },
  });
  ctx.logger.info('agent passkey registration refused', { agentId: agent.agentId, reason });
  throw new SupportError('passkey_refused', 'The passkey could not be registered.');
}

export async function removePasskey(
  ctx: ServiceContext,
  agent: AgentRef,
  passkeyId: string,
): Promise<PasskeyList> {
  const { rows } = await ctx.db.query(
    ...bind(
      `WITH d AS (
         DELETE FROM support_passkeys WHERE id = :id AND agent_id = :agent_id RETURNING id, agent_id
       ),
       a AS (
         INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
         SELECT :now::timestamptz, agent_id, NULL, 'passkey.remove', 'ok', jsonb_build_object('passkeyId', id::text) FROM d
       )
       SELECT id FROM d`,
      { id: passkeyId, agent_id: agent.agentId, now: instant(ctx).nowIso },
    ),
  );
  if (rows.length === 0) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: null,
      action: 'passkey.remove',
      outcome: 'refused',
      detail: { error: 'not_found' },
    });
    throw new SupportError('not_found', 'No such passkey.');
  }
  ctx.logger.info('agent passkey removed', { agentId: agent.agentId });
  return listOf(ctx.db, agent.agentId);
}
