import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  InternalErrorException,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { SupportError } from '@waizant/support-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAssertion } from '../../src/bindings/aws/signed-assertion.js';
import type {
  PreTokenGenerationV2Event,
  VerifyAuthChallengeResponseEvent,
} from '../../src/bindings/aws/triggers/events.js';
import { createPreTokenGenerationHandler } from '../../src/bindings/aws/triggers/pre-token-generation.js';
import { createVerifyAuthChallengeHandler } from '../../src/bindings/aws/triggers/verify-auth-challenge.js';
import {
  ACCESS_TOKEN,
  AGENT,
  assertNoSecretsLogged,
  CLIENT,
  cognito,
  ID_TOKEN,
  identity,
  initiateOk,
  NOW,
  POOL,
  REFRESH_TOKEN,
  request,
  resetCognito,
  respondInputs,
  respondOk,
  sleeps,
  throttled,
  USER,
} from './cognito-custom-auth.fixture.js';
import { SECRET } from './helpers.js';

beforeEach(resetCognito);

describe('issueAssistedToken: AdminInitiateAuth(CUSTOM_AUTH) → AdminRespondToAuthChallenge(CUSTOM_CHALLENGE)', () => {
  it('sends exactly the two commands with the expected parameters and returns the access token', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);

    const result = await identity().issueAssistedToken(request);

    expect(cognito.calls()).toHaveLength(2);
    expect(cognito.call(0).args[0]).toBeInstanceOf(AdminInitiateAuthCommand);
    expect(cognito.call(1).args[0]).toBeInstanceOf(AdminRespondToAuthChallengeCommand);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: CLIENT,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: USER },
      ClientMetadata: { waizant_agent_id: AGENT, waizant_session_ref: 'ref_5b2f0c7e9a' },
    });
    const respond = respondInputs()[0];
    expect(respond).toMatchObject({
      UserPoolId: POOL,
      ClientId: CLIENT,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: 'session-1',
      ChallengeResponses: { USERNAME: USER },
      ClientMetadata: { waizant_agent_id: AGENT, waizant_session_ref: 'ref_5b2f0c7e9a' },
    });
    expect(Object.keys(respond?.ChallengeResponses ?? {}).sort()).toEqual(['ANSWER', 'USERNAME']);
    expect(Object.keys(respond?.ClientMetadata ?? {}).sort()).toEqual([
      'waizant_agent_id',
      'waizant_assertion',
      'waizant_session_ref',
    ]);

    // The answer is a short-lived `answer` assertion bound to this user, agent and session.
    const answer = verifyAssertion(SECRET, respond?.ChallengeResponses?.ANSWER, {
      purpose: 'answer',
      username: USER,
      now: NOW,
    });
    expect(answer).toMatchObject({
      userId: USER,
      agentId: AGENT,
      sessionRef: 'ref_5b2f0c7e9a',
      ecosystemId: 'eco-1',
    });
    expect(answer?.exp).toBe(NOW.getTime() / 1000 + 60);
    // …and it is not valid as the `claims` assertion, nor for another user.
    expect(
      verifyAssertion(SECRET, respond?.ChallengeResponses?.ANSWER, {
        purpose: 'claims',
        username: USER,
        now: NOW,
      }),
    ).toBeNull();
    expect(
      verifyAssertion(SECRET, respond?.ChallengeResponses?.ANSWER, {
        purpose: 'answer',
        username: 'other',
        now: NOW,
      }),
    ).toBeNull();

    // The access token is returned (it carries act/support_ref with a V2 PreTokenGeneration); the
    // refresh token is kept for RevokeToken; the expiry is Cognito's, since the session lasts longer.
    expect(result).toEqual({
      accessToken: ACCESS_TOKEN,
      expiresAt: new Date(NOW.getTime() + 300_000),
      refreshToken: REFRESH_TOKEN,
    });
    assertNoSecretsLogged();
  });

  it('what the adapter sends passes the real Verify and PreTokenGeneration handlers', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    await identity().issueAssistedToken(request);
    const respond = respondInputs()[0];
    const base = {
      version: '1',
      region: 'eu-west-1',
      userPoolId: POOL,
      userName: USER,
      callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: CLIENT },
    };
    const verify = createVerifyAuthChallengeHandler({
      secret: SECRET,
      assistedClientId: CLIENT,
      clock: { now: () => NOW },
    });
    const verified = await verify({
      ...base,
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes: { sub: USER },
        privateChallengeParameters: { type: 'waizant-assisted' },
        challengeAnswer: respond?.ChallengeResponses?.ANSWER ?? '',
        clientMetadata: respond?.ClientMetadata ?? {},
      },
      response: {},
    } satisfies VerifyAuthChallengeResponseEvent);
    expect(verified.response.answerCorrect).toBe(true);

    const preToken = createPreTokenGenerationHandler({
      secret: SECRET,
      assistedClientId: CLIENT,
      clock: { now: () => NOW },
    });
    const event: PreTokenGenerationV2Event = {
      ...base,
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        userAttributes: { sub: USER },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
        scopes: ['aws.cognito.signin.user.admin'],
        clientMetadata: respond?.ClientMetadata ?? {},
      },
      response: { claimsAndScopeOverrideDetails: null },
    };
    const out = await preToken(event);
    expect(
      out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride,
    ).toMatchObject({
      act: { sub: AGENT },
      support_ref: 'ref_5b2f0c7e9a',
    });
  });

  it('returns the ID token when configured, and never outlives the support session', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    const shortSession = { ...request, expiresAt: new Date(NOW.getTime() + 120_000) };
    const result = await identity({ appToken: 'id' }).issueAssistedToken(shortSession);
    expect(result).toEqual({
      accessToken: ID_TOKEN,
      expiresAt: shortSession.expiresAt,
      refreshToken: REFRESH_TOKEN,
    });
    // The answer expires with the session too.
    const answer = respondInputs()[0]?.ChallengeResponses?.ANSWER;
    expect(verifyAssertion(SECRET, answer, { purpose: 'answer', username: USER, now: NOW })?.exp).toBe(
      NOW.getTime() / 1000 + 60,
    );
  });

  it('refuses an ended support session without calling Cognito', async () => {
    const error = await identity()
      .issueAssistedToken({ ...request, expiresAt: NOW })
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('session_expired');
    expect(cognito.calls()).toHaveLength(0);
  });

  it('retries a throttled AdminInitiateAuth with backoff, then succeeds', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves(initiateOk('session-3'));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    await expect(identity().issueAssistedToken(request)).resolves.toMatchObject({
      accessToken: ACCESS_TOKEN,
    });
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(3);
    expect(respondInputs().map((i) => i.Session)).toEqual(['session-3']);
    expect(sleeps).toEqual([100, 200]);
    assertNoSecretsLogged();
  });

  it('maps persistent throttling to upstream_unavailable (503) after the attempt budget, no answer sent', async () => {
    cognito.on(AdminInitiateAuthCommand).rejects(throttled());
    const error = await identity()
      .issueAssistedToken(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupportError);
    expect((error as SupportError).code).toBe('upstream_unavailable');
    expect((error as SupportError).status).toBe(503);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(3);
    expect(cognito.commandCalls(AdminRespondToAuthChallengeCommand)).toHaveLength(0);
  });

  it('a throttled RespondToAuthChallenge is never replayed: the flow restarts with a new session and a new answer', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .resolvesOnce(initiateOk('session-A'))
      .resolvesOnce(initiateOk('session-B'));
    cognito.on(AdminRespondToAuthChallengeCommand).rejectsOnce(throttled()).resolves(respondOk);
    await expect(identity().issueAssistedToken(request)).resolves.toMatchObject({
      accessToken: ACCESS_TOKEN,
    });
    const inputs = respondInputs();
    expect(inputs.map((i) => i.Session)).toEqual(['session-A', 'session-B']);
    expect(inputs[0]?.ChallengeResponses?.ANSWER).not.toBe(inputs[1]?.ChallengeResponses?.ANSWER);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(2);
    assertNoSecretsLogged();
  });

  it('a RespondToAuthChallenge that may have run (timeout, 5xx) is not retried → upstream_unavailable', async () => {
    for (const failure of [
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
      new InternalErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ]) {
      cognito.reset();
      cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
      cognito.on(AdminRespondToAuthChallengeCommand).rejects(failure);
      const error = await identity()
        .issueAssistedToken(request)
        .catch((e: unknown) => e);
      expect((error as SupportError).code).toBe('upstream_unavailable');
      expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(1);
      expect(cognito.commandCalls(AdminRespondToAuthChallengeCommand)).toHaveLength(1);
    }
    assertNoSecretsLogged();
  });

  it('a refused answer or account (NotAuthorized) fails closed as forbidden, without retry', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito
      .on(AdminRespondToAuthChallengeCommand)
      .rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }));
    const error = await identity()
      .issueAssistedToken(request)
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('forbidden');
    expect(cognito.commandCalls(AdminRespondToAuthChallengeCommand)).toHaveLength(1);
    assertNoSecretsLogged();
  });

  it('an unexpected challenge (e.g. the pool asks for a password) is refused, no answer sent', async () => {
    cognito
      .on(AdminInitiateAuthCommand)
      .resolves({ ChallengeName: 'PASSWORD_VERIFIER', Session: 'session-x' });
    const error = await identity()
      .issueAssistedToken(request)
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('forbidden');
    expect(cognito.commandCalls(AdminRespondToAuthChallengeCommand)).toHaveLength(0);
  });

  it('no tokens in the result fails closed', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito
      .on(AdminRespondToAuthChallengeCommand)
      .resolves({ ChallengeName: 'CUSTOM_CHALLENGE', Session: 's2' });
    const error = await identity()
      .issueAssistedToken(request)
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('forbidden');
  });
});
