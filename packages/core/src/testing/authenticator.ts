/**
 * A fake WebAuthn authenticator implementing `PasskeyCeremony`, for tests and stories of the
 * passkey step-up without a browser prompt. Its answers have the shape the real ones have and
 * pass the fake server's structural check; they carry no signature a real server would accept.
 */
import type {
  PasskeyAssertion,
  PasskeyAttestation,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
} from '../contract/passkeys.js';
import type { PasskeyCeremony } from '../machine/types.js';
import { drawToken } from './records.js';

const toBase64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const text = (value: string) => toBase64url(new TextEncoder().encode(value));

export interface FakeAuthenticatorOptions {
  /** The origin the client data names (default: the page's, or `http://localhost`). */
  origin?: string;
  /** Milliseconds the prompt stays open before it answers (default 0). */
  latencyMs?: number;
}

export class FakeAuthenticator implements PasskeyCeremony {
  /** Credential ids this authenticator holds, with their sign counters. */
  readonly credentials = new Map<string, number>();
  /** Every ceremony asked of it: `register`, `authenticate`. */
  readonly calls: string[] = [];
  origin: string;
  latencyMs: number;
  private failure: string | null = null;

  constructor(options: FakeAuthenticatorOptions = {}) {
    const page = (globalThis as { location?: { origin?: string } }).location;
    this.origin = options.origin ?? page?.origin ?? 'http://localhost';
    this.latencyMs = options.latencyMs ?? 0;
  }

  /**
   * The next ceremony rejects as the browser does, with a `DOMException` of this name:
   * `NotAllowedError` (closed prompt, or no passkey here), `SecurityError` (wrong origin / RP).
   */
  failNext(name: string): void {
    this.failure = name;
  }

  async register(options: PasskeyCreationOptions, signal: AbortSignal): Promise<PasskeyAttestation> {
    this.calls.push('register');
    await this.prompt(signal);
    if (options.excludeCredentials?.some((c) => this.credentials.has(c.id)))
      throw new DOMException('This authenticator already holds a passkey.', 'InvalidStateError');
    const id = drawToken();
    this.credentials.set(id, 0);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge),
        attestationObject: text('fake attestation'),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  async authenticate(options: PasskeyRequestOptions, signal: AbortSignal): Promise<PasskeyAssertion> {
    this.calls.push('authenticate');
    await this.prompt(signal);
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [...this.credentials.keys()];
    const id = allowed.find((candidate) => this.credentials.has(candidate));
    // No passkey for this site here: browsers answer as for a closed prompt.
    if (!id) throw new DOMException('No passkey available.', 'NotAllowedError');
    const counter = (this.credentials.get(id) ?? 0) + 1;
    this.credentials.set(id, counter);
    const authenticatorData = new Uint8Array(37);
    authenticatorData[32] = 0x05; // user present and verified
    new DataView(authenticatorData.buffer).setUint32(33, counter);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.get', options.challenge),
        authenticatorData: toBase64url(authenticatorData),
        signature: text('fake signature'),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  private async prompt(signal: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    else await Promise.resolve();
    if (signal.aborted) throw new DOMException('The prompt was closed.', 'AbortError');
    const failure = this.failure;
    this.failure = null;
    if (failure) throw new DOMException('The passkey prompt failed.', failure);
  }

  private clientData(type: string, challenge: string): string {
    return text(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }
}
