import * as z from 'zod/mini';
import type * as T from '../ui.js';
import { doc, Id, Timestamp } from './primitives.js';

/**
 * The agent's step-up by passkey (WebAuthn), offered instead of or beside the e-mailed agent
 * code when the server is configured with `agentStepUp: 'passkey' | 'passkey-or-email'`.
 * The JSON shapes are WebAuthn Level 3's `PublicKeyCredential*JSON` (what
 * `@simplewebauthn/browser` takes and returns); the server checks them cryptographically, so
 * the boundary only bounds their size and form.
 */

/** How the agent proves who they are on the internal-verification step. */
export const StepUpMethod = z.enum(['email_code', 'passkey']);
export type StepUpMethod = T.StepUpMethod;

/**
 * What the session offers the agent: `methods` in the order to show them; `passkeyEnrolled`
 * whether this agent has at least one passkey; `enrolmentOpen` true once the agent passed the
 * e-mailed code in this session and passkeys are allowed (the "Set up a passkey" view).
 */
export const AgentStepUp = doc(
  z.object({
    methods: z.array(StepUpMethod).check(z.minLength(1), z.maxLength(2)),
    passkeyEnrolled: z.boolean(),
    enrolmentOpen: z.boolean(),
  }),
  { id: 'AgentStepUp' },
);
export type AgentStepUp = T.AgentStepUp;

const base64url = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]+$/, 'expected base64url'));

export const AuthenticatorTransport = z.enum([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);
export type AuthenticatorTransport = T.AuthenticatorTransport;

const credentialDescriptor = z.object({
  id: base64url(1400),
  type: z.literal('public-key'),
  transports: z.optional(z.array(AuthenticatorTransport).check(z.maxLength(7))),
});

/** `PublicKeyCredentialRequestOptionsJSON`: the challenge to sign, single use, ≤ 2 minutes. */
export const PasskeyRequestOptions = doc(
  z.object({
    challenge: base64url(128),
    timeout: z.optional(z.int().check(z.gte(1))),
    rpId: z.optional(z.string().check(z.maxLength(253))),
    allowCredentials: z.optional(z.array(credentialDescriptor).check(z.maxLength(50))),
    userVerification: z.optional(z.enum(['required', 'preferred', 'discouraged'])),
  }),
  { id: 'PasskeyRequestOptions' },
);
export type PasskeyRequestOptions = T.PasskeyRequestOptions;

/** `PublicKeyCredentialCreationOptionsJSON`: what the browser needs to create a passkey. */
export const PasskeyCreationOptions = doc(
  z.object({
    rp: z.object({
      name: z.string().check(z.maxLength(200)),
      id: z.optional(z.string().check(z.maxLength(253))),
    }),
    user: z.object({
      id: base64url(128),
      name: z.string().check(z.maxLength(254)),
      displayName: z.string().check(z.maxLength(200)),
    }),
    challenge: base64url(128),
    pubKeyCredParams: z
      .array(z.object({ type: z.literal('public-key'), alg: z.int() }))
      .check(z.minLength(1), z.maxLength(10)),
    timeout: z.optional(z.int().check(z.gte(1))),
    excludeCredentials: z.optional(z.array(credentialDescriptor).check(z.maxLength(50))),
    authenticatorSelection: z.optional(
      z.object({
        authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
        requireResidentKey: z.optional(z.boolean()),
        residentKey: z.optional(z.enum(['discouraged', 'preferred', 'required'])),
        userVerification: z.optional(z.enum(['required', 'preferred', 'discouraged'])),
      }),
    ),
    attestation: z.optional(z.enum(['none', 'indirect', 'direct', 'enterprise'])),
  }),
  { id: 'PasskeyCreationOptions' },
);
export type PasskeyCreationOptions = T.PasskeyCreationOptions;

const clientExtensionResults = z.record(z.string().check(z.maxLength(64)), z.unknown());

/** `AuthenticationResponseJSON` as `@simplewebauthn/browser`'s `startAuthentication` returns it. */
export const PasskeyAssertion = doc(
  z.object({
    id: base64url(1400),
    rawId: base64url(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(4096),
      authenticatorData: base64url(4096),
      signature: base64url(1024),
      userHandle: z.optional(base64url(128)),
    }),
    authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
    clientExtensionResults,
  }),
  { id: 'PasskeyAssertion' },
);
export type PasskeyAssertion = T.PasskeyAssertion;

/** `RegistrationResponseJSON` as `@simplewebauthn/browser`'s `startRegistration` returns it. */
export const PasskeyAttestation = doc(
  z.object({
    id: base64url(1400),
    rawId: base64url(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(4096),
      attestationObject: base64url(16384),
      authenticatorData: z.optional(base64url(16384)),
      transports: z.optional(z.array(AuthenticatorTransport).check(z.maxLength(7))),
      publicKeyAlgorithm: z.optional(z.int()),
      publicKey: z.optional(base64url(4096)),
    }),
    authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
    clientExtensionResults,
  }),
  { id: 'PasskeyAttestation' },
);
export type PasskeyAttestation = T.PasskeyAttestation;

export const VerifyAgentPasskeyRequest = doc(z.strictObject({ credential: PasskeyAssertion }), {
  id: 'VerifyAgentPasskeyRequest',
});
export type VerifyAgentPasskeyRequest = T.VerifyAgentPasskeyRequest;

export const RegisterPasskeyRequest = doc(
  z.strictObject({
    credential: PasskeyAttestation,
    /** The agent's own label, e.g. "Work laptop"; the server names it when absent. */
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  }),
  { id: 'RegisterPasskeyRequest' },
);
export type RegisterPasskeyRequest = T.RegisterPasskeyRequest;

/** One of the agent's passkeys as the list shows it (never the public key or the credential id). */
export const PasskeySummary = doc(
  z.object({
    id: Id,
    name: z.string().check(z.maxLength(100)),
    transports: z.array(AuthenticatorTransport).check(z.maxLength(7)),
    createdAt: Timestamp,
    lastUsedAt: z.nullable(Timestamp),
  }),
  { id: 'PasskeySummary' },
);
export type PasskeySummary = T.PasskeySummary;

export const PasskeyList = doc(z.object({ items: z.array(PasskeySummary).check(z.maxLength(50)) }), {
  id: 'PasskeyList',
});
export type PasskeyList = T.PasskeyList;

export const PasskeyParams = z.strictObject({ passkeyId: Id });
