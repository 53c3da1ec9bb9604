import type { CreateAuthChallengeEvent } from './events.js';

/**
 * CreateAuthChallenge: the challenge carries no secret. The adapter already holds the signed
 * answer (it minted it); VerifyAuthChallengeResponse checks it with the shared secret, so nothing
 * secret is put in `publicChallengeParameters` (sent to the caller) nor in
 * `privateChallengeParameters` / `challengeMetadata` (kept in Cognito's session). Nothing is logged.
 */
export async function createAuthChallengeHandler(
  event: CreateAuthChallengeEvent,
): Promise<CreateAuthChallengeEvent> {
  if (event.request.challengeName !== 'CUSTOM_CHALLENGE') {
    throw new Error('Unsupported challenge.');
  }
  event.response.publicChallengeParameters = { type: 'waizant-assisted' };
  event.response.privateChallengeParameters = { type: 'waizant-assisted' };
  event.response.challengeMetadata = 'WAIZANT_ASSISTED';
  return event;
}
