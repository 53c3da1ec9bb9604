import type { DefineAuthChallengeEvent } from './events.js';

export interface DefineAuthChallengeOptions {
  /**
   * The only app client that may run the assisted CUSTOM_AUTH flow (`callerContext.clientId`).
   * InitiateAuth needs no credentials, so without this check anyone could start the flow for any
   * username through any client that allows custom auth.
   */
  readonly assistedClientId: string;
}

/**
 * DefineAuthChallenge for assisted sessions: one CUSTOM_CHALLENGE, one answer.
 * - another app client → fail at once (no challenge is created, no other trigger runs);
 * - no history → issue CUSTOM_CHALLENGE;
 * - exactly one CUSTOM_CHALLENGE answered correctly → issue tokens;
 * - anything else (a wrong answer, a second round, another challenge first, unknown user) → fail.
 * The kit's attempt counters live in its DB (docs/security.md §3 rule 17); a new InitiateAuth starts a new
 * Cognito session, so this trigger allows exactly one answer per session. Nothing is logged.
 */
export function createDefineAuthChallengeHandler(options: DefineAuthChallengeOptions) {
  if (!options.assistedClientId) throw new Error('assistedClientId is required.');
  return async function defineAuthChallengeHandler(
    event: DefineAuthChallengeEvent,
  ): Promise<DefineAuthChallengeEvent> {
    const session = Array.isArray(event.request.session) ? event.request.session : [];
    const fail = () => {
      event.response.issueTokens = false;
      event.response.failAuthentication = true;
      delete event.response.challengeName;
      return event;
    };
    if (event.callerContext?.clientId !== options.assistedClientId) return fail();
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
  };
}
