/**
 * The parts of the Cognito user-pool trigger events these handlers use, as documented in the
 * Amazon Cognito developer guide ("Custom authentication challenge Lambda triggers", "Pre token
 * generation Lambda trigger"). Declared here so the kit does not depend on `@types/aws-lambda`.
 */
export type StringMap = Record<string, string>;

export interface CognitoTriggerBase<TSource extends string> {
  version: string;
  region: string;
  userPoolId: string;
  userName: string;
  triggerSource: TSource;
  callerContext: { awsSdkVersion: string; clientId: string };
}

export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

export interface DefineAuthChallengeEvent extends CognitoTriggerBase<'DefineAuthChallenge_Authentication'> {
  request: {
    userAttributes: StringMap;
    session: ChallengeResult[];
    clientMetadata?: StringMap;
    userNotFound?: boolean;
  };
  /** Cognito sends these as `null`; the handler sets them. */
  response: {
    challengeName?: string | null;
    issueTokens?: boolean | null;
    failAuthentication?: boolean | null;
  };
}

export interface CreateAuthChallengeEvent extends CognitoTriggerBase<'CreateAuthChallenge_Authentication'> {
  request: {
    userAttributes: StringMap;
    challengeName: string;
    session: ChallengeResult[];
    clientMetadata?: StringMap;
    userNotFound?: boolean;
  };
  response: {
    publicChallengeParameters?: StringMap | null;
    privateChallengeParameters?: StringMap | null;
    challengeMetadata?: string | null;
  };
}

export interface VerifyAuthChallengeResponseEvent
  extends CognitoTriggerBase<'VerifyAuthChallengeResponse_Authentication'> {
  request: {
    userAttributes: StringMap;
    privateChallengeParameters: StringMap;
    challengeAnswer: string;
    clientMetadata?: StringMap;
    userNotFound?: boolean;
  };
  response: { answerCorrect?: boolean | null };
}

export type PreTokenGenerationSource =
  | 'TokenGeneration_HostedAuth'
  | 'TokenGeneration_Authentication'
  | 'TokenGeneration_NewPasswordChallenge'
  | 'TokenGeneration_AuthenticateDevice'
  | 'TokenGeneration_RefreshTokens';

export interface GroupConfiguration {
  groupsToOverride?: string[];
  iamRolesToOverride?: string[];
  preferredRole?: string | null;
}

/** `version: "1"` — ID token only. */
export interface PreTokenGenerationV1Event extends CognitoTriggerBase<PreTokenGenerationSource> {
  request: { userAttributes: StringMap; groupConfiguration: GroupConfiguration; clientMetadata?: StringMap };
  response: {
    claimsOverrideDetails?: {
      claimsToAddOrOverride?: StringMap;
      claimsToSuppress?: string[];
      groupOverrideDetails?: GroupConfiguration;
    } | null;
  };
}

/**
 * A claim value under a V2/V3 event: besides strings, numbers, booleans, arrays and JSON objects
 * (the developer guide's "claimsToAddOrOverride" of the V2 response). V1 takes strings only.
 */
export type ClaimValue =
  | string
  | number
  | boolean
  | readonly (string | number | boolean)[]
  | { [key: string]: unknown };

/** `version: "2"` (or "3") — ID and access tokens (Essentials / Plus feature plans). */
export interface PreTokenGenerationV2Event extends CognitoTriggerBase<PreTokenGenerationSource> {
  request: {
    userAttributes: StringMap;
    groupConfiguration: GroupConfiguration;
    scopes?: string[];
    clientMetadata?: StringMap;
  };
  response: {
    claimsAndScopeOverrideDetails?: {
      idTokenGeneration?: { claimsToAddOrOverride?: Record<string, ClaimValue>; claimsToSuppress?: string[] };
      accessTokenGeneration?: {
        claimsToAddOrOverride?: Record<string, ClaimValue>;
        claimsToSuppress?: string[];
        scopesToAdd?: string[];
        scopesToSuppress?: string[];
      };
      groupOverrideDetails?: GroupConfiguration;
    } | null;
  };
}

export type PreTokenGenerationEvent = PreTokenGenerationV1Event | PreTokenGenerationV2Event;
