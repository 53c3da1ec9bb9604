import { createHmac } from 'node:crypto';
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  ListUsersCommand,
  NotAuthorizedException,
  RevokeTokenCommand,
  TooManyFailedAttemptsException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { SupportError } from '@waizant/support-core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_METADATA, createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { verifyAssertion } from '../../src/bindings/aws/signed-assertion.js';
import type {
  PreTokenGenerationV2Event,
  VerifyAuthChallengeResponseEvent,
} from '../../src/bindings/aws/triggers/events.js';
import { createPreTokenGenerationHandler } from '../../src/bindings/aws/triggers/pre-token-generation.js';
import { createVerifyAuthChallengeHandler } from '../../src/bindings/aws/triggers/verify-auth-challenge.js';
import { capturingLogger, SECRET } from './helpers.js';

// docs/security.md §3 rules 17, 18, 19, 20, 15; §4 check 9 (Cognito 429) and the Cognito half of check 15 (log leakage).
const POOL = 'eu-west-1_TestPool1';
const CLIENT = 'assisted-client-id';
const NOW = new Date('2026-11-25T10:00:00Z');
const USER = '0b6f3c2a-1d4e-4f5a-8b9c-0d1e2f3a4b5c';
const AGENT = '7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f';
const ACCESS_TOKEN = `eyJraWQiOiJhY2Nlc3MifQ.${'A'.repeat(40)}.access-signature-value`;
const ID_TOKEN = `eyJraWQiOiJpZCJ9.${'B'.repeat(40)}.id-signature-value`;
const REFRESH_TOKEN = `refresh-${'C'.repeat(40)}`;

const realClient = new CognitoIdentityProviderClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
const cognito = mockClient(realClient);
let logger = capturingLogger();
let sleeps: number[] = [];

const request = {
  userId: USER,
  agentId: AGENT,
  ecosystemId: 'eco-1',
  role: 'admin',
  destination: 'web-home',
  sessionRef: 'ref_5b2f0c7e9a',
  expiresAt: new Date(NOW.getTime() + 30 * 60_000),
};

function identity(
  overrides: {
    appToken?: 'access' | 'id';
    assistedClientSecret?: string;
    usernameFor?: (userId: string) => string;
  } = {},
) {
  return createCognitoIdentity({
    userPoolId: POOL,
    agentUserPoolId: 'eu-west-1_Agents1',
    agentClientId: 'backoffice-client-id',
    assistedClientId: CLIENT,
    region: 'eu-west-1',
    agentGroup: 'support-agents',
    assistedSecret: SECRET,
    directory: { getAgent: async () => null },
    client: realClient,
    clock: { now: () => NOW },
    logger,
    backoff: {
      attempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    },
    ...overrides,
  });
}

const throttled = () =>
  new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

function initiateOk(session: string, username = USER) {
  return {
    ChallengeName: 'CUSTOM_CHALLENGE' as const,
    Session: session,
    // Cognito names the user it resolved (the username, never the alias it was sent).
    ChallengeParameters: { type: 'waizant-assisted', USERNAME: username },
  };
}
const respondOk = {
  AuthenticationResult: {
    AccessToken: ACCESS_TOKEN,
    IdToken: ID_TOKEN,
    RefreshToken: REFRESH_TOKEN,
    ExpiresIn: 300,
    TokenType: 'Bearer',
  },
};

function respondInputs() {
  return cognito.commandCalls(AdminRespondToAuthChallengeCommand).map((c) => c.args[0].input);
}

function assertNoSecretsLogged() {
  const text = logger.text();
  for (const input of respondInputs()) {
    const answer = input.ChallengeResponses?.ANSWER ?? '';
    const assertion = input.ClientMetadata?.[CLIENT_METADATA.assertion] ?? '';
    expect(answer.length).toBeGreaterThan(20);
    expect(text).not.toContain(answer);
    expect(text).not.toContain(answer.split('.')[2]);
    expect(text).not.toContain(assertion.split('.')[2]);
    expect(text).not.toContain(input.Session ?? '');
  }
  for (const secret of [ACCESS_TOKEN, ID_TOKEN, REFRESH_TOKEN, SECRET, 'session-'])
    expect(text).not.toContain(secret);
}

beforeEach(() => {
  cognito.reset();
  logger = capturingLogger();
  sleeps = [];
});

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

describe('the username Cognito names, the client secret, refusals and revocation', () => {
  const EMAIL = 'ana.perez@example.com';
  const CLIENT_SECRET = 'assisted-client-secret-1234567890abcdefghijklmnopqrstuv';
  const hash = (username: string) =>
    createHmac('sha256', CLIENT_SECRET)
      .update(username + CLIENT)
      .digest('base64');

  it('signs the answer after InitiateAuth, for ChallengeParameters.USERNAME, not the alias sent', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1', USER));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    await identity({ usernameFor: () => EMAIL }).issueAssistedToken(request);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input.AuthParameters).toEqual({
      USERNAME: EMAIL,
    });
    const respond = respondInputs()[0];
    expect(respond?.ChallengeResponses?.USERNAME).toBe(USER);
    for (const [purpose, token] of [
      ['answer', respond?.ChallengeResponses?.ANSWER],
      ['claims', respond?.ClientMetadata?.[CLIENT_METADATA.assertion]],
    ] as const) {
      expect(verifyAssertion(SECRET, token, { purpose, username: USER, now: NOW })).not.toBeNull();
      expect(verifyAssertion(SECRET, token, { purpose, username: EMAIL, now: NOW })).toBeNull();
    }
  });

  it('an assisted client with a secret: SECRET_HASH on both calls, each for the username it sends', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1', USER));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    await identity({ usernameFor: () => EMAIL, assistedClientSecret: CLIENT_SECRET }).issueAssistedToken(
      request,
    );
    expect(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input.AuthParameters).toEqual({
      USERNAME: EMAIL,
      SECRET_HASH: hash(EMAIL),
    });
    const responses = respondInputs()[0]?.ChallengeResponses;
    expect(Object.keys(responses ?? {}).sort()).toEqual(['ANSWER', 'SECRET_HASH', 'USERNAME']);
    expect(responses?.SECRET_HASH).toBe(hash(USER));
    expect(logger.text()).not.toContain(CLIENT_SECRET);
    expect(logger.text()).not.toContain(hash(USER));
  });

  it('without a client secret no SECRET_HASH is sent', async () => {
    cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
    cognito.on(AdminRespondToAuthChallengeCommand).resolves(respondOk);
    await identity().issueAssistedToken(request);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input.AuthParameters).toEqual({
      USERNAME: USER,
    });
    expect(respondInputs()[0]?.ChallengeResponses).not.toHaveProperty('SECRET_HASH');
  });

  it('TooManyFailedAttemptsException is a refusal (forbidden), never retried', async () => {
    for (const step of ['initiate', 'respond'] as const) {
      cognito.reset();
      sleeps = [];
      const tooMany = new TooManyFailedAttemptsException({
        message: 'Too many failed attempts.',
        $metadata: { httpStatusCode: 400 },
      });
      if (step === 'initiate') cognito.on(AdminInitiateAuthCommand).rejects(tooMany);
      else {
        cognito.on(AdminInitiateAuthCommand).resolves(initiateOk('session-1'));
        cognito.on(AdminRespondToAuthChallengeCommand).rejects(tooMany);
      }
      const error = await identity()
        .issueAssistedToken(request)
        .catch((e: unknown) => e);
      expect((error as SupportError).code).toBe('forbidden');
      expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(1);
      expect(cognito.commandCalls(AdminRespondToAuthChallengeCommand)).toHaveLength(
        step === 'initiate' ? 0 : 1,
      );
      expect(sleeps).toEqual([]);
    }
  });

  it('revokeAssistedToken sends exactly RevokeToken for the assisted client (with its secret)', async () => {
    cognito.on(RevokeTokenCommand).resolves({});
    await identity({ assistedClientSecret: CLIENT_SECRET }).revokeAssistedToken(REFRESH_TOKEN);
    expect(cognito.calls()).toHaveLength(1);
    expect(cognito.commandCalls(RevokeTokenCommand)[0]?.args[0].input).toEqual({
      Token: REFRESH_TOKEN,
      ClientId: CLIENT,
      ClientSecret: CLIENT_SECRET,
    });
    cognito.reset();
    cognito.on(RevokeTokenCommand).rejects(new InternalErrorException({ message: 'x', $metadata: {} }));
    const error = await identity()
      .revokeAssistedToken(REFRESH_TOKEN)
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('upstream_unavailable');
    expect(cognito.commandCalls(RevokeTokenCommand)[0]?.args[0].input).toEqual({
      Token: REFRESH_TOKEN,
      ClientId: CLIENT,
    });
    assertNoSecretsLogged();
  });
});

describe('account status reads under throttling (mocked)', () => {
  it('retries a throttled ListUsers, then reads the user', async () => {
    cognito
      .on(ListUsersCommand)
      .rejectsOnce(throttled())
      .resolves({ Users: [{ Username: USER }] });
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, Enabled: true, UserStatus: 'CONFIRMED' });
    await expect(identity().getUserAccountStatus('ana@waizant.test')).resolves.toEqual({
      exists: true,
      enabled: true,
      userStatus: 'active',
    });
    expect(cognito.commandCalls(ListUsersCommand)[1]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Filter: 'email = "ana@waizant.test"',
      Limit: 10,
    });
    expect(sleeps).toEqual([100]);
  });

  it('persistent throttling → upstream_unavailable', async () => {
    cognito.on(ListUsersCommand).rejects(throttled());
    const error = await identity()
      .getUserAccountStatus('ana@waizant.test')
      .catch((e: unknown) => e);
    expect((error as SupportError).code).toBe('upstream_unavailable');
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(3);
  });

  it('several users sharing an e-mail: the strictest status wins', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: 'u1' }, { Username: 'u2' }] });
    cognito
      .on(AdminGetUserCommand, { Username: 'u1' })
      .resolves({ Username: 'u1', Enabled: true, UserStatus: 'CONFIRMED' });
    cognito
      .on(AdminGetUserCommand, { Username: 'u2' })
      .resolves({ Username: 'u2', Enabled: true, UserStatus: 'RESET_REQUIRED' });
    await expect(identity().getUserAccountStatus('ana@waizant.test')).resolves.toEqual({
      exists: true,
      enabled: true,
      userStatus: 'locked',
    });
  });
});
