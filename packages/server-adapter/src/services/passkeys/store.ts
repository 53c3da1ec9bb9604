import type { AuthenticatorTransport, PasskeyList, PasskeySummary } from '@waizant/support-core';
import type { SqlExecutor } from '../../ports/index.js';
import { hashesEqual, hmacHex, iso, type ServiceContext } from '../context.js';
import type { Instant } from '../session-store.js';
import { bind } from '../sql.js';

/** A challenge lives at most this long (WebAuthn's timeout in the options says the same). */
export const CHALLENGE_SECONDS = 120;
/** How many passkeys one agent may hold (the contract's list is bounded). */
export const MAX_PASSKEYS_PER_AGENT = 20;

export type ChallengePurpose = 'authenticate' | 'register';

/** Where a challenge belongs: one support session, or the host-called enrolment. */
export interface ChallengeKey {
  readonly agentId: string;
  readonly scope: string;
  readonly purpose: ChallengePurpose;
}

export const HOST_SCOPE = 'host';

/** The stored form of a challenge: an HMAC bound to whom and what it was issued for. */
export function challengeHash(ctx: ServiceContext, key: ChallengeKey, challenge: string): string {
  return hmacHex(ctx.keys.code, 'webauthn-challenge', key.agentId, key.scope, key.purpose, challenge);
}

/**
 * Stores the key's new challenge, replacing any earlier one (one pending per key), in one
 * statement. `guard` is a condition (SQL, over `params`) the insert also needs, so "the session
 * is at the right step" and "store the challenge" are decided together; false when it failed.
 */
export async function storeChallenge(
  ctx: ServiceContext,
  sql: SqlExecutor,
  key: ChallengeKey,
  challenge: string,
  at: Instant,
  guard: { sql: string; params: Record<string, unknown> } = { sql: 'true', params: {} },
): Promise<boolean> {
  const { rows } = await sql.query(
    ...bind(
      `INSERT INTO support_passkey_challenges (agent_id, scope, purpose, challenge_hash, created_at, expires_at)
       SELECT :agent_id::uuid, :scope::text, :purpose::text, :hash::text, :now::timestamptz,
         :expires_at::timestamptz WHERE ${guard.sql}
       ON CONFLICT (agent_id, scope, purpose) DO UPDATE
         SET challenge_hash = excluded.challenge_hash, created_at = excluded.created_at,
             expires_at = excluded.expires_at
       RETURNING 1 AS stored`,
      {
        ...guard.params,
        agent_id: key.agentId,
        scope: key.scope,
        purpose: key.purpose,
        hash: challengeHash(ctx, key, challenge),
        now: at.nowIso,
        expires_at: new Date(at.now.getTime() + CHALLENGE_SECONDS * 1000).toISOString(),
      },
    ),
  );
  return rows.length > 0;
}

export interface PendingChallenge {
  challenge_hash: string;
  expires_at: Date | string;
}

export async function readChallenge(sql: SqlExecutor, key: ChallengeKey): Promise<PendingChallenge | null> {
  const { rows } = await sql.query<PendingChallenge>(
    `SELECT challenge_hash, expires_at FROM support_passkey_challenges
     WHERE agent_id = $1 AND scope = $2 AND purpose = $3`,
    [key.agentId, key.scope, key.purpose],
  );
  return rows[0] ?? null;
}

/**
 * The challenge check handed to the WebAuthn verifier: the challenge the browser signed must
 * have the stored HMAC (compared in constant time). Records the hash for the consuming statement.
 */
export function challengeMatcher(
  ctx: ServiceContext,
  key: ChallengeKey,
  pending: PendingChallenge,
): { check: (challenge: string) => boolean; signed: () => string | null } {
  let matched: string | null = null;
  return {
    check: (challenge) => {
      const hash = challengeHash(ctx, key, challenge);
      if (!hashesEqual(hash, pending.challenge_hash)) return false;
      matched = hash;
      return true;
    },
    signed: () => matched,
  };
}

/** Deletes the key's pending challenge: a failed answer spends it too. */
export function dropChallengeClause(): string {
  return `DELETE FROM support_passkey_challenges
          WHERE agent_id = :agent_id AND scope = :scope AND purpose = :purpose`;
}

export interface PasskeyRow {
  id: string;
  agent_id: string;
  credential_id: string;
  public_key: string;
  sign_count: number | string | bigint;
  transports: AuthenticatorTransport[] | string;
  name: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
}

export function transportsOf(row: Pick<PasskeyRow, 'transports'>): AuthenticatorTransport[] {
  const value = typeof row.transports === 'string' ? JSON.parse(row.transports) : row.transports;
  return Array.isArray(value) ? value : [];
}

export function summaryOf(row: PasskeyRow): PasskeySummary {
  return {
    id: row.id,
    name: row.name,
    transports: transportsOf(row),
    createdAt: iso(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
  };
}

export async function agentPasskeys(sql: SqlExecutor, agentId: string): Promise<PasskeyRow[]> {
  const { rows } = await sql.query<PasskeyRow>(
    'SELECT * FROM support_passkeys WHERE agent_id = $1 ORDER BY created_at, id',
    [agentId],
  );
  return rows;
}

export async function listOf(sql: SqlExecutor, agentId: string): Promise<PasskeyList> {
  return { items: (await agentPasskeys(sql, agentId)).map(summaryOf) };
}

/** The agent's own passkey with this credential id, or null (another agent's looks the same). */
export async function ownCredential(
  sql: SqlExecutor,
  agentId: string,
  credentialId: string,
): Promise<PasskeyRow | null> {
  const { rows } = await sql.query<PasskeyRow>(
    'SELECT * FROM support_passkeys WHERE agent_id = $1 AND credential_id = $2',
    [agentId, credentialId],
  );
  return rows[0] ?? null;
}
