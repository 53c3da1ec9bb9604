import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SupportError } from '@waizant/support-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCognitoIdentity,
  escapeFilterValue,
  mapCognitoStatus,
} from '../../src/bindings/aws/cognito-identity.js';
import { type CognitoLocal, startCognitoLocal } from './cognito-local.js';
import { capturingLogger, SECRET } from './helpers.js';

// End-user account status from Cognito, against cognito-local on 127.0.0.1.
let local: CognitoLocal;
let admin: CognitoIdentityProviderClient;
let poolId: string;
const logger = capturingLogger();
// cognito-local pool ids ("local_…") are not valid AWS pool ids for aws-jwt-verify; the verifier is
// not used by these tests, so a refusing stub stands in for it.
const verifier = {
  verify: async (): Promise<never> => {
    throw new Error('not used');
  },
  cacheJwks: () => {},
};

function identity() {
  return createCognitoIdentity({
    userPoolId: poolId,
    agentClientId: 'unused-client',
    assistedClientId: 'assisted-client',
    region: 'local',
    agentGroup: 'support-agents',
    assistedSecret: SECRET,
    directory: { getAgent: async () => null },
    client: admin,
    verifier,
    logger,
  });
}

async function createUser(email: string) {
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
}

beforeAll(async () => {
  local = await startCognitoLocal();
  expect(new URL(local.endpoint).hostname).toBe('127.0.0.1');
  admin = new CognitoIdentityProviderClient({
    endpoint: local.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const pool = await admin.send(new CreateUserPoolCommand({ PoolName: 'waizant-test' }));
  poolId = pool.UserPool?.Id ?? '';
  expect(poolId).not.toBe('');

  await createUser('active@waizant.test');
  await admin.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: poolId,
      Username: 'active@waizant.test',
      Password: 'Correct-Horse-42!',
      Permanent: true,
    }),
  );
  await createUser('new@waizant.test');
  await createUser('disabled@waizant.test');
  await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'disabled@waizant.test' }));
});

afterAll(async () => {
  await local?.stop();
});

describe('getUserAccountStatus (ListUsers email filter + AdminGetUser) on cognito-local', () => {
  it('a confirmed, enabled user is active', async () => {
    await expect(identity().getUserAccountStatus('active@waizant.test')).resolves.toEqual({
      exists: true,
      enabled: true,
      userStatus: 'active',
    });
  });

  it('finds the user whatever the case of the typed e-mail', async () => {
    await expect(identity().getUserAccountStatus('  Active@Waizant.TEST ')).resolves.toMatchObject({
      exists: true,
      userStatus: 'active',
    });
  });

  it('an admin-created user who never signed in (FORCE_CHANGE_PASSWORD) is unconfirmed', async () => {
    await expect(identity().getUserAccountStatus('new@waizant.test')).resolves.toEqual({
      exists: true,
      enabled: true,
      userStatus: 'unconfirmed',
    });
  });

  it('a disabled user is disabled', async () => {
    await expect(identity().getUserAccountStatus('disabled@waizant.test')).resolves.toEqual({
      exists: true,
      enabled: false,
      userStatus: 'disabled',
    });
  });

  it('an unknown e-mail does not exist', async () => {
    await expect(identity().getUserAccountStatus('nobody@waizant.test')).resolves.toEqual({
      exists: false,
      enabled: false,
      userStatus: null,
    });
  });

  it('refuses a malformed e-mail (quotes, control characters) before calling Cognito', async () => {
    for (const bad of ['a"@x.test', 'x" or email ^= "', 'a\u0000@x.test', `${'a'.repeat(250)}@x.test`]) {
      const error = await identity()
        .getUserAccountStatus(bad)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SupportError);
      expect((error as SupportError).code).toBe('invalid_input');
    }
  });

  it('an unreachable Cognito maps to upstream_unavailable', async () => {
    const dead = createCognitoIdentity({
      userPoolId: poolId,
      agentClientId: 'c',
      assistedClientId: 'a',
      region: 'local',
      agentGroup: 'g',
      assistedSecret: SECRET,
      directory: { getAgent: async () => null },
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      client: new CognitoIdentityProviderClient({
        endpoint: 'http://127.0.0.1:9',
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
      verifier,
      logger,
    });
    const error = await dead.getUserAccountStatus('active@waizant.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupportError);
    expect((error as SupportError).code).toBe('upstream_unavailable');
    expect(logger.text()).toContain('"operation":"ListUsers"');
  });
});

describe('request timeout of the client the binding builds', () => {
  it('a Cognito endpoint that accepts but never answers → upstream_unavailable after requestTimeoutMs', async () => {
    const requests: string[] = [];
    // Holds every request open: only the client's own timeout can end the call.
    const silent = createServer((req) => void requests.push(req.headers['x-amz-target'] as string));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const previous = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY];
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    try {
      const id = createCognitoIdentity({
        userPoolId: poolId,
        agentClientId: 'c',
        assistedClientId: 'a',
        region: 'local',
        endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        requestTimeoutMs: 300,
        agentGroup: 'g',
        assistedSecret: SECRET,
        directory: { getAgent: async () => null },
        verifier,
        logger,
        backoff: { attempts: 1 },
      });
      const error = await id.getUserAccountStatus('active@waizant.test').catch((e: unknown) => e);
      expect((error as SupportError).code).toBe('upstream_unavailable');
      expect(requests).toEqual(['AWSCognitoIdentityProviderService.ListUsers']);
      expect(logger.text()).toContain('"error":"TimeoutError"');
    } finally {
      [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY] = previous;
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('status helpers', () => {
  it('escapes backslashes and quotes for the ListUsers filter', () => {
    expect(escapeFilterValue('a"b\\c')).toBe('a\\"b\\\\c');
  });

  it('maps Cognito states, failing closed on unknown ones', () => {
    expect(mapCognitoStatus(true, 'CONFIRMED')).toBe('active');
    expect(mapCognitoStatus(true, 'EXTERNAL_PROVIDER')).toBe('active');
    expect(mapCognitoStatus(true, 'UNCONFIRMED')).toBe('unconfirmed');
    expect(mapCognitoStatus(true, 'FORCE_CHANGE_PASSWORD')).toBe('unconfirmed');
    expect(mapCognitoStatus(true, 'RESET_REQUIRED')).toBe('locked');
    expect(mapCognitoStatus(true, 'COMPROMISED')).toBe('locked');
    expect(mapCognitoStatus(true, 'SOMETHING_NEW')).toBe('locked');
    expect(mapCognitoStatus(true, 'ARCHIVED')).toBe('disabled');
    expect(mapCognitoStatus(false, 'CONFIRMED')).toBe('disabled');
  });
});
