import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { PasskeyAssertion, PasskeyAttestation } from '@waizant/support-core';
import type { StepUpConfig } from '../../config.js';

/**
 * Why an answer was refused, as the audit records it: a fixed word, never the library's message
 * (which quotes the challenge).
 */
export type RefusalReason =
  | 'unknown_credential'
  | 'no_challenge'
  | 'challenge_expired'
  | 'challenge_mismatch'
  | 'origin'
  | 'rp_id'
  | 'counter'
  | 'user_verification'
  | 'signature'
  | 'not_consumed'
  | 'malformed';

function reasonOf(error: unknown): RefusalReason {
  const message = error instanceof Error ? error.message : '';
  if (/challenge/i.test(message)) return 'challenge_mismatch';
  if (/origin/i.test(message)) return 'origin';
  if (/RP ID/i.test(message)) return 'rp_id';
  if (/counter/i.test(message)) return 'counter';
  if (/verification|presence|not present/i.test(message)) return 'user_verification';
  return 'malformed';
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: RefusalReason };

/** What every ceremony must match: our challenge, origins and RP id, with user verification. */
function expected(
  config: StepUpConfig,
  challenge: (signed: string) => boolean,
  type: 'webauthn.get' | 'webauthn.create',
) {
  return {
    expectedChallenge: challenge,
    expectedOrigin: [...config.origins],
    expectedRPID: config.rpId,
    expectedType: type,
    requireUserVerification: true,
  };
}

/** Verifies an assertion against one stored credential; user verification is required. */
export async function checkAssertion(
  config: StepUpConfig,
  assertion: PasskeyAssertion,
  challenge: (signed: string) => boolean,
  credential: { id: string; publicKey: string; counter: number },
): Promise<Checked<{ newCounter: number }>> {
  try {
    const result = await verifyAuthenticationResponse({
      response: assertion as AuthenticationResponseJSON,
      ...expected(config, challenge, 'webauthn.get'),
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
        counter: credential.counter,
      },
    });
    if (!result.verified || !result.authenticationInfo.userVerified)
      return { ok: false, reason: 'signature' };
    return { ok: true, value: { newCounter: result.authenticationInfo.newCounter } };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

export interface NewCredential {
  readonly id: string;
  readonly publicKey: string;
  readonly counter: number;
}

/** Verifies a registration (attestation "none" accepted; user verification required). */
export async function checkAttestation(
  config: StepUpConfig,
  attestation: PasskeyAttestation,
  challenge: (signed: string) => boolean,
): Promise<Checked<NewCredential>> {
  try {
    const result = await verifyRegistrationResponse({
      response: attestation as RegistrationResponseJSON,
      ...expected(config, challenge, 'webauthn.create'),
    });
    if (!result.verified || !result.registrationInfo.userVerified) return { ok: false, reason: 'signature' };
    const { credential } = result.registrationInfo;
    return {
      ok: true,
      value: {
        id: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
      },
    };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}
