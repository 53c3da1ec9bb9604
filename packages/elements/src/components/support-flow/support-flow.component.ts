import {
  CANCEL_REASON_MAX,
  CANCEL_REASON_MIN,
  DEFAULT_CODE_DIGITS,
  type Destination,
  type DestinationPage,
  type Flow,
  type PasskeyCeremony,
  type SupportFlowState,
  type SupportServices,
} from '@waizant/support-core/ui';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WaizantElement } from '../../base-element.js';
import { ClockController } from '../../controllers/clock.js';
import { type Engine, FlowEngineController } from '../../controllers/flow-engine.js';
import { ModalController } from '../../controllers/modal.js';
import { browserPasskeys, loadWebAuthn, PasskeyListController } from '../../controllers/passkeys.js';
import { QrController } from '../../controllers/qr.js';
import type { TokenProvider } from '../../http/client.js';
import { hostHttpServices } from '../../http/lazy.js';
import { loadEngine } from './support-flow.loader.js';
import { supportFlowStyles } from './support-flow.styles.js';
import { cancelDialogView } from './views/cancel-dialog.js';
import type { ViewContext, ViewHandlers } from './views/context.js';
import { inactivityView } from './views/inactivity.js';
import { errorText, stepView } from './views/step.js';

export interface WaizantSupportCompletedDetail {
  readonly sessionId: string | null;
}
export interface WaizantSupportCancelledDetail {
  readonly sessionId: string | null;
  /** The reason the agent typed (plain text: render it escaped). */
  readonly reason: string;
}
export interface WaizantSupportExpiredDetail {
  readonly sessionId: string | null;
}
/** A one-time link was created. The link and its token are never part of the event. */
export interface WaizantSupportHandoffDetail {
  readonly destination: Destination;
  readonly page: DestinationPage;
  readonly expiresAt: string;
}

/** Views of a live session: they show the **Cancel** button. */
const LIVE_VIEWS = new Set([
  'ecosystem',
  'agentCode',
  'passkeySetup',
  'userCode',
  'destinations',
  'handoffReady',
  'qr',
  'activity',
]);

/**
 * The Waizant **User Support** module: finds an end user by email, verifies the agent and
 * the user with one-time codes, then takes the agent to the user's Waizant Store / Web / App
 * (Technical Assistance) or shows the successor's activity (Ecosystem Admin). Every view is
 * driven by the core support flow; the server adapter is the authority.
 *
 * @summary Embeddable support flow for Waizant back offices.
 *
 * @event {CustomEvent<WaizantSupportCompletedDetail>} waizant-support-completed - The agent finished the support; the session is closed.
 * @event {CustomEvent<WaizantSupportCancelledDetail>} waizant-support-cancelled - The agent cancelled with a reason.
 * @event {CustomEvent<WaizantSupportExpiredDetail>} waizant-support-expired - The session closed for inactivity.
 * @event {CustomEvent<WaizantSupportHandoffDetail>} waizant-support-handoff - A one-time link or QR into the user's account was created.
 *
 * @csspart base - The wrapper of the element.
 * @csspart header - The title bar with the flow name.
 * @csspart step - The current step.
 * @csspart heading - The heading of the current step.
 * @csspart error - The live region with the current error.
 * @csspart status-card - The found user's status card.
 * @csspart ecosystem-select - The ecosystem selector.
 * @csspart code-input - A verification code input.
 * @csspart countdown - A countdown (resend, code, link, QR).
 * @csspart destinations - The destination buttons.
 * @csspart destination - One destination button.
 * @csspart handoff-link - The ready link to the Web or Store.
 * @csspart qr - The QR code image.
 * @csspart cancel-button - The **Cancel** button of a live session.
 * @csspart cancel-dialog - The cancel modal.
 * @csspart inactivity - The inactivity warning.
 * @csspart activity - The embedded `<successor-activity>`.
 *
 * @cssprop --waizant-color-text - Text colour.
 * @cssprop --waizant-color-text-muted - Secondary text colour.
 * @cssprop --waizant-color-surface - Background.
 * @cssprop --waizant-color-surface-alt - Background of cards and secondary buttons.
 * @cssprop --waizant-color-border - Borders.
 * @cssprop --waizant-color-accent - Primary buttons and focus ring.
 * @cssprop --waizant-color-on-accent - Text on the accent colour.
 * @cssprop --waizant-color-danger - Errors and the Cancel button.
 * @cssprop --waizant-color-success - Success messages.
 * @cssprop --waizant-color-warning - The inactivity warning's background.
 * @cssprop --waizant-radius - Corner radius.
 * @cssprop --waizant-spacing - Base spacing.
 * @cssprop --waizant-font-family - Font family.
 * @cssprop --waizant-font-size - Base font size.
 * @cssprop --waizant-focus-ring - Box-shadow of focused controls.
 * @cssprop --waizant-qr-size - Side of the QR code (default 240px).
 * @cssprop --waizant-activity-list-height - Height of the successor's process list.
 */
export class WaizantSupportFlow extends WaizantElement {
  static override styles = supportFlowStyles;

  /** `technical-assistance` (module A) or `ecosystem-admin` (module B, successor support). */
  @property({ reflect: true }) flow: Flow = 'technical-assistance';
  /** Base URL of the server adapter's API, e.g. `/api/support`. */
  @property({ attribute: 'api-base' }) apiBase: string | null = null;
  /** UI language: `en` (default) or `es`. Spanish strings are loaded only when used. */
  @property() override lang = 'en';
  /** The agent's bearer token. Prefer `tokenProvider` where tokens refresh. */
  @property({ attribute: false }) token: string | null = null;
  /** Returns the agent's bearer token; called before every request. */
  @property({ attribute: false }) tokenProvider: TokenProvider | null = null;
  /** I/O of the flow; overrides the HTTP client built from `api-base` (tests, Storybook, headless hosts). */
  @property({ attribute: false }) services: SupportServices | null = null;
  /** The WebAuthn ceremonies of the agent's passkey step-up; default: the browser's (tests, Storybook). */
  @property({ attribute: false }) passkeys: PasskeyCeremony | null = null;
  /** Digits of a verification code, as the server is configured (`codeDigits`, 6–10; default 6). */
  @property({ type: Number, attribute: 'code-digits' }) codeDigits = DEFAULT_CODE_DIGITS;
  /** How often (ms) a shown QR checks whether the phone claimed it. */
  @property({ type: Number, attribute: 'handoff-poll-ms' }) handoffPollMs = 2000;
  /** How often (ms) a verified session is re-read, so that the agent sees at once that the user ended it. */
  @property({ type: Number, attribute: 'session-poll-ms' }) sessionPollMs = 5000;

  @state() private emailError = '';
  @state() private codeError = '';
  @state() private cancelError = '';

  private readonly engine = new FlowEngineController(
    this,
    () => (this.constructor as typeof WaizantSupportFlow).loadEngine(),
    (prev, next) => this.onTransition(prev, next),
  );
  private readonly clock = new ClockController(this, () => {
    const s = this.engine.state;
    return (
      !!s &&
      (s.inactivityWarning || s.codePhase === 'awaiting' || s.view === 'qr' || s.view === 'handoffReady')
    );
  });
  private readonly qr = new QrController(this, () => {
    const s = this.engine.state;
    return s?.view === 'qr' && s.qrPhase === 'waiting' && s.handoff ? s.handoff.link : null;
  });
  private readonly on: ViewHandlers = {
    lookup: this.onLookup,
    submitCode: this.onSubmitCode,
    confirmCancel: this.onConfirmCancel,
    enrolPasskey: this.onEnrolPasskey,
    restart: this.restart,
  };
  private servicesInUse: SupportServices | null = null;
  private readonly passkeyList = new PasskeyListController(this, () => this.flowServices());
  private stepKey = '';
  private lastReason = '';

  constructor() {
    super();
    // Focus goes into the reason; back to what opened the dialog, or to the step's heading.
    new ModalController(
      this,
      () => !!this.engine.state?.cancelModal.open,
      (dialog) => {
        const reason = dialog.querySelector<HTMLTextAreaElement>('#cancel-reason');
        if (reason) reason.value = '';
        this.cancelError = '';
        return reason;
      },
      () => this.focusHeading(),
    );
  }

  /**
   * Fetches the statechart chunk, once per page. A subclass may load it another way (the
   * tests simulate a failed fetch here).
   */
  protected static loadEngine(): Promise<Engine> {
    return loadEngine();
  }

  /** The facade's current state (read-only), e.g. for a host's diagnostics. */
  get state(): SupportFlowState | null {
    return this.engine.state;
  }

  /** Starts over with a new, empty support request (what **New support request** does). */
  restart(): void {
    this.setup();
    this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#email');
      if (input) input.value = '';
      this.focusHeading();
    });
  }

  /** Also waits for the flow to be loaded and started, so `await el.updateComplete` shows a live view. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await super.getUpdateComplete();
    await this.engine.starting;
    return super.getUpdateComplete();
  }

  /** The HTTP client is loaded on the first request, and only without `services`. */
  private setup(): void {
    this.emailError = '';
    this.codeError = '';
    this.cancelError = '';
    this.qr.reset();
    this.lastReason = '';
    this.passkeyList.hide();
    this.servicesInUse = null;
    this.engine.setup({
      flow: this.flow,
      codeDigits: this.codeDigits,
      services: this.flowServices(),
      passkeys: this.passkeys ?? browserPasskeys,
      handoffPollMs: this.handoffPollMs,
      sessionPollMs: this.sessionPollMs,
    });
  }

  /** The I/O of the running flow, which the passkey list shares. */
  private flowServices(): SupportServices {
    this.servicesInUse ??= this.services ?? hostHttpServices(this);
    return this.servicesInUse;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const rebuild =
      changed.has('flow') ||
      changed.has('services') ||
      changed.has('passkeys') ||
      changed.has('apiBase') ||
      changed.has('codeDigits') ||
      changed.has('handoffPollMs') ||
      changed.has('sessionPollMs');
    if (this.isConnected && (!this.engine.isSetUp || rebuild)) {
      this.setup();
    }
  }

  protected override updated(): void {
    const s = this.engine.state;
    if (!s) return;
    const key = `${s.view}${s.codePhase === 'prompt' ? ':prompt' : ''}`;
    if (key !== this.stepKey) {
      const first = this.stepKey === '';
      this.stepKey = key;
      this.codeError = '';
      if (!first) this.focusHeading();
    }
  }

  private focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }

  private onTransition(prev: SupportFlowState | null, next: SupportFlowState): void {
    this.clock.sync();
    const sessionId = next.session?.id ?? null;
    // The WebAuthn library is fetched when a passkey view opens, before the agent's click.
    if (next.passkeyPhase && !this.passkeys) void loadWebAuthn().catch(() => undefined);
    if (prev?.view !== next.view) {
      if (this.passkeyList.open) this.passkeyList.hide();
      if (next.view === 'completed') this.emit('waizant-support-completed', { sessionId });
      else if (next.view === 'cancelled') {
        this.emit('waizant-support-cancelled', { sessionId, reason: this.lastReason });
      } else if (next.view === 'expired') this.emit('waizant-support-expired', { sessionId });
    }
    if (next.handoff && next.handoff.id !== prev?.handoff?.id) {
      const { destination, page, expiresAt } = next.handoff;
      this.emit('waizant-support-handoff', { destination, page, expiresAt });
    }
  }

  // ── handlers (called by Lit with the element as `this`) ──

  private onLookup(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#email');
    const value = input?.value ?? '';
    const { engine, api } = this.engine;
    // Commands wait for the statechart: until it runs, `allowed` is empty and nothing is sent.
    if (!engine || !api) return;
    if (!engine.Email.safeParse(value).success) {
      this.emailError = this.t('lookup.invalidEmail');
      input?.focus();
      return;
    }
    this.emailError = '';
    api.submitEmail(value.trim());
  }

  private onSubmitCode(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#code');
    const code = (input?.value ?? '').replace(/[\s-]+/g, '');
    const { engine, api, state: s } = this.engine;
    if (!engine || !api || !s) return;
    const digits = s.codeDigits;
    if (!engine.verificationCode(digits).safeParse(code).success) {
      this.codeError = this.t('code.invalidFormat', { digits });
      input?.focus();
      return;
    }
    this.codeError = '';
    if (input) input.value = '';
    api.submitCode(code);
  }

  private onEnrolPasskey(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#passkey-name');
    this.engine.api?.enrolPasskey(input?.value.trim().slice(0, 100) || undefined);
  }

  private onConfirmCancel(event: SubmitEvent): void {
    event.preventDefault();
    const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>('#cancel-reason');
    const { engine, api } = this.engine;
    if (!engine || !api) return;
    const parsed = engine.CancelReason.safeParse(textarea?.value ?? '');
    if (!parsed.success) {
      const code = parsed.error.issues[0]?.code;
      const values = { min: CANCEL_REASON_MIN, max: CANCEL_REASON_MAX };
      this.cancelError =
        code === 'too_small'
          ? this.t('cancel.tooShort', values)
          : code === 'too_big'
            ? this.t('cancel.tooLong', values)
            : this.t('cancel.badChars');
      textarea?.focus();
      return;
    }
    this.cancelError = '';
    this.lastReason = parsed.data;
    api.confirmCancel(parsed.data);
  }

  protected override render() {
    const s = this.engine.state;
    if (!s) return html`<div part="base"></div>`;
    const { t } = this;
    const ctx: ViewContext = {
      t,
      lang: this.i18n.lang,
      api: this.engine.api,
      now: this.clock.now,
      errors: { email: this.emailError, code: this.codeError, cancel: this.cancelError },
      qr: this.qr.dataUrl,
      lastReason: this.lastReason,
      on: this.on,
      passkeyList: this.passkeyList,
    };
    return html`
      <div part="base" class="base" lang=${ctx.lang}>
        <div part="header" class="header">
          <span class="eyebrow">${t(`flow.${s.flow}`)}</span>
          ${
            LIVE_VIEWS.has(s.view)
              ? html`<button
                  type="button"
                  class="danger"
                  part="cancel-button"
                  data-action="cancel"
                  ?disabled=${!s.allowed.has('requestCancel')}
                  @click=${() => ctx.api?.requestCancel()}
                >
                  ${t('common.cancel')}
                </button>`
              : nothing
          }
        </div>
        ${s.inactivityWarning && !s.cancelModal.open ? inactivityView(s, ctx) : nothing}
        <section part="step" class="step" aria-busy=${s.pending ? 'true' : 'false'}>${stepView(s, ctx)}</section>
        <p part="error" class="error" data-error aria-live="polite">${errorText(s, ctx)}</p>
        ${cancelDialogView(s, ctx)}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementEventMap {
    'waizant-support-completed': CustomEvent<WaizantSupportCompletedDetail>;
    'waizant-support-cancelled': CustomEvent<WaizantSupportCancelledDetail>;
    'waizant-support-expired': CustomEvent<WaizantSupportExpiredDetail>;
    'waizant-support-handoff': CustomEvent<WaizantSupportHandoffDetail>;
  }
}
