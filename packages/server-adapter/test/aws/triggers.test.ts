import * as crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AssistedAssertion,
  newNonce,
  parseAssistedAssertion,
  signAssertion,
} from '../../src/bindings/aws/signed-assertion.js';
import { createAuthChallengeHandler } from '../../src/bindings/aws/triggers/create-auth-challenge.js';
import { createDefineAuthChallengeHandler } from '../../src/bindings/aws/triggers/define-auth-challenge.js';
import {
  ASSISTED_CLAIMS,
  createPreTokenGenerationHandler,
} from '../../src/bindings/aws/triggers/pre-token-generation.js';
import { createVerifyAuthChallengeHandler } from '../../src/bindings/aws/triggers/verify-auth-challenge.js';
import {
  CLIENT_ID,
  createEvent,
  defineEvent,
  preTokenV1Event,
  preTokenV2Event,
  USERNAME,
  verifyEvent,
  viaClient,
} from './cognito-events.js';
import { SECRET } from './helpers.js';

// Counts constant-time comparisons without changing them (docs/security.md §4 check 11).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

// docs/security.md §3 rules 5 (compare), 17, 18; §4 checks 2 (replay/expiry of the answer), 3, 5, 11, 15.
const NOW = new Date('2026-11-25T10:00:00Z');
const clock = { now: () => NOW };
const AGENT = '7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f';
/** Another app client of the same pool (e.g. a destination app's own sign-in). */
const FOREIGN_CLIENT = 'waizant-web-client-id';
const defineAuthChallengeHandler = createDefineAuthChallengeHandler({ assistedClientId: CLIENT_ID });

function payload(overrides: Partial<AssistedAssertion> = {}): AssistedAssertion {
  return {
    username: USERNAME,
    userId: USERNAME,
    agentId: AGENT,
    sessionRef: 'ref_5b2f0c7e9a',
    ecosystemId: 'eco-1',
    role: 'admin',
    destination: 'web-home',
    nonce: newNonce(),
    exp: NOW.getTime() / 1000 + 60,
    ...overrides,
  };
}

const metadata = (assertion?: string) => ({
  waizant_agent_id: AGENT,
  waizant_session_ref: 'ref_5b2f0c7e9a',
  ...(assertion ? { waizant_assertion: assertion } : {}),
});

let consoleSpies: ReturnType<typeof vi.spyOn>[] = [];
beforeEach(() => {
  consoleSpies = (['log', 'info', 'debug', 'warn', 'error'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
});
afterEach(() => {
  // Nothing is ever logged by a trigger handler (no event dumps, no answers).
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

describe('DefineAuthChallenge', () => {
  it('issues CUSTOM_CHALLENGE once, on an empty session', async () => {
    const out = await defineAuthChallengeHandler(defineEvent([]));
    expect(out.response).toEqual({
      challengeName: 'CUSTOM_CHALLENGE',
      issueTokens: false,
      failAuthentication: false,
    });
  });

  it('issues tokens after one correct answer', async () => {
    const out = await defineAuthChallengeHandler(
      defineEvent([
        { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'WAIZANT_ASSISTED' },
      ]),
    );
    expect(out.response.issueTokens).toBe(true);
    expect(out.response.failAuthentication).toBe(false);
    expect(out.response.challengeName).toBeUndefined();
  });

  it('fails after one wrong answer (no second try in the same session)', async () => {
    const out = await defineAuthChallengeHandler(
      defineEvent([
        { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'WAIZANT_ASSISTED' },
      ]),
    );
    expect(out.response).toMatchObject({ issueTokens: false, failAuthentication: true });
    expect(out.response.challengeName).toBeUndefined();
  });

  it('fails on any other history: two rounds, another challenge first, an unknown user', async () => {
    const twice = await defineAuthChallengeHandler(
      defineEvent([
        { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false },
        { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true },
      ]),
    );
    expect(twice.response.failAuthentication).toBe(true);
    const srp = await defineAuthChallengeHandler(
      defineEvent([{ challengeName: 'SRP_A', challengeResult: true }]),
    );
    expect(srp.response.failAuthentication).toBe(true);
    const ghost = await defineAuthChallengeHandler(defineEvent([], { userNotFound: true }));
    expect(ghost.response).toMatchObject({ issueTokens: false, failAuthentication: true });
  });

  it('refuses at once through any other app client: no challenge, even after a "correct" answer', async () => {
    const start = await defineAuthChallengeHandler(viaClient(defineEvent([]), FOREIGN_CLIENT));
    expect(start.response).toEqual({ issueTokens: false, failAuthentication: true });
    const after = await defineAuthChallengeHandler(
      viaClient(defineEvent([{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true }]), FOREIGN_CLIENT),
    );
    expect(after.response).toEqual({ issueTokens: false, failAuthentication: true });
  });

  it('cannot be built without the assisted client id', () => {
    expect(() => createDefineAuthChallengeHandler({ assistedClientId: '' })).toThrow(/assistedClientId/);
  });
});

describe('CreateAuthChallenge', () => {
  it('puts no secret in the challenge parameters or metadata', async () => {
    const assertion = signAssertion(SECRET, 'claims', payload());
    const out = await createAuthChallengeHandler(createEvent('CUSTOM_CHALLENGE', metadata(assertion)));
    expect(out.response).toEqual({
      publicChallengeParameters: { type: 'waizant-assisted' },
      privateChallengeParameters: { type: 'waizant-assisted' },
      challengeMetadata: 'WAIZANT_ASSISTED',
    });
    const serialized = JSON.stringify(out.response);
    expect(serialized).not.toContain(SECRET);
    expect(serialized).not.toContain(assertion.split('.')[2]);
    expect(serialized).not.toContain(AGENT);
  });

  it('refuses any other challenge', async () => {
    await expect(createAuthChallengeHandler(createEvent('SMS_MFA'))).rejects.toThrow();
  });
});

describe('VerifyAuthChallengeResponse', () => {
  const verify = createVerifyAuthChallengeHandler({ secret: SECRET, assistedClientId: CLIENT_ID, clock });

  it('accepts a valid signed answer for this user, comparing MACs with timingSafeEqual', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const out = await verify(
      verifyEvent(signAssertion(SECRET, 'answer', payload()), { clientMetadata: metadata() }),
    );
    expect(out.response.answerCorrect).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0] ?? [];
    expect((a as Buffer).length).toBe(32);
    expect((b as Buffer).length).toBe(32);
  });

  it('uses timingSafeEqual on a wrong MAC too (no early exit on the digest)', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const other = signAssertion('another-secret-of-at-least-32-bytes!!', 'answer', payload());
    const out = await verify(verifyEvent(other));
    expect(out.response.answerCorrect).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'expired answer (exp = now)',
      () => signAssertion(SECRET, 'answer', payload({ exp: NOW.getTime() / 1000 })),
    ],
    ['answer for another user', () => signAssertion(SECRET, 'answer', payload({ username: 'someone-else' }))],
    ['a claims assertion used as answer', () => signAssertion(SECRET, 'claims', payload())],
    [
      'tampered payload',
      () => {
        const [v, , mac] = signAssertion(SECRET, 'answer', payload()).split('.');
        const forged = Buffer.from(JSON.stringify(payload({ agentId: 'agent-evil' }))).toString('base64url');
        return `${v}.${forged}.${mac}`;
      },
    ],
    ['truncated MAC', () => signAssertion(SECRET, 'answer', payload()).slice(0, -5)],
    ['garbage', () => 'not-an-answer'],
    ['empty', () => ''],
    ['a six-digit code', () => '123456'],
  ])('refuses: %s', async (_name, make) => {
    const out = await verify(verifyEvent(make(), { clientMetadata: metadata() }));
    expect(out.response.answerCorrect).toBe(false);
  });

  it('refuses when the metadata names another agent or session than the signed answer', async () => {
    const answer = signAssertion(SECRET, 'answer', payload());
    const otherAgent = await verify(
      verifyEvent(answer, { clientMetadata: { ...metadata(), waizant_agent_id: 'x' } }),
    );
    expect(otherAgent.response.answerCorrect).toBe(false);
    const otherRef = await verify(
      verifyEvent(answer, { clientMetadata: { ...metadata(), waizant_session_ref: 'r' } }),
    );
    expect(otherRef.response.answerCorrect).toBe(false);
  });

  it('refuses for an unknown user (userNotFound) and for another user name', async () => {
    const answer = signAssertion(SECRET, 'answer', payload());
    expect((await verify(verifyEvent(answer, { userNotFound: true }))).response.answerCorrect).toBe(false);
    expect((await verify(verifyEvent(answer, { userName: 'someone-else' }))).response.answerCorrect).toBe(
      false,
    );
  });

  it('accepts until exp and refuses one second after (injected clock)', async () => {
    const answer = signAssertion(SECRET, 'answer', payload({ exp: NOW.getTime() / 1000 + 60 }));
    const at = (ms: number) =>
      createVerifyAuthChallengeHandler({
        secret: SECRET,
        assistedClientId: CLIENT_ID,
        clock: { now: () => new Date(NOW.getTime() + ms) },
      });
    expect((await at(59_000)(verifyEvent(answer))).response.answerCorrect).toBe(true);
    expect((await at(61_000)(verifyEvent(answer))).response.answerCorrect).toBe(false);
  });

  it('refuses a valid answer sent through another app client', async () => {
    const answer = signAssertion(SECRET, 'answer', payload());
    const out = await verify(viaClient(verifyEvent(answer, { clientMetadata: metadata() }), FOREIGN_CLIENT));
    expect(out.response.answerCorrect).toBe(false);
  });

  it('during a rotation accepts the new and the old secret, and nothing else', async () => {
    const OLD = 'the-previous-assisted-secret-0123456789ab';
    const rotating = createVerifyAuthChallengeHandler({
      secret: [SECRET, OLD],
      assistedClientId: CLIENT_ID,
      clock,
    });
    for (const secret of [SECRET, OLD]) {
      const out = await rotating(verifyEvent(signAssertion(secret, 'answer', payload())));
      expect(out.response.answerCorrect).toBe(true);
    }
    const stranger = signAssertion('yet-another-secret-of-32-bytes-or-more!', 'answer', payload());
    expect((await rotating(verifyEvent(stranger))).response.answerCorrect).toBe(false);
  });

  it('refuses to start with a short secret', () => {
    expect(() => signAssertion('short', 'answer', payload())).toThrow(/at least 32 bytes/);
  });
});

describe('PreTokenGeneration', () => {
  const preToken = createPreTokenGenerationHandler({ secret: SECRET, assistedClientId: CLIENT_ID, clock });
  const common = {
    'waizant:user_id': USERNAME,
    support_ref: 'ref_5b2f0c7e9a',
    ecosystem_id: 'eco-1',
    assisted_destination: 'web-home',
    assisted_role: 'admin',
  };

  it('V1: adds act (naming the agent, as a JSON string: V1 claims are strings) and the reference to the ID token', async () => {
    const out = await preToken(preTokenV1Event(metadata(signAssertion(SECRET, 'claims', payload()))));
    expect(out.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: { ...common, act: '{"sub":"7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f"}' },
      claimsToSuppress: [],
    });
  });

  it('V2: adds the same claims to the ID and the access token, act as an RFC 8693 object', async () => {
    const out = await preToken(preTokenV2Event(metadata(signAssertion(SECRET, 'claims', payload()))));
    const details = out.response.claimsAndScopeOverrideDetails;
    const expected = { ...common, act: { sub: AGENT } };
    expect(details?.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(details?.accessTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    // What Cognito receives is the serialised response: act is an object there, not a string.
    expect(
      JSON.parse(JSON.stringify(out)).response.claimsAndScopeOverrideDetails.accessTokenGeneration
        .claimsToAddOrOverride.act,
    ).toEqual({ sub: AGENT });
  });

  it('V2: with the assisted session named, both tokens carry sid and the Core user id (not sub)', async () => {
    const SID = '3c9a4f1e-2b7d-4e8a-9f01-5d6c7b8a9e0f';
    const out = await preToken(
      preTokenV2Event(metadata(signAssertion(SECRET, 'claims', payload({ assistedSessionId: SID })))),
    );
    const details = out.response.claimsAndScopeOverrideDetails;
    const expected = { ...common, sid: SID, act: { sub: AGENT } };
    expect(details?.accessTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(details?.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    // Cognito refuses overriding reserved claims such as sub: the kit never tries.
    expect(details?.accessTokenGeneration?.claimsToAddOrOverride).not.toHaveProperty('sub');
    expect(details?.accessTokenGeneration?.claimsToSuppress).toEqual([]);
  });

  it('V1: the ID token gets sid and the Core user id as strings', async () => {
    const SID = '3c9a4f1e-2b7d-4e8a-9f01-5d6c7b8a9e0f';
    const out = await preToken(
      preTokenV1Event(metadata(signAssertion(SECRET, 'claims', payload({ assistedSessionId: SID })))),
    );
    expect(out.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      ...common,
      sid: SID,
      act: '{"sub":"7f1c1d3e-8a2b-4c5d-9e6f-0a1b2c3d4e5f"}',
    });
  });

  it('a sid added to a signed assertion without its key breaks the signature', async () => {
    const signed = signAssertion(SECRET, 'claims', payload());
    const [v, body, mac] = signed.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString('utf8')),
        assistedSessionId: 'someone-elses-session',
      }),
    ).toString('base64url');
    await expect(preToken(preTokenV2Event(metadata(`${v}.${forged}.${mac}`)))).rejects.toThrow(
      'Assisted session refused.',
    );
  });

  it('a sign-in through another client gets no assisted claims, and forged ones are suppressed', async () => {
    // Unsigned metadata (anyone can pass ClientMetadata to RespondToAuthChallenge) is ignored.
    const v1 = await preToken(
      viaClient(
        preTokenV1Event({ waizant_agent_id: 'agent-evil', waizant_session_ref: 'x' }),
        FOREIGN_CLIENT,
      ),
    );
    expect(v1.response.claimsOverrideDetails).toEqual({ claimsToSuppress: [...ASSISTED_CLAIMS] });
    const v2 = await preToken(viaClient(preTokenV2Event(undefined), FOREIGN_CLIENT));
    expect(v2.response.claimsAndScopeOverrideDetails?.accessTokenGeneration).toEqual({
      claimsToSuppress: [...ASSISTED_CLAIMS],
    });
    expect(v2.response.claimsAndScopeOverrideDetails?.idTokenGeneration).toEqual({
      claimsToSuppress: [...ASSISTED_CLAIMS],
    });
  });

  it('refuses a valid assertion through another client', async () => {
    const event = viaClient(
      preTokenV2Event(metadata(signAssertion(SECRET, 'claims', payload()))),
      FOREIGN_CLIENT,
    );
    await expect(preToken(event)).rejects.toThrow('Assisted session refused.');
  });

  it('refuses, on the assisted client, a sign-in without an assertion and any refresh', async () => {
    await expect(preToken(preTokenV2Event(undefined))).rejects.toThrow('Assisted session refused.');
    await expect(preToken(preTokenV1Event(metadata()))).rejects.toThrow('Assisted session refused.');
    for (const event of [
      preTokenV1Event(metadata(signAssertion(SECRET, 'claims', payload())), 'TokenGeneration_RefreshTokens'),
      preTokenV2Event(undefined, 'TokenGeneration_RefreshTokens'),
    ]) {
      await expect(preToken(event)).rejects.toThrow('Assisted session refused.');
    }
  });

  it('fails the sign-in on an invalid assertion (answer purpose, other user, expired)', async () => {
    for (const bad of [
      signAssertion(SECRET, 'answer', payload()),
      signAssertion(SECRET, 'claims', payload({ username: 'someone-else' })),
      signAssertion(SECRET, 'claims', payload({ exp: NOW.getTime() / 1000 - 1 })),
    ]) {
      await expect(preToken(preTokenV1Event(metadata(bad)))).rejects.toThrow('Assisted session refused.');
    }
  });
});

describe('assertion payload: the optional assisted session id', () => {
  it('is accepted within bounds, and anything else about it is refused', () => {
    const base = payload();
    expect(parseAssistedAssertion(base)).toEqual(base);
    const withSid = { ...base, assistedSessionId: '3c9a4f1e-2b7d-4e8a-9f01-5d6c7b8a9e0f' };
    expect(parseAssistedAssertion(withSid)).toEqual(withSid);
    for (const sid of ['', 'x'.repeat(129), 42, null, undefined])
      expect(parseAssistedAssertion({ ...base, assistedSessionId: sid })).toBeNull();
    // Still exactly the known fields: an unknown one in place of (or beside) the id is refused.
    expect(parseAssistedAssertion({ ...base, sid: 'x' })).toBeNull();
    expect(parseAssistedAssertion({ ...withSid, extra: 'x' })).toBeNull();
  });
});
