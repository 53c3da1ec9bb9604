import {
  AdminRespondToAuthChallengeCommand,
  CognitoIdentityProviderClient,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import { CLIENT_METADATA, createCognitoIdentity } from '../../src/bindings/aws/cognito-identity.js';
import { capturingLogger, SECRET } from './helpers.js';

// docs/security.md §3 rules 17, 18, 19, 20, 15; §4 check 9 (Cognito 429) and the Cognito half of check 15 (log leakage).
export const POOL = 'eu-west-1_TestPool1';
export const CLIENT = 'assisted-client-id';
export const NOW = new Date('2026-11-25T10:00:00Z');
export const USER = '0b6f3c2a-1d4e-4f5a-8b9c-0d1e2f3a4b5c';
export const AGENT = '7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f';
export const ACCESS_TOKEN = `eyJraWQiOiJhY2Nlc3MifQ.${'A'.repeat(40)}.access-signature-value`;
export const ID_TOKEN = `eyJraWQiOiJpZCJ9.${'B'.repeat(40)}.id-signature-value`;
export const REFRESH_TOKEN = `refresh-${'C'.repeat(40)}`;

export const realClient = new CognitoIdentityProviderClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
export const cognito = mockClient(realClient);
export let logger = capturingLogger();
export let sleeps: number[] = [];

export const request = {
  userId: USER,
  agentId: AGENT,
  ecosystemId: 'eco-1',
  role: 'admin',
  destination: 'web-home',
  sessionRef: 'ref_5b2f0c7e9a',
  expiresAt: new Date(NOW.getTime() + 30 * 60_000),
};

export function identity(
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

export const throttled = () =>
  new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

export function initiateOk(session: string, username = USER) {
  return {
    ChallengeName: 'CUSTOM_CHALLENGE' as const,
    Session: session,
    // Cognito names the user it resolved (the username, never the alias it was sent).
    ChallengeParameters: { type: 'waizant-assisted', USERNAME: username },
  };
}
export const respondOk = {
  AuthenticationResult: {
    AccessToken: ACCESS_TOKEN,
    IdToken: ID_TOKEN,
    RefreshToken: REFRESH_TOKEN,
    ExpiresIn: 300,
    TokenType: 'Bearer',
  },
};

export function respondInputs() {
  return cognito.commandCalls(AdminRespondToAuthChallengeCommand).map((c) => c.args[0].input);
}

export function assertNoSecretsLogged() {
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

/** Called before each test: a clean mock, logger and backoff record. */
export function resetCognito(): void {
  cognito.reset();
  logger = capturingLogger();
  sleeps = [];
}
