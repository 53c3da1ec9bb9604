import type { DefineAuthChallengeEvent } from './events.js';

/**
 * DefineAuthChallenge for assisted sessions: one CUSTOM_CHALLENGE, one answer.
 * - no history → issue CUSTOM_CHALLENGE;
 * - exactly one CUSTOM_CHALLENGE answered correctly → issue tokens;
 * - anything else (a wrong answer, a second round, another challenge first, unknown user) → fail.
 * The kit's attempt counters live in its DB (docs/security.md §3 rule 17); a new InitiateAuth starts a new
 * Cognito session, so this trigger allows exactly one answer per session. Nothing is logged.
 */
export async function defineAuthChallengeHandler(
  event: DefineAuthChallengeEvent,
): Promise<DefineAuthChallengeEvent> {
  const session = Array.isArray(event.request.session) ? event.request.session : [];
  const fail = () => {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
    delete event.response.challengeName;
    return event;
  };
  if (event.request.userNotFound === true) return fail();
  if (session.length === 0) {
    event.response.challengeName = 'CUSTOM_CHALLENGE';
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    return event;
  }
  const [only] = session;
  if (session.length === 1 && only?.challengeName === 'CUSTOM_CHALLENGE' && only.challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
    delete event.response.challengeName;
    return event;
  }
  return fail();
}
