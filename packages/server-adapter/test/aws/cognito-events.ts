import type {
  ChallengeResult,
  CreateAuthChallengeEvent,
  DefineAuthChallengeEvent,
  PreTokenGenerationV1Event,
  PreTokenGenerationV2Event,
  StringMap,
  VerifyAuthChallengeResponseEvent,
} from '../../src/bindings/aws/triggers/events.js';

/**
 * Trigger events shaped as the Amazon Cognito developer guide documents them ("Define auth
 * challenge / Create auth challenge / Verify auth challenge response Lambda trigger", "Pre token
 * generation Lambda trigger"), including the `null` response fields Cognito sends.
 */
export const POOL_ID = 'eu-west-1_TestPool1';
export const CLIENT_ID = 'assisted-client-id';
export const USERNAME = '0b6f3c2a-1d4e-4f5a-8b9c-0d1e2f3a4b5c';

const common = {
  region: 'eu-west-1',
  userPoolId: POOL_ID,
  userName: USERNAME,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
};

/** The same event as sent through another app client of the pool (`callerContext.clientId`). */
export function viaClient<E extends { callerContext: { awsSdkVersion: string; clientId: string } }>(
  event: E,
  clientId: string,
): E {
  return { ...event, callerContext: { ...event.callerContext, clientId } };
}

export const userAttributes: StringMap = {
  sub: USERNAME,
  'cognito:user_status': 'CONFIRMED',
  email_verified: 'true',
  email: 'ana.perez@example.com',
};

export function defineEvent(
  session: ChallengeResult[],
  extra: { userNotFound?: boolean } = {},
): DefineAuthChallengeEvent {
  return {
    ...common,
    version: '1',
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { userAttributes, session, clientMetadata: {}, userNotFound: extra.userNotFound ?? false },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  };
}

export function createEvent(challengeName: string, clientMetadata: StringMap = {}): CreateAuthChallengeEvent {
  return {
    ...common,
    version: '1',
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { userAttributes, challengeName, session: [], clientMetadata, userNotFound: false },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  };
}

export function verifyEvent(
  challengeAnswer: string,
  options: { clientMetadata?: StringMap; userName?: string; userNotFound?: boolean } = {},
): VerifyAuthChallengeResponseEvent {
  return {
    ...common,
    userName: options.userName ?? USERNAME,
    version: '1',
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: {
      userAttributes,
      privateChallengeParameters: { type: 'waizant-assisted' },
      challengeAnswer,
      clientMetadata: options.clientMetadata ?? {},
      userNotFound: options.userNotFound ?? false,
    },
    response: { answerCorrect: null },
  };
}

export function preTokenV1Event(
  clientMetadata: StringMap | undefined,
  triggerSource: PreTokenGenerationV1Event['triggerSource'] = 'TokenGeneration_Authentication',
): PreTokenGenerationV1Event {
  return {
    ...common,
    version: '1',
    triggerSource,
    request: {
      userAttributes,
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      ...(clientMetadata ? { clientMetadata } : {}),
    },
    response: { claimsOverrideDetails: null },
  };
}

export function preTokenV2Event(
  clientMetadata: StringMap | undefined,
  triggerSource: PreTokenGenerationV2Event['triggerSource'] = 'TokenGeneration_Authentication',
): PreTokenGenerationV2Event {
  return {
    ...common,
    version: '2',
    triggerSource,
    request: {
      userAttributes,
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      scopes: ['openid', 'aws.cognito.signin.user.admin'],
      ...(clientMetadata ? { clientMetadata } : {}),
    },
    response: { claimsAndScopeOverrideDetails: null },
  };
}
