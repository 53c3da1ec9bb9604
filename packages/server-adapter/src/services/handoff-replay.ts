import { type ApiErrorBody, type Destination, type Handoff, SupportError } from '@waizant/support-core';
import { derivedHandoffToken, type ServiceContext, sha256Hex } from './context.js';
import { createHandoffOnce, handoffLink } from './handoffs.js';
import { claimIdempotencyKey, storeIdempotentResponse } from './idempotency.js';
import type { AgentRef } from './session-store.js';

const ROUTE = 'createHandoff';

/** What is kept for a replay: the handoff without its link (the link carries the one-time secret). */
type StoredHandoff = Omit<Handoff, 'link'>;

/**
 * `POST /sessions/{id}/handoffs` honouring Idempotency-Key like the other commands, without a
 * secret at rest: the token is derived from (session, agent, key) with a server key, so a retry
 * with the same key rebuilds the same link to the one handoff row (live or not by now), a
 * different body with that key is refused (`idempotency_conflict`), and no plaintext is stored.
 */
export async function createHandoff(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  destination: Destination,
  idempotencyKey: string | null = null,
): Promise<Handoff> {
  if (idempotencyKey === null) return createHandoffOnce(ctx, agent, sessionId, destination, null);
  const requestHash = sha256Hex(JSON.stringify({ sessionId, destination }));
  const claim = await claimIdempotencyKey(ctx, agent.agentId, ROUTE, idempotencyKey, requestHash);
  if (claim.kind === 'replay') {
    if (claim.status >= 400) throw SupportError.fromBody(claim.body as ApiErrorBody);
    const stored = claim.body as StoredHandoff;
    const token = derivedHandoffToken(
      ctx.keys,
      sessionId,
      agent.agentId,
      idempotencyKey,
      ctx.limits.handoffTokenBytes,
    );
    const left = Math.ceil((Date.parse(stored.expiresAt) - ctx.clock.now().getTime()) / 1000);
    return { ...stored, link: handoffLink(ctx, stored.page, token), expiresIn: Math.max(0, left) };
  }
  let handoff: Handoff;
  try {
    handoff = await createHandoffOnce(ctx, agent, sessionId, destination, idempotencyKey);
  } catch (error) {
    const typed = error instanceof SupportError ? error : null;
    await storeIdempotentResponse(
      ctx,
      agent.agentId,
      ROUTE,
      idempotencyKey,
      typed?.status ?? 500,
      typed?.toBody(),
    );
    throw error;
  }
  const { link: _secret, ...stored } = handoff;
  await storeIdempotentResponse(
    ctx,
    agent.agentId,
    ROUTE,
    idempotencyKey,
    201,
    stored satisfies StoredHandoff,
  );
  return handoff;
}
