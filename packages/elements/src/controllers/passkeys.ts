import type {
  PasskeyAssertion,
  PasskeyAttestation,
  PasskeyCeremony,
  PasskeySummary,
  SupportServices,
} from '@waizant/support-core/ui';
import type { ReactiveControllerHost } from 'lit';
import { lazy } from '../base-element.js';

/**
 * `@simplewebauthn/browser`, fetched once per page and only when a passkey view opens, so the
 * elements' entry stays within its size budget (see bench/size-budget.mjs).
 */
export const loadWebAuthn = lazy(() => import('@simplewebauthn/browser'));

type WebAuthn = Awaited<ReturnType<typeof loadWebAuthn>>;

/** Runs one ceremony; aborting the flow's request closes the browser's prompt. */
async function ceremony<T>(signal: AbortSignal, run: (webauthn: WebAuthn) => Promise<T>): Promise<T> {
  const webauthn = await loadWebAuthn();
  if (!webauthn.browserSupportsWebAuthn())
    throw new DOMException('WebAuthn is not available.', 'NotSupportedError');
  const abort = () => webauthn.WebAuthnAbortService.cancelCeremony();
  signal.addEventListener('abort', abort, { once: true });
  try {
    return await run(webauthn);
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

/**
 * The browser's WebAuthn ceremonies over `@simplewebauthn/browser`. Its errors keep the
 * `DOMException` name the flow reads (`NotAllowedError`, `SecurityError`, …).
 */
export const browserPasskeys: PasskeyCeremony = {
  authenticate: (options, signal) =>
    ceremony(
      signal,
      async (w) => (await w.startAuthentication({ optionsJSON: options as never })) as PasskeyAssertion,
    ),
  register: (options, signal) =>
    ceremony(
      signal,
      async (w) => (await w.startRegistration({ optionsJSON: options as never })) as PasskeyAttestation,
    ),
};

/**
 * The minimal "Your passkeys" list: the calling agent's own passkeys, read and removed through
 * the element's services (not a step of the flow: it changes nothing of the session).
 */
export class PasskeyListController {
  open = false;
  pending = false;
  items: readonly PasskeySummary[] = [];
  error: string | null = null;
  private controller: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly services: () => SupportServices,
  ) {}

  show(): void {
    this.open = true;
    void this.run((s, signal) => s.listPasskeys?.({ signal }));
  }

  hide(): void {
    this.controller?.abort();
    this.open = false;
    this.error = null;
    this.host.requestUpdate();
  }

  remove(passkeyId: string): void {
    void this.run((s, signal) => s.removePasskey?.(passkeyId, { signal, idempotencyKey: passkeyId }));
  }

  private async run(
    call: (s: SupportServices, signal: AbortSignal) => Promise<{ items: PasskeySummary[] }> | undefined,
  ): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.pending = true;
    this.error = null;
    this.host.requestUpdate();
    try {
      const answer = await call(this.services(), controller.signal);
      if (controller.signal.aborted) return;
      if (!answer) throw Object.assign(new Error('no passkey routes'), { code: 'step_up_not_allowed' });
      this.items = answer.items;
    } catch (error) {
      if (controller.signal.aborted) return;
      const code = (error as { code?: unknown }).code;
      this.error = typeof code === 'string' ? code : 'upstream_unavailable';
    } finally {
      if (!controller.signal.aborted) {
        this.pending = false;
        this.host.requestUpdate();
      }
    }
  }
}
