import {
  CANCEL_REASON_MAX,
  CANCEL_REASON_MIN,
  CODE_DIGITS_MAX,
  CODE_DIGITS_MIN,
  DEFAULT_CODE_DIGITS,
  type Destination,
  type DestinationPage,
  destinationPage,
  type Flow,
  idleSupportFlowState,
  type SupportFlow,
  type SupportFlowState,
  type SupportServices,
  selectableEcosystems,
} from '@waizant/support-core/ui';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { TokenProvider } from '../../http/client.js';
import { lazyHttpSupportServices } from '../../http/lazy.js';
import { LangController } from '../../i18n/controller.js';
import { formatDuration, formatWait } from '../../i18n/index.js';
import { supportFlowStyles } from './support-flow.styles.js';

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

const FLOWS: readonly Flow[] = ['technical-assistance', 'ecosystem-admin'];
const LIVE_VIEWS = new Set([
  'ecosystem',
  'agentCode',
  'userCode',
  'destinations',
  'handoffReady',
  'qr',
  'activity',
]);

type Engine = typeof import('./support-flow.engine.js');
let engine: Promise<Engine> | null = null;

/**
 * The statechart and validators, fetched once per page. A failed fetch is asked for again on
 * the next setup (browsers that keep a failed module answer from their module map until reload).
 */
function loadEngine(): Promise<Engine> {
  engine ??= import('./support-flow.engine.js').catch((error: unknown) => {
    engine = null;
    throw error;
  });
  return engine;
}

/** Dispatches a composed, bubbling event (kept outside the class so the manifest lists only real event names). */
function emit<T>(target: EventTarget, name: string, detail?: T): void {
  target.dispatchEvent(new CustomEvent<T | undefined>(name, { detail, bubbles: true, composed: true }));
}

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
export class WaizantSupportFlow extends LitElement {
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
  /** Digits of a verification code, as the server is configured (`codeDigits`, 6–10; default 6). */
  @property({ type: Number, attribute: 'code-digits' }) codeDigits = DEFAULT_CODE_DIGITS;
  /** How often (ms) a shown QR checks whether the phone claimed it. */
  @property({ type: Number, attribute: 'handoff-poll-ms' }) handoffPollMs = 2000;

  @state() private s: SupportFlowState | null = null;
  @state() private now = Date.now();
  @state() private emailError = '';
  @state() private codeError = '';
  @state() private cancelError = '';
  @state() private qrDataUrl: string | null = null;

  @query('dialog.cancel') private cancelDialog?: HTMLDialogElement;

  private readonly i18n = new LangController(this, () => this.lang);
  private api: SupportFlow | null = null;
  private engine: Engine | null = null;
  /** Settles once the flow of the current setup runs (or could not be loaded). */
  private starting: Promise<void> = Promise.resolve();
  /** True from `setup` to `teardown`, while the statechart may still be loading. */
  private isSetUp = false;
  /** Bumped on every setup and teardown, so a late engine never starts a stale flow. */
  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private stepKey = '';
  private lastReason = '';
  private qrFor: string | null = null;
  private returnFocus: HTMLElement | null = null;

  /**
   * Fetches the statechart chunk, once per page. A subclass may load it another way (the
   * tests simulate a failed fetch here).
   */
  protected static loadEngine(): Promise<Engine> {
    return loadEngine();
  }

  /** The facade's current state (read-only), e.g. for a host's diagnostics. */
  get state(): SupportFlowState | null {
    return this.s;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Disconnecting stopped the flow; back in the page (moved, re-rendered by a host), a new
    // request starts, as an update sets one up whenever none is.
    if (!this.isSetUp) this.requestUpdate();
    this.ticker = setInterval(() => {
      if (this.hasCountdown()) this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.teardown();
  }

  /** Starts over with a new, empty support request (what **New support request** does). */
  restart(): void {
    this.teardown();
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
    await this.starting;
    return super.getUpdateComplete();
  }

  private teardown(): void {
    this.generation++;
    this.isSetUp = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.api?.stop();
    this.api = null;
  }

  /**
   * Paints the flow's first view at once, then loads the statechart; until it runs, the view
   * allows nothing. The HTTP client is loaded on the first request, and only without `services`.
   */
  private setup(): void {
    const generation = ++this.generation;
    this.isSetUp = true;
    const flow = FLOWS.includes(this.flow) ? this.flow : 'technical-assistance';
    const digits = this.codeDigits;
    const codeDigits =
      Number.isInteger(digits) && digits >= CODE_DIGITS_MIN && digits <= CODE_DIGITS_MAX
        ? digits
        : DEFAULT_CODE_DIGITS;
    const services =
      this.services ??
      lazyHttpSupportServices({
        apiBase: this.apiBase ?? '',
        getToken: () => (this.tokenProvider ? this.tokenProvider() : this.token),
      });
    this.s = idleSupportFlowState(flow, codeDigits);
    this.emailError = '';
    this.codeError = '';
    this.cancelError = '';
    this.qrDataUrl = null;
    this.qrFor = null;
    this.lastReason = '';
    this.starting = (this.constructor as typeof WaizantSupportFlow).loadEngine().then(
      (loaded) => {
        if (generation !== this.generation) return;
        this.engine = loaded;
        this.start(
          loaded.createSupportFlow({ flow, services, codeDigits, handoffPollMs: this.handoffPollMs }),
        );
      },
      () => {
        if (generation !== this.generation) return;
        const message = 'The support flow could not be loaded.';
        this.s = {
          ...idleSupportFlowState(flow, codeDigits),
          view: 'failed',
          pending: false,
          error: { code: 'upstream_unavailable', message },
        };
      },
    );
  }

  private start(api: SupportFlow): void {
    this.api = api;
    this.unsubscribe = api.subscribe((next) => {
      const prev = this.s;
      this.s = next;
      this.now = Date.now();
      this.onTransition(prev, next);
    });
    api.start();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const rebuild =
      changed.has('flow') ||
      changed.has('services') ||
      changed.has('apiBase') ||
      changed.has('codeDigits') ||
      changed.has('handoffPollMs');
    if (this.isConnected && (!this.isSetUp || rebuild)) {
      this.teardown();
      this.setup();
    }
  }

  protected override updated(): void {
    const s = this.s;
    if (!s) return;
    const key = this.currentStepKey(s);
    if (key !== this.stepKey) {
      const first = this.stepKey === '';
      this.stepKey = key;
      this.codeError = '';
      if (!first) this.focusHeading();
    }
    this.syncCancelDialog(s);
    if (s.view === 'qr' && s.qrPhase === 'waiting' && s.handoff && s.handoff.link !== this.qrFor) {
      void this.renderQr(s.handoff.link);
    }
  }

  private currentStepKey(s: SupportFlowState): string {
    const prompt = s.codePhase === 'prompt' ? ':prompt' : '';
    return `${s.view}${prompt}`;
  }

  private focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }

  private hasCountdown(): boolean {
    const s = this.s;
    if (!s) return false;
    return s.inactivityWarning || s.codePhase === 'awaiting' || s.view === 'qr' || s.view === 'handoffReady';
  }

  private onTransition(prev: SupportFlowState | null, next: SupportFlowState): void {
    const sessionId = next.session?.id ?? null;
    if (prev?.view !== next.view) {
      if (next.view === 'completed') {
        emit<WaizantSupportCompletedDetail>(this, 'waizant-support-completed', { sessionId });
      } else if (next.view === 'cancelled') {
        emit<WaizantSupportCancelledDetail>(this, 'waizant-support-cancelled', {
          sessionId,
          reason: this.lastReason,
        });
      } else if (next.view === 'expired') {
        emit<WaizantSupportExpiredDetail>(this, 'waizant-support-expired', { sessionId });
      }
    }
    if (next.handoff && next.handoff.id !== prev?.handoff?.id) {
      const { destination, page, expiresAt } = next.handoff;
      emit<WaizantSupportHandoffDetail>(this, 'waizant-support-handoff', { destination, page, expiresAt });
    }
  }

  private async renderQr(link: string): Promise<void> {
    this.qrFor = link;
    this.qrDataUrl = null;
    // Loaded only here: hosts that never show a QR never download it. It is CommonJS, so
    // bundlers expose it either as named exports or as a default export.
    const mod: typeof import('qrcode') & { default?: typeof import('qrcode') } = await import('qrcode');
    const toDataURL = mod.default?.toDataURL ?? mod.toDataURL;
    const url = await toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
    if (this.qrFor === link) this.qrDataUrl = url;
  }

  private syncCancelDialog(s: SupportFlowState): void {
    const dialog = this.cancelDialog;
    if (!dialog) return;
    if (s.cancelModal.open && !dialog.open) {
      const active = this.shadowRoot?.activeElement;
      this.returnFocus = active instanceof HTMLElement ? active : null;
      const reason = dialog.querySelector<HTMLTextAreaElement>('#cancel-reason');
      if (reason) reason.value = '';
      this.cancelError = '';
      dialog.showModal();
      reason?.focus();
    } else if (!s.cancelModal.open && dialog.open) {
      dialog.close();
      const back = this.returnFocus;
      this.returnFocus = null;
      if (back?.isConnected) back.focus();
      else this.focusHeading();
    }
  }

  // ── handlers ──

  private onLookup(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#email');
    const value = input?.value ?? '';
    // Commands wait for the statechart: until it runs, `allowed` is empty and nothing is sent.
    if (!this.engine || !this.api) return;
    if (!this.engine.Email.safeParse(value).success) {
      this.emailError = this.i18n.t('lookup.invalidEmail');
      input?.focus();
      return;
    }
    this.emailError = '';
    this.api.submitEmail(value.trim());
  }

  private onSelectEcosystem(event: SubmitEvent): void {
    event.preventDefault();
    const select = this.renderRoot.querySelector<HTMLSelectElement>('#ecosystem');
    if (!select?.value) return;
    this.api?.selectEcosystem(select.value);
  }

  private onCodeInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    const cleaned = input.value.replace(/[\s-]+/g, '');
    if (cleaned !== input.value) input.value = cleaned;
  }

  private onSubmitCode(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#code');
    const code = (input?.value ?? '').replace(/[\s-]+/g, '');
    if (!this.engine || !this.api || !this.s) return;
    const digits = this.s.codeDigits;
    if (!this.engine.verificationCode(digits).safeParse(code).success) {
      this.codeError = this.i18n.t('code.invalidFormat', { digits });
      input?.focus();
      return;
    }
    this.codeError = '';
    if (input) input.value = '';
    this.api.submitCode(code);
  }

  private onConfirmCancel(event: SubmitEvent): void {
    event.preventDefault();
    const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>('#cancel-reason');
    const reason = textarea?.value ?? '';
    if (!this.engine || !this.api) return;
    const parsed = this.engine.CancelReason.safeParse(reason);
    if (!parsed.success) {
      const code = parsed.error.issues[0]?.code;
      const values = { min: CANCEL_REASON_MIN, max: CANCEL_REASON_MAX };
      this.cancelError =
        code === 'too_small'
          ? this.i18n.t('cancel.tooShort', values)
          : code === 'too_big'
            ? this.i18n.t('cancel.tooLong', values)
            : this.i18n.t('cancel.badChars');
      textarea?.focus();
      return;
    }
    this.cancelError = '';
    this.lastReason = parsed.data;
    this.api.confirmCancel(parsed.data);
  }

  private onCancelDialogEscape(event: Event): void {
    event.preventDefault();
    if (this.s?.allowed.has('dismissCancel')) this.api?.dismissCancel();
  }

  // ── rendering ──

  protected override render() {
    const s = this.s;
    const t = this.i18n.t.bind(this.i18n);
    if (!s) return html`<div part="base"></div>`;
    const live = LIVE_VIEWS.has(s.view);
    return html`
      <div part="base" class="base" lang=${this.i18n.lang}>
        <div part="header" class="header">
          <span class="eyebrow">${t(`flow.${s.flow}`)}</span>
          ${
            live
              ? html`<button
                  type="button"
                  class="danger"
                  part="cancel-button"
                  data-action="cancel"
                  ?disabled=${!s.allowed.has('requestCancel')}
                  @click=${() => this.api?.requestCancel()}
                >
                  ${t('common.cancel')}
                </button>`
              : nothing
          }
        </div>
        ${s.inactivityWarning && !s.cancelModal.open ? this.renderInactivity(s) : nothing}
        <section part="step" class="step" aria-busy=${s.pending ? 'true' : 'false'}>${this.renderStep(s)}</section>
        <p part="error" class="error" data-error aria-live="polite">${this.errorText(s)}</p>
        ${this.renderCancelDialog(s)}
      </div>
    `;
  }

  private errorText(s: SupportFlowState): string {
    const t = this.i18n.t.bind(this.i18n);
    if (!s.error || s.view === 'lockedOut' || s.view === 'expired' || s.view === 'ineligible') return '';
    const code = s.error.code;
    const wait = s.error.retryAfterSeconds;
    // Say how long (the server's retryAfterSeconds): "wait a moment" must not stand for 49 minutes.
    if ((code === 'rate_limited' || code === 'resend_too_soon') && wait !== undefined && wait > 0) {
      return t(`error.${code}.wait`, { time: formatWait(wait, this.i18n.lang) });
    }
    const base = t(`error.${code}`);
    if (s.error.code === 'code_invalid' && s.error.attemptsLeft !== undefined) {
      return `${base} ${t('code.attemptsLeft', { count: s.error.attemptsLeft })}`;
    }
    return base;
  }

  private heading(text: string): TemplateResult {
    return html`<h2 part="heading" tabindex="-1" data-step-heading>${text}</h2>`;
  }

  private renderStep(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    switch (s.view) {
      case 'lookup':
        return this.renderLookup(s);
      case 'ecosystem':
        return this.renderEcosystem(s);
      case 'agentCode':
      case 'userCode':
        return this.renderCode(s);
      case 'destinations':
        return this.renderDestinations(s);
      case 'handoffReady':
        return this.renderHandoff(s);
      case 'qr':
        return this.renderQrView(s);
      case 'activity':
        return this.renderActivity(s);
      case 'expired':
      case 'cancelled':
      case 'lockedOut':
      case 'failed':
      case 'completed':
      case 'ineligible':
        return this.renderFinal(s);
      default:
        return html`${this.heading(t('common.pleaseWait'))}`;
    }
  }

  private renderLookup(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const searching = s.lookupPhase === 'searching';
    return html`
      ${this.heading(t('lookup.heading'))}
      <form @submit=${this.onLookup} novalidate>
        <div class="field">
          <label for="email">${t('lookup.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="off"
            spellcheck="false"
            required
            maxlength="254"
            aria-invalid=${this.emailError ? 'true' : 'false'}
            aria-describedby="email-error"
          />
          <p id="email-error" class="error" aria-live="polite">${this.emailError}</p>
        </div>
        <button
          type="submit"
          class="primary"
          data-action="search"
          ?disabled=${searching || !s.allowed.has('submitEmail')}
        >
          ${t('lookup.search')}
        </button>
      </form>
      <div class="result" aria-live="polite">
        ${searching ? html`<p class="muted">${t('lookup.searching')}</p>` : nothing}
        ${
          s.lookupPhase === 'notFound'
            ? html`<p data-not-found>${t('lookup.notFound', { email: s.email ?? '' })}</p>`
            : nothing
        }
        ${s.lookupPhase === 'found' && s.lookup?.found ? this.renderStatusCard(s) : nothing}
      </div>
    `;
  }

  private renderStatusCard(s: SupportFlowState): TemplateResult | typeof nothing {
    const t = this.i18n.t.bind(this.i18n);
    const lookup = s.lookup;
    if (!lookup?.found) return nothing;
    const { user } = lookup;
    return html`
      <article part="status-card" class="card" aria-labelledby="user-name">
        <h3 id="user-name" data-user-name>${user.name}</h3>
        <dl class="facts">
          <dt>${t('activity.email')}</dt>
          <dd>${user.email}</dd>
          <dt>${t('lookup.status')}</dt>
          <dd data-status=${user.status}>${t(`status.${user.status}`)}</dd>
          <dt>${t('lookup.ecosystems')}</dt>
          <dd>
            ${
              user.ecosystems.length
                ? html`<ul class="ecosystems">
                    ${user.ecosystems.map(
                      (e) =>
                        html`<li>
                          <span>${e.name}</span> · <span>${t(`role.${e.role}`)}</span>${
                            e.inherited ? html` · <em>${t('lookup.inherited')}</em>` : nothing
                          }
                        </li>`,
                    )}
                  </ul>`
                : t('lookup.noEcosystems')
            }
          </dd>
        </dl>
        ${
          !lookup.eligible && lookup.ineligibleReason
            ? html`<p class="error" data-ineligible>
                ${t('lookup.notEligible', { reason: t(`ineligible.${lookup.ineligibleReason}`) })}
              </p>`
            : nothing
        }
        <button
          type="button"
          class="primary"
          data-action="start"
          ?disabled=${!s.allowed.has('startVerification')}
          @click=${() => this.api?.startVerification()}
        >
          ${t('lookup.start')}
        </button>
      </article>
    `;
  }

  private renderEcosystem(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const choices = selectableEcosystems(s.flow, s.session?.ecosystems ?? []);
    const admin = s.flow === 'ecosystem-admin';
    return html`
      ${this.heading(admin ? t('agentCode.heading') : t('ecosystem.heading'))}
      <form @submit=${this.onSelectEcosystem}>
        <div class="field">
          <label for="ecosystem">${t('ecosystem.label')}</label>
          <select id="ecosystem" part="ecosystem-select" required ?disabled=${s.pending}>
            ${choices.map((e) => html`<option value=${e.id}>${e.name} · ${t(`role.${e.role}`)}</option>`)}
          </select>
        </div>
        <button
          type="submit"
          class="primary"
          data-action="select-ecosystem"
          ?disabled=${s.pending || !s.allowed.has('selectEcosystem')}
        >
          ${admin ? t('ecosystem.sendCode') : t('ecosystem.continue')}
        </button>
      </form>
    `;
  }

  private countdown(
    deadline: number | null,
    key: 'code.resendIn' | 'code.expiresIn' | 'handoff.expiresIn' | 'qr.expiresIn',
  ) {
    if (deadline === null) return nothing;
    return html`<p part="countdown" class="muted countdown" data-countdown=${key} aria-live="polite">
      ${this.i18n.t(key, { time: formatDuration(deadline - this.now) })}
    </p>`;
  }

  private renderCode(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const agent = s.view === 'agentCode';
    const name = s.session?.user.name ?? '';
    const heading = this.heading(agent ? t('agentCode.heading') : t('userCode.heading'));
    if (s.codePhase === 'prompt' || s.codePhase === 'sending' || !s.session?.code) {
      return html`
        ${heading}
        <p data-prompt>${agent ? t('agentCode.prompt') : t('userCode.prompt', { name })}</p>
        ${
          s.codePhase === 'sending'
            ? html`<p class="muted" aria-live="polite">${t('code.sending')}</p>`
            : html`<button
                type="button"
                class="primary"
                data-action="send-code"
                ?disabled=${!s.allowed.has('sendCode')}
                @click=${() => this.api?.sendCode()}
              >
                ${agent ? t('agentCode.send') : t('userCode.send')}
              </button>`
        }
      `;
    }
    const code = s.session.code;
    const resendAt = s.deadlines.resendAvailableAt;
    const coolingDown = resendAt !== null && resendAt > this.now;
    const checking = s.codePhase === 'checking';
    return html`
      ${heading}
      <p data-sent-to>
        ${agent ? t('agentCode.sentTo', { sentTo: code.sentTo }) : t('userCode.sentTo', { name, sentTo: code.sentTo })}
      </p>
      <form @submit=${this.onSubmitCode} novalidate>
        <div class="field">
          <label for="code">${t('code.label')}</label>
          <input
            id="code"
            name="code"
            part="code-input"
            class="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]*"
            spellcheck="false"
            aria-invalid=${this.codeError ? 'true' : 'false'}
            aria-describedby="code-error code-attempts"
            ?disabled=${checking}
            @input=${this.onCodeInput}
          />
          <p id="code-error" class="error" aria-live="polite">${this.codeError}</p>
          <p id="code-attempts" class="muted" data-attempts aria-live="polite">
            ${t('code.attemptsLeft', { count: code.attemptsLeft })}
          </p>
        </div>
        <button type="submit" class="primary" data-action="verify" ?disabled=${checking}>
          ${checking ? t('code.checking') : t('code.verify')}
        </button>
      </form>
      ${this.countdown(s.deadlines.codeExpiresAt, 'code.expiresIn')}
      <div class="resend">
        ${
          code.resendsLeft > 0
            ? html`<button
                  type="button"
                  data-action="resend"
                  ?disabled=${!s.allowed.has('resendCode')}
                  @click=${() => this.api?.resendCode()}
                >
                  ${t('code.resend')}
                </button>
                ${coolingDown ? this.countdown(resendAt, 'code.resendIn') : nothing}
                <span class="muted" data-resends>${t('code.resendsLeft', { count: code.resendsLeft })}</span>`
            : html`<span class="muted" data-resends>${t('code.noResends')}</span>`
        }
      </div>
    `;
  }

  private renderDestinations(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const session = s.session;
    const role = session?.role ?? null;
    const ecosystem = session?.ecosystems.find((e) => e.id === session.ecosystemId);
    return html`
      ${this.heading(t('destinations.heading'))}
      ${
        session && role
          ? html`<p>
              ${t('destinations.intro', {
                name: session.user.name,
                role: t(`role.${role}`),
                ecosystem: ecosystem?.name ?? '',
              })}
            </p>`
          : nothing
      }
      <div part="destinations" class="destinations">
        ${(session?.destinations ?? []).map(
          (d) => html`<button
            type="button"
            class="destination"
            part="destination"
            data-destination=${d}
            ?disabled=${s.pending || !s.allowed.has('openDestination')}
            @click=${() => this.api?.openDestination(d)}
          >
            <strong>${t(`destination.${d}`)}</strong>
            ${role ? html`<small>${t(`page.${destinationPage(role, d)}`)}</small>` : nothing}
          </button>`,
        )}
      </div>
      <div class="actions">
        <button type="button" data-action="finish" ?disabled=${!s.allowed.has('finish')} @click=${() => this.api?.finish()}>
          ${t('common.finish')}
        </button>
      </div>
    `;
  }

  private renderHandoff(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const handoff = s.handoff;
    const expired = s.deadlines.handoffExpiresAt !== null && s.deadlines.handoffExpiresAt <= this.now;
    return html`
      ${this.heading(t('handoff.heading'))}
      ${
        handoff && !expired
          ? html`<p>
                <a
                  class="button primary"
                  part="handoff-link"
                  href=${handoff.link}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-handoff-link
                  >${t('handoff.open', { destination: t(`destination.${handoff.destination}`) })}</a
                >
              </p>
              <p class="muted">${t('handoff.hint')}</p>
              ${this.countdown(s.deadlines.handoffExpiresAt, 'handoff.expiresIn')}`
          : html`<p class="error">${t('handoff.expired')}</p>`
      }
      <div class="actions">
        <button type="button" data-action="back" @click=${() => this.api?.back()}>${t('common.back')}</button>
        <button type="button" data-action="finish" ?disabled=${!s.allowed.has('finish')} @click=${() => this.api?.finish()}>
          ${t('common.finish')}
        </button>
      </div>
    `;
  }

  private renderQrView(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    return html`
      ${this.heading(t('qr.heading'))}
      ${
        s.qrPhase === 'claimed'
          ? html`<p class="success" data-qr-claimed aria-live="polite">${t('qr.claimed')}</p>`
          : s.qrPhase === 'expired'
            ? html`<p class="error" data-qr-expired aria-live="polite">${t('qr.expired')}</p>`
            : html`<p>${t('qr.hint')}</p>
                <div class="qr-box">
                  ${
                    this.qrDataUrl
                      ? html`<img part="qr" class="qr" src=${this.qrDataUrl} alt=${t('qr.alt')} />`
                      : html`<p class="muted">${t('common.pleaseWait')}</p>`
                  }
                </div>
                ${this.countdown(s.deadlines.handoffExpiresAt, 'qr.expiresIn')}`
      }
      <div class="actions">
        ${
          s.qrPhase !== 'claimed'
            ? html`<button
                type="button"
                data-action="regenerate"
                ?disabled=${!s.allowed.has('regenerateQr')}
                @click=${() => this.api?.regenerateQr()}
              >
                ${t('qr.regenerate')}
              </button>`
            : nothing
        }
        <button type="button" data-action="back" @click=${() => this.api?.back()}>${t('common.back')}</button>
        <button type="button" data-action="finish" ?disabled=${!s.allowed.has('finish')} @click=${() => this.api?.finish()}>
          ${t('common.finish')}
        </button>
      </div>
    `;
  }

  private renderActivity(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const session = s.session;
    return html`
      ${this.heading(t('activity.heading'))}
      <successor-activity
        part="activity"
        controlled
        lang=${this.i18n.lang}
        .userName=${session?.user.name ?? ''}
        .email=${session?.user.email ?? ''}
        .ecosystems=${session?.ecosystems ?? []}
        .ecosystemId=${s.processes.ecosystemId ?? session?.ecosystemId ?? null}
        .processes=${s.processes.items}
        .total=${s.processes.total}
        .hasMore=${s.processes.hasMore}
        .phase=${s.activityPhase ?? (s.processDetailOpen ? 'ready' : 'loading')}
        .detail=${s.processDetail}
        .detailOpen=${s.processDetailOpen}
        @successor-activity-ecosystem-change=${(e: CustomEvent<{ ecosystemId: string }>) =>
          this.api?.switchEcosystem(e.detail.ecosystemId)}
        @successor-activity-load-more=${() => {
          if (this.s?.allowed.has('loadMoreProcesses')) this.api?.loadMoreProcesses();
        }}
        @successor-activity-open-process=${(e: CustomEvent<{ processId: string }>) =>
          this.api?.openProcess(e.detail.processId)}
        @successor-activity-close-process=${() => this.api?.closeProcess()}
        @successor-activity-retry=${() => this.api?.retry()}
      ></successor-activity>
      <div class="actions">
        <button type="button" data-action="finish" ?disabled=${!s.allowed.has('finish')} @click=${() => this.api?.finish()}>
          ${t('common.finish')}
        </button>
      </div>
    `;
  }

  private renderFinal(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const view = s.view as 'expired' | 'cancelled' | 'lockedOut' | 'failed' | 'completed' | 'ineligible';
    const reason = s.error?.ineligibleReason;
    const text =
      view !== 'ineligible'
        ? t(`final.${view}`)
        : reason
          ? t('final.ineligible', { reason: t(`ineligible.${reason}`) })
          : t('final.ineligible.noReason');
    return html`
      <div class="final ${view}" data-final=${view}>
        ${this.heading(t(`final.${view}.heading`))}
        <p>${text}</p>
        ${
          view === 'cancelled' && this.lastReason
            ? html`<p data-cancel-reason><strong>${t('cancel.reason')}:</strong> ${this.lastReason}</p>`
            : nothing
        }
        <button type="button" class="primary" data-action="new-request" @click=${() => this.restart()}>
          ${t('common.newRequest')}
        </button>
      </div>
    `;
  }

  private renderInactivity(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const at = s.deadlines.sessionExpiresAt;
    return html`<div part="inactivity" class="inactivity" data-inactivity>
      <p aria-live="polite">${t('idle.warning', { time: formatDuration((at ?? this.now) - this.now) })}</p>
      <button
        type="button"
        class="primary"
        data-action="still-here"
        ?disabled=${!s.allowed.has('stillHere')}
        @click=${() => this.api?.stillHere()}
      >
        ${t('idle.stillHere')}
      </button>
    </div>`;
  }

  private renderCancelDialog(s: SupportFlowState): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const submitting = s.cancelModal.submitting;
    return html`
      <dialog
        class="cancel"
        part="cancel-dialog"
        aria-labelledby="cancel-heading"
        @cancel=${this.onCancelDialogEscape}
      >
        ${s.inactivityWarning && s.cancelModal.open ? this.renderInactivity(s) : nothing}
        <form @submit=${this.onConfirmCancel} novalidate>
          <h2 id="cancel-heading">${t('cancel.heading')}</h2>
          <div class="field">
            <label for="cancel-reason">${t('cancel.reason')}</label>
            <textarea
              id="cancel-reason"
              name="reason"
              required
              aria-invalid=${this.cancelError ? 'true' : 'false'}
              aria-describedby="cancel-hint cancel-error"
              ?disabled=${submitting}
            ></textarea>
            <p id="cancel-hint" class="muted">
              ${t('cancel.hint', { min: CANCEL_REASON_MIN, max: CANCEL_REASON_MAX })}
            </p>
            <p id="cancel-error" class="error" aria-live="polite">${this.cancelError}</p>
          </div>
          <div class="actions">
            <button
              type="button"
              data-action="dismiss-cancel"
              ?disabled=${submitting}
              @click=${() => this.api?.dismissCancel()}
            >
              ${t('cancel.dismiss')}
            </button>
            <button type="submit" class="primary danger-fill" data-action="confirm-cancel" ?disabled=${submitting}>
              ${t('cancel.ok')}
            </button>
          </div>
        </form>
      </dialog>
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
