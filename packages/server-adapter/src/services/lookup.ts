import { ineligibility, type LookupRequest, type LookupResponse } from '@waizant/support-core';
import { audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { hitRateLimit } from './rate-limits.js';
import type { AgentRef } from './sessions.js';

/** Agents must see whether the user exists (seed A1): lookups are instead rate-limited per agent and audited. */
export async function lookup(
  ctx: ServiceContext,
  agent: AgentRef,
  request: LookupRequest,
): Promise<LookupResponse> {
  try {
    await hitRateLimit(ctx, ctx.db, `lookup:agent:${agent.agentId}`, 60, ctx.limits.lookupsPerAgentPerMinute);
  } catch (error) {
    await audit(ctx, ctx.db, {
      agentId: agent.agentId,
      sessionRef: null,
      action: 'lookup',
      outcome: 'refused',
      detail: { error: 'rate_limited' },
    });
    throw error;
  }
  const user = await ctx.directory.findUserByEmail(request.email);
  const reason = user ? ineligibility(request.flow, user) : null;
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: null,
    action: 'lookup',
    outcome: 'ok',
    detail: { flow: request.flow, found: user !== null, eligible: user !== null && reason === null },
  });
  if (!user) return { found: false };
  return { found: true, user, eligible: reason === null, ineligibleReason: reason };
}
