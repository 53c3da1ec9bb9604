import type { Clock } from '../../../ports/index.js';
import { systemClock } from '../../../ports/index.js';
import { verifyAssertion } from '../signed-assertion.js';
import type { PreTokenGenerationEvent, PreTokenGenerationV2Event, StringMap } from './events.js';

export interface PreTokenGenerationOptions {
  readonly secret: string | Uint8Array;
  readonly clock?: Clock;
}

/** Claims names the kit adds; a normal sign-in gets them suppressed so they cannot be forged. */
export const ASSISTED_CLAIMS = [
  'act',
  'support_ref',
  'ecosystem_id',
  'assisted_destination',
  'assisted_role',
] as const;

function isV2(event: PreTokenGenerationEvent): event is PreTokenGenerationV2Event {
  return event.version === '2' || event.version === '3';
}

/**
 * PreTokenGeneration: when the sign-in is an assisted session — the signed `claims` assertion in
 * `clientMetadata.waizant_assertion` verifies for this user — it adds
 * `act = '{"sub":"<agentId>"}'` (RFC 8693 actor; serialised as a JSON string because Cognito
 * claim overrides are string-valued), `support_ref`, `ecosystem_id`, `assisted_destination` and
 * `assisted_role`. With a V2/V3 event it adds them to the access token too. Values come from the
 * signed assertion only, never from unsigned metadata; on any other sign-in the same claim names
 * are suppressed. An assertion that is present but invalid fails the sign-in (fail secure).
 */
export function createPreTokenGenerationHandler(options: PreTokenGenerationOptions) {
  const clock = options.clock ?? systemClock;
  return async function preTokenGenerationHandler<E extends PreTokenGenerationEvent>(event: E): Promise<E> {
    const raw = event.request.clientMetadata?.waizant_assertion;
    let claims: StringMap | null = null;
    if (raw !== undefined && event.triggerSource !== 'TokenGeneration_RefreshTokens') {
      const payload = verifyAssertion(options.secret, raw, {
        purpose: 'claims',
        username: event.userName,
        now: clock.now(),
      });
      if (!payload) throw new Error('Assisted session refused.');
      claims = {
        act: JSON.stringify({ sub: payload.agentId }),
        support_ref: payload.sessionRef,
        ecosystem_id: payload.ecosystemId,
        assisted_destination: payload.destination,
        assisted_role: payload.role,
      };
    }
    const suppress = claims ? [] : [...ASSISTED_CLAIMS];
    if (isV2(event)) {
      const details = event.response.claimsAndScopeOverrideDetails ?? {};
      details.idTokenGeneration = {
        ...details.idTokenGeneration,
        ...(claims
          ? { claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims } }
          : {}),
        claimsToSuppress: [...(details.idTokenGeneration?.claimsToSuppress ?? []), ...suppress],
      };
      details.accessTokenGeneration = {
        ...details.accessTokenGeneration,
        ...(claims
          ? { claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims } }
          : {}),
        claimsToSuppress: [...(details.accessTokenGeneration?.claimsToSuppress ?? []), ...suppress],
      };
      event.response.claimsAndScopeOverrideDetails = details;
    } else {
      const details = event.response.claimsOverrideDetails ?? {};
      if (claims) details.claimsToAddOrOverride = { ...details.claimsToAddOrOverride, ...claims };
      details.claimsToSuppress = [...(details.claimsToSuppress ?? []), ...suppress];
      event.response.claimsOverrideDetails = details;
    }
    return event;
  };
}
