import type { Clock } from '../../../ports/index.js';
import { systemClock } from '../../../ports/index.js';
import { type AssertionSecrets, verifyAssertion } from '../signed-assertion.js';
import type { VerifyAuthChallengeResponseEvent } from './events.js';

export interface VerifyAuthChallengeOptions {
  /**
   * The HMAC secret shared with the adapter (≥32 bytes), e.g. from Secrets Manager at cold start;
   * during a rotation, the new one first, then the old.
   */
  readonly secret: AssertionSecrets;
  /** The app client of assisted sessions; an answer through any other client is wrong. */
  readonly assistedClientId: string;
  readonly clock?: Clock;
}

/**
 * VerifyAuthChallengeResponse: the answer must be an `answer` assertion signed with the shared
 * secret (HMAC-SHA-256, compared with `timingSafeEqual`), unexpired, naming this user
 * (`event.userName`: Cognito's username, not an alias), sent through the assisted app client,
 * and — when the adapter sent them — the same agent and session reference as `clientMetadata`. Single use is not enforced here: the adapter mints one answer per
 * AdminInitiateAuth only after it has atomically consumed the handoff in its database, the answer
 * never leaves the adapter, and Cognito's session string is single use (docs/security.md §3 rule 17).
 * Nothing is logged; the handler never throws on attacker input.
 */
export function createVerifyAuthChallengeHandler(options: VerifyAuthChallengeOptions) {
  if (!options.assistedClientId) throw new Error('assistedClientId is required.');
  const clock = options.clock ?? systemClock;
  return async function verifyAuthChallengeHandler(
    event: VerifyAuthChallengeResponseEvent,
  ): Promise<VerifyAuthChallengeResponseEvent> {
    let correct = false;
    if (
      event.request.userNotFound !== true &&
      event.callerContext?.clientId === options.assistedClientId &&
      event.request.privateChallengeParameters?.type === 'waizant-assisted'
    ) {
      const payload = verifyAssertion(options.secret, event.request.challengeAnswer, {
        purpose: 'answer',
        username: event.userName,
        now: clock.now(),
      });
      const metadata = event.request.clientMetadata ?? {};
      const agent = metadata.waizant_agent_id;
      const ref = metadata.waizant_session_ref;
      correct =
        payload !== null &&
        (agent === undefined || agent === payload.agentId) &&
        (ref === undefined || ref === payload.sessionRef);
    }
    event.response.answerCorrect = correct;
    return event;
  };
}
