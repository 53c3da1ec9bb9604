import { randomUUID } from 'node:crypto';
import { SupportError } from '@waizant/support-core';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import type {
  AccountStatus,
  AgentIdentity,
  AssistedTokenClaims,
  AssistedTokenRequest,
  Clock,
  CoreDirectory,
  Identity,
  SqlExecutor,
} from '../../ports/index.js';
import { verifiedTokenCache } from '../verified-token-cache.js';

export interface LocalIdentityOptions {
  readonly directory: CoreDirectory;
  readonly clock: Clock;
  readonly issuer?: string;
  /** Audience of agent ID tokens (the back office's client id). */
  readonly agentAudience?: string;
  /** Audience of assisted-session tokens (the Waizant apps). */
  readonly assistedAudience?: string;
  /** Group an agent must belong to (`cognito:groups`). */
  readonly agentGroup?: string;
  /** A private ES256 JWK to keep tokens valid across restarts; a fresh pair is generated otherwise. */
  readonly privateJwk?: JWK;
  /**
   * Where the stand-in keeps end users' account state (table `embedded_identity_accounts`).
   * With it, the signer reports account statuses like Cognito does and can disable an account.
   */
  readonly accounts?: SqlExecutor;
}

export interface AgentTokenOverrides {
  readonly tokenUse?: string;
  readonly groups?: readonly string[];
  readonly audience?: string;
  readonly issuer?: string;
  readonly expiresInSeconds?: number;
  readonly issuedAt?: Date;
  /** Sign even though the directory has no such agent (to test that the server refuses it). */
  readonly unknownAgent?: boolean;
}

export interface LocalIdentity extends Identity {
  /**
   * Issues an agent ID token like Cognito would (for the demo and tests). Throws
   * `SupportError('invalid_input')` when `agentId` is not a UUID and `SupportError('not_found')`
   * when the directory has no such agent (unless `overrides.unknownAgent`).
   */
  issueAgentToken(agentId: string, overrides?: AgentTokenOverrides): Promise<string>;
  jwks(): Promise<{ keys: JWK[] }>;
  /** Enables or disables the user's account in the stand-in provider (Cognito: AdminEnable/DisableUser). */
  setUserEnabled?(email: string, enabled: boolean): Promise<void>;
  readonly issuer: string;
  readonly assistedAudience: string;
}

const ALG = 'ES256';
const AGENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A local signer standing in for Cognito: ES256 ID tokens for agents, and assisted-session
 * access tokens whose `act` claim names the agent (RFC 8693 style).
 */
export async function createLocalIdentity(options: LocalIdentityOptions): Promise<LocalIdentity> {
  const issuer = options.issuer ?? 'https://identity.waizant.local';
  const agentAudience = options.agentAudience ?? 'waizant-backoffice';
  const assistedAudience = options.assistedAudience ?? 'waizant-apps';
  const agentGroup = options.agentGroup ?? 'support-agents';
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  if (options.privateJwk) {
    privateKey = (await importJWK({ ...options.privateJwk, alg: ALG }, ALG)) as CryptoKey;
    const { d: _d, ...pub } = options.privateJwk;
    publicJwk = pub;
  } else {
    const pair = await generateKeyPair(ALG, { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
  }
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk: JWK = { ...publicJwk, kid, alg: ALG, use: 'sig' };
  const keySet = createLocalJWKSet({ keys: [jwk] });
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

  const accounts = options.accounts;
  // The agent id of each token that passed the signature and claim checks, until its `exp` by
  // the clock the checks use; the agent's status is still read on every request.
  const verifiedSubjects = verifiedTokenCache<string>({ now: () => options.clock.now().getTime() });
  const normal = (email: string) => email.trim().toLowerCase();
  const accountState = accounts
    ? {
        async getUserAccountStatus(email: string): Promise<AccountStatus> {
          const { rows } = await accounts.query<{ enabled: boolean }>(
            'SELECT enabled FROM embedded_identity_accounts WHERE email = $1',
            [normal(email)],
          );
          const enabled = rows[0]?.enabled ?? true;
          return { exists: true, enabled, userStatus: enabled ? 'active' : 'disabled' };
        },
        async setUserEnabled(email: string, enabled: boolean): Promise<void> {
          await accounts.query(
            `INSERT INTO embedded_identity_accounts (email, enabled) VALUES ($1, $2)
             ON CONFLICT (email) DO UPDATE SET enabled = EXCLUDED.enabled`,
            [normal(email), enabled],
          );
        },
      }
    : {};

  return {
    ...accountState,
    issuer,
    assistedAudience,
    async issueAgentToken(agentId, overrides = {}) {
      // Checked before the directory sees it: a non-UUID would surface as a raw SQL error.
      if (typeof agentId !== 'string' || !AGENT_ID.test(agentId)) {
        throw new SupportError(
          'invalid_input',
          `issueAgentToken: ${JSON.stringify(String(agentId).slice(0, 80))} is not an agent id; agent ids are lowercase UUIDs from the agents table (e.g. DEMO.agents.ana.id)`,
        );
      }
      const agent = await options.directory.getAgent(agentId);
      if (!agent && !overrides.unknownAgent) {
        throw new SupportError(
          'not_found',
          `issueAgentToken: no agent ${agentId} in the directory (add it to the agents table or your CoreDirectory)`,
        );
      }
      const iat = overrides.issuedAt ?? options.clock.now();
      return new SignJWT({
        token_use: overrides.tokenUse ?? 'id',
        'cognito:groups': [...(overrides.groups ?? [agentGroup])],
        email: agent?.email ?? 'unknown@waizant.local',
        name: agent?.name ?? 'Unknown',
      })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setSubject(agentId)
        .setIssuer(overrides.issuer ?? issuer)
        .setAudience(overrides.audience ?? agentAudience)
        .setIssuedAt(seconds(iat))
        .setExpirationTime(seconds(iat) + (overrides.expiresInSeconds ?? 3600))
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async verifyAgentToken(token): Promise<AgentIdentity> {
      const refuse = () => new SupportError('unauthorized', 'Sign in again.');
      let sub = verifiedSubjects.get(token);
      if (sub === undefined) {
        let payload: Record<string, unknown>;
        try {
          ({ payload } = await jwtVerify(token, keySet, {
            issuer,
            audience: agentAudience,
            algorithms: [ALG],
            currentDate: options.clock.now(),
            clockTolerance: 0,
            requiredClaims: ['sub', 'exp', 'iat'],
          }));
        } catch {
          throw refuse();
        }
        const groups = payload['cognito:groups'];
        if (payload.token_use !== 'id' || !Array.isArray(groups) || !groups.includes(agentGroup))
          throw refuse();
        sub = typeof payload.sub === 'string' ? payload.sub : '';
        if (!AGENT_ID.test(sub)) throw refuse();
        verifiedSubjects.set(token, sub, Number(payload.exp));
      }
      const agent = await options.directory.getAgent(sub);
      if (!agent?.active) throw refuse();
      return { agentId: agent.id, record: agent };
    },
    async issueAssistedToken(request: AssistedTokenRequest) {
      const now = options.clock.now();
      const token = await new SignJWT({
        token_use: 'access',
        act: { sub: request.agentId },
        ecosystem_id: request.ecosystemId,
        role: request.role,
        destination: request.destination,
        support_ref: request.sessionRef,
        ...(request.assistedSessionId ? { sid: request.assistedSessionId } : {}),
        amr: ['assisted'],
      })
        .setProtectedHeader({ alg: ALG, kid, typ: 'at+jwt' })
        .setSubject(request.userId)
        .setIssuer(issuer)
        .setAudience(assistedAudience)
        .setIssuedAt(seconds(now))
        .setExpirationTime(seconds(request.expiresAt))
        .setJti(randomUUID())
        .sign(privateKey);
      return { accessToken: token, expiresAt: new Date(seconds(request.expiresAt) * 1000) };
    },
    async verifyAssistedToken(token): Promise<AssistedTokenClaims | null> {
      if (typeof token !== 'string' || token.length === 0 || token.length > 8192) return null;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer,
          audience: assistedAudience,
          algorithms: [ALG],
          typ: 'at+jwt',
          currentDate: options.clock.now(),
          clockTolerance: 0,
          requiredClaims: ['sub', 'exp', 'iat', 'sid', 'support_ref'],
        }));
      } catch {
        return null;
      }
      const act = payload.act as { sub?: unknown } | undefined;
      const { sub, sid, support_ref: supportRef, exp, iat } = payload;
      if (
        payload.token_use !== 'access' ||
        typeof sub !== 'string' ||
        typeof sid !== 'string' ||
        typeof supportRef !== 'string' ||
        typeof act?.sub !== 'string' ||
        typeof exp !== 'number' ||
        typeof iat !== 'number'
      )
        return null;
      return { sub, agentId: act.sub, sid, supportRef, exp, iat, audience: assistedAudience };
    },
    async jwks() {
      return { keys: [jwk] };
    },
  };
}
