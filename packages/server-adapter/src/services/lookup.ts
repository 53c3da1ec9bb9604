import {
  ineligibility,
  type LookupRequest,
  type LookupResponse,
  SupportError,
  type UserSummary,
} from '@waizant/support-core';
import { audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { hitRateLimit } from './rate-limits.js';
import type { AgentRef } from './session-store.js';
import { type IdentityUserStatus, withEffectiveStatus } from './user-status.js';

/**
 * Agents must see whether the user exists (docs/security.md §2.4): lookups are instead
 * rate-limited per agent and audited. When the identity provider reports account statuses
 * (Cognito), the user's status is the stricter of the Core DB's and the provider's; a provider
 * failure fails the lookup (503), it never counts as active.
 */
export async function lookup(
  ctx: ServiceContext,
  agent: AgentRef,
  request: LookupRequest,
): Promise<LookupResponse> {
  try {
    await hitRateLimit(
      ctx,
      ctx.db,
      'lookup_agent',
      `lookup:agent:${agent.agentId}`,
      60,
      ctx.limits.lookupsPerAgentPerMinute,
    );
  } catch (error) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: null,
      action: 'lookup',
      outcome: 'refused',
      detail: { error: 'rate_limited', bucket: 'lookup_agent' },
    });
    throw error;
  }
  const found = await ctx.directory.findUserByEmail(request.email);
  let user: UserSummary | null = null;
  let identityStatus: IdentityUserStatus | null = null;
  if (found) {
    try {
      ({ user, identityStatus } = await withEffectiveStatus(ctx.identity, found));
    } catch (error) {
      await audit(ctx, ctx.db, {
        agentId: agent.agentId,
        sessionRef: null,
        action: 'lookup',
        outcome: 'failed',
        detail: {
          flow: request.flow,
          error: error instanceof SupportError ? error.code : 'internal',
        },
      });
      throw error;
    }
  }
  const reason = user ? ineligibility(request.flow, user) : null;
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: null,
    action: 'lookup',
    outcome: 'ok',
    detail: {
      flow: request.flow,
      found: user !== null,
      eligible: user !== null && reason === null,
      ...(identityStatus !== null ? { identityStatus } : {}),
    },
  });
  if (!user) return { found: false };
  return { found: true, user, eligible: reason === null, ineligibleReason: reason };
}
