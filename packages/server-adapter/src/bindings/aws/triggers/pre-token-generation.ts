import type { Clock } from '../../../ports/index.js';
import { systemClock } from '../../../ports/index.js';
import { type AssertionSecrets, type AssistedAssertion, verifyAssertion } from '../signed-assertion.js';
import type { PreTokenGenerationEvent, PreTokenGenerationV2Event, StringMap } from './events.js';

export interface PreTokenGenerationOptions {
  /** The secret shared with the adapter; during a rotation, the new one first, then the old. */
  readonly secret: AssertionSecrets;
  /** The app client of assisted sessions; only its sign-ins may carry the assisted claims. */
  readonly assistedClientId: string;
  readonly clock?: Clock;
}

/**
 * The Core user id. Cognito keeps `sub` (its own user id, which cannot be overridden), so the
 * kit's user id travels in a custom claim; introspection reports it as `sub`.
 */
export const USER_ID_CLAIM = 'waizant:user_id';

/**
 * Claims names the kit adds; a normal sign-in gets them suppressed so they cannot be forged.
 * `sid` is not in the list: it is a registered OIDC name Cognito may use itself, and it means
 * nothing without the assisted client's `client_id`, which only assisted sign-ins carry.
 */
export const ASSISTED_CLAIMS = [
  'act',
  USER_ID_CLAIM,
  'support_ref',
  'ecosystem_id',
  'assisted_destination',
  'assisted_role',
] as const;

function isV2(event: PreTokenGenerationEvent): event is PreTokenGenerationV2Event {
  return event.version === '2' || event.version === '3';
}

function refuse(): never {
  throw new Error('Assisted session refused.');
}

/**
 * PreTokenGeneration, attached to the end users' pool (it runs for every sign-in of every client):
 * - on the assisted client, only a first sign-in (`TokenGeneration_Authentication`) whose signed
 *   `claims` assertion (`clientMetadata.waizant_assertion`) verifies for this user gets tokens;
 *   they carry `act` (RFC 8693 actor: `{ "sub": "<agentId>" }`), `sid` (the assisted session,
 *   when the assertion names it), `waizant:user_id`, `support_ref`, `ecosystem_id`,
 *   `assisted_destination`, `assisted_role`. A refresh or any other sign-in there is refused, so
 *   an assisted session cannot be extended nor turned into a plain session of the user;
 * - on any other client, the same claim names are suppressed, and an assertion is refused.
 * `act` is a JSON object under V2/V3 events (both tokens) and, since V1 claims are strings only,
 * the same object serialised as a string under V1 (ID token only). Values come from the signed
 * assertion only, never from unsigned metadata. Nothing is logged.
 */
export function createPreTokenGenerationHandler(options: PreTokenGenerationOptions) {
  if (!options.assistedClientId) throw new Error('assistedClientId is required.');
  const clock = options.clock ?? systemClock;
  return async function preTokenGenerationHandler<E extends PreTokenGenerationEvent>(event: E): Promise<E> {
    const raw = event.request.clientMetadata?.waizant_assertion;
    const assisted = event.callerContext?.clientId === options.assistedClientId;
    let payload: AssistedAssertion | null = null;
    if (assisted) {
      if (event.triggerSource !== 'TokenGeneration_Authentication' || raw === undefined) refuse();
      payload = verifyAssertion(options.secret, raw, {
        purpose: 'claims',
        username: event.userName,
        now: clock.now(),
      });
      if (!payload) refuse();
    } else if (raw !== undefined) {
      refuse();
    }
    const common: StringMap | null = payload && {
      ...(payload.assistedSessionId ? { sid: payload.assistedSessionId } : {}),
      [USER_ID_CLAIM]: payload.userId,
      support_ref: payload.sessionRef,
      ecosystem_id: payload.ecosystemId,
      assisted_destination: payload.destination,
      assisted_role: payload.role,
    };
    const suppress = payload ? [] : [...ASSISTED_CLAIMS];
    if (isV2(event)) {
      const claims = payload && { ...common, act: { sub: payload.agentId } };
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
      const claims = payload && { ...common, act: JSON.stringify({ sub: payload.agentId }) };
      const details = event.response.claimsOverrideDetails ?? {};
      if (claims) details.claimsToAddOrOverride = { ...details.claimsToAddOrOverride, ...claims };
      details.claimsToSuppress = [...(details.claimsToSuppress ?? []), ...suppress];
      event.response.claimsOverrideDetails = details;
    }
    return event;
  };
}
