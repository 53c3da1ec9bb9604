/**
 * The fake server's passkey step-up (issue #17), with the server's rules: a challenge per
 * session, single use, short-lived; a refused assertion spends an attempt of the agent's step
 * (the same budget as a wrong agent code, and the same lock); enrolment only after the
 * e-mailed agent code passed in the session. The assertion check is structural (client data
 * type, challenge, origin, a known credential, a growing sign counter): the cryptographic
 * check is the real server's, and is tested there.
 */
import type { SupportSessionView } from '../contract/api.js';
import {
  type PasskeyAssertion,
  type PasskeyAttestation,
  type PasskeyCreationOptions,
  type PasskeyList,
  type PasskeyRequestOptions,
  type PasskeySummary,
  RegisterPasskeyRequest,
  VerifyAgentPasskeyRequest,
} from '../contract/passkeys.js';
import { SupportError } from '../contract/support-error.js';
import type { CallOptions } from '../machine/types.js';
import { isClosedStep } from '../rules/flow.js';
import { uuid } from './people.js';
import { advance, drawToken, type SessionRecord, sessionView } from './records.js';
import { FakeSessionStore, parse } from './store.js';

export interface FakePasskey {
  id: string;
  credentialId: string;
  name: string;
  transports: PasskeySummary['transports'];
  counter: number;
  createdAt: number;
  lastUsedAt: number | null;
}

interface Challenge {
  value: string;
  kind: 'webauthn.get' | 'webauthn.create';
  expiresAt: number;
}

const RP_ID = 'localhost';

/** base64url → text, as the server decodes `clientDataJSON`. */
export function fromBase64url(value: string): Uint8Array {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function clientData(encoded: string): { type?: unknown; challenge?: unknown; origin?: unknown } {
  try {
    return JSON.parse(new TextDecoder().decode(fromBase64url(encoded)));
  } catch {
    return {};
  }
}

/** The sign counter: bytes 33–36 of the authenticator data, big-endian. */
function signCount(authenticatorData: string): number | null {
  const bytes = fromBase64url(authenticatorData);
  if (bytes.length < 37) return null;
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(33);
}

export class FakePasskeyStore extends FakeSessionStore {
  /** The agent's passkeys (the fake serves one agent). */
  readonly passkeys: FakePasskey[] = [];
  private readonly challenges = new Map<string, Challenge>();

  protected view(s: SessionRecord): SupportSessionView {
    return sessionView(s, this.now(), this.limits, this.passkeys.length > 0);
  }

  async agentPasskeyOptions(sessionId: string, options: CallOptions): Promise<PasskeyRequestOptions> {
    await this.enter('agentPasskeyOptions', 'agentPasskeyOptions', options);
    this.passkeysOffered();
    this.command(sessionId, 'agent_code');
    if (this.passkeys.length === 0) throw new SupportError('passkey_not_enrolled', 'No passkey yet.');
    return {
      challenge: this.draw(sessionId, 'webauthn.get'),
      rpId: RP_ID,
      allowCredentials: this.passkeys.map((p) => ({
        id: p.credentialId,
        type: 'public-key' as const,
        transports: p.transports,
      })),
      userVerification: 'required',
      timeout: this.limits.passkeyChallengeTtlMs,
    };
  }

  async verifyAgentPasskey(sessionId: string, credential: PasskeyAssertion, options: CallOptions) {
    await this.enter('verifyAgentPasskey', 'verifyAgentPasskey', options);
    const { credential: c } = parse(VerifyAgentPasskeyRequest, { credential });
    this.passkeysOffered();
    const s = this.command(sessionId, 'agent_code');
    // Taken before the check: a challenge answers once, right or wrong.
    const challenge = this.take(sessionId);
    const data = clientData(c.response.clientDataJSON);
    const passkey = this.passkeys.find((p) => p.credentialId === c.id);
    const counter = signCount(c.response.authenticatorData);
    const good =
      challenge?.kind === 'webauthn.get' &&
      this.now() <= challenge.expiresAt &&
      data.type === 'webauthn.get' &&
      data.challenge === challenge.value &&
      this.originAllowed(data.origin) &&
      passkey !== undefined &&
      counter !== null &&
      (counter > passkey.counter || (counter === 0 && passkey.counter === 0));
    if (!good || !passkey || counter === null) return this.refuse(s);
    passkey.counter = counter;
    passkey.lastUsedAt = this.now();
    s.code = null;
    advance(s);
    return this.view(s);
  }

  async passkeyRegistrationOptions(sessionId: string, options: CallOptions): Promise<PasskeyCreationOptions> {
    await this.enter('passkeyRegistrationOptions', 'passkeyRegistrationOptions', options);
    this.enrolling(sessionId);
    return {
      rp: { name: 'Waizant Support', id: RP_ID },
      user: { id: 'YWdlbnQ', name: this.limits.agentEmail, displayName: this.limits.agentEmail },
      challenge: this.draw(sessionId, 'webauthn.create'),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      timeout: this.limits.passkeyChallengeTtlMs,
      excludeCredentials: this.passkeys.map((p) => ({ id: p.credentialId, type: 'public-key' as const })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      attestation: 'none',
    };
  }

  async registerPasskey(
    sessionId: string,
    credential: PasskeyAttestation,
    name: string | undefined,
    options: CallOptions,
  ): Promise<PasskeySummary> {
    await this.enter('registerPasskey', 'registerPasskey', options);
    const body = parse(RegisterPasskeyRequest, name === undefined ? { credential } : { credential, name });
    this.enrolling(sessionId);
    const challenge = this.take(sessionId);
    const data = clientData(body.credential.response.clientDataJSON);
    const known = this.passkeys.some((p) => p.credentialId === body.credential.id);
    if (
      challenge?.kind !== 'webauthn.create' ||
      this.now() > challenge.expiresAt ||
      data.type !== 'webauthn.create' ||
      data.challenge !== challenge.value ||
      !this.originAllowed(data.origin) ||
      known
    ) {
      throw new SupportError('passkey_refused', 'The new passkey was not accepted.');
    }
    const passkey: FakePasskey = {
      id: uuid(),
      credentialId: body.credential.id,
      name: body.name ?? `Passkey ${this.passkeys.length + 1}`,
      transports: body.credential.response.transports ?? [],
      counter: 0,
      createdAt: this.now(),
      lastUsedAt: null,
    };
    this.passkeys.push(passkey);
    return this.summary(passkey);
  }

  async listPasskeys(options: CallOptions): Promise<PasskeyList> {
    await this.enter('listPasskeys', 'listPasskeys', options);
    return { items: this.passkeys.map((p) => this.summary(p)) };
  }

  async removePasskey(passkeyId: string, options: CallOptions): Promise<PasskeyList> {
    await this.enter('removePasskey', 'removePasskey', options);
    const index = this.passkeys.findIndex((p) => p.id === passkeyId);
    if (index < 0) throw new SupportError('not_found', 'No such passkey.');
    this.passkeys.splice(index, 1);
    return { items: this.passkeys.map((p) => this.summary(p)) };
  }

  // ── internals ──

  private passkeysOffered(): void {
    if (this.limits.agentStepUp === 'email-code')
      throw new SupportError('step_up_not_allowed', 'Passkeys are not offered.');
  }

  /** Enrolment's rule: a live session of a passkey mode whose agent passed the e-mailed code. */
  private enrolling(sessionId: string): SessionRecord {
    this.passkeysOffered();
    const s = this.live(sessionId, { touch: false });
    if (!s.agentCodePassed || isClosedStep(s.step))
      throw new SupportError('step_up_not_allowed', 'Pass the e-mailed code first.');
    s.lastActivityAt = this.now();
    return s;
  }

  private draw(sessionId: string, kind: Challenge['kind']): string {
    const value = drawToken() + drawToken();
    this.challenges.set(sessionId, {
      value,
      kind,
      expiresAt: this.now() + this.limits.passkeyChallengeTtlMs,
    });
    return value;
  }

  private take(sessionId: string): Challenge | undefined {
    const challenge = this.challenges.get(sessionId);
    this.challenges.delete(sessionId);
    return challenge;
  }

  private originAllowed(origin: unknown): boolean {
    const allowed = this.limits.passkeyOrigins;
    return typeof origin === 'string' && (allowed.length === 0 || allowed.includes(origin));
  }

  /** A refused assertion spends one attempt of the agent's step; the last one locks the session. */
  private refuse(s: SessionRecord): never {
    const left = (s.attempts.agent ?? this.limits.maxAttempts) - 1;
    s.attempts.agent = left;
    if (s.code) s.code.attemptsLeft = left;
    if (left <= 0) {
      this.close(s, 'locked');
      throw new SupportError('code_locked', 'Too many refused attempts.');
    }
    throw new SupportError('passkey_refused', 'The passkey was not accepted.', { attemptsLeft: left });
  }

  private summary(p: FakePasskey): PasskeySummary {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: p.id,
      name: p.name,
      transports: p.transports,
      createdAt: iso(p.createdAt),
      lastUsedAt: p.lastUsedAt === null ? null : iso(p.lastUsedAt),
    };
  }
}
