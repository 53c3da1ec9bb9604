import { createHmac } from 'node:crypto';
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  InternalErrorException,
  ListUsersCommand,
  RevokeTokenCommand,
  TooManyFailedAttemptsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SupportError } from '@waizant/support-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_METADATA } from '../../src/bindings/aws/cognito-identity.js';
import { verifyAssertion } from '../../src/bindings/aws/signed-assertion.js';
import {
  assertNoSecretsLogged,
  CLIENT,
  cognito,
  identity,
  initiateOk,
  logger,
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
      resetCognito();
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
