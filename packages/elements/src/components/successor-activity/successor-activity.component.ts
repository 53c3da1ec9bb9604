import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import {
  type EcosystemMembership,
  type ErrorCode,
  isSupportError,
  type ProcessDetail,
  type ProcessSummary,
  type SupportServices,
} from '@waizant/support-core/ui';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WaizantElement } from '../../base-element.js';
import { ModalController } from '../../controllers/modal.js';
import {
  loadVirtualizer,
  type VirtualizerChunk,
  VirtualListController,
} from '../../controllers/virtual-list.js';
import type { TokenProvider } from '../../http/client.js';
import { hostHttpServices } from '../../http/lazy.js';
import { successorActivityStyles } from './successor-activity.styles.js';
import {
  type ActivityContext,
  countText,
  detailView,
  fieldsView,
  rowView,
} from './successor-activity.views.js';

export type ActivityPhase = 'loading' | 'ready' | 'loadingMore' | 'loadFailed';

export interface ActivityEcosystemChangeDetail {
  readonly ecosystemId: string;
}
export interface ActivityProcessDetail {
  readonly processId: string;
}

/** How close (in rows) to the end of the loaded rows the next page is asked for. */
const PREFETCH_ROWS = 20;
/**
 * Plain rows painted while the virtualizer loads: more than a list of default height shows
 * (24rem of 3rem rows), few enough to render at once.
 */
const FIRST_ROWS = 40;

/**
 * The successor's activity: who they are, the ecosystem, their role in it, and their
 * succession processes (paginated from the server and virtualized, so long lists scroll
 * smoothly), each with **See details** opening a modal.
 *
 * Two ways to use it:
 * - **standalone**: set `services` (or `api-base` and `token` / `tokenProvider`) and
 *   `session-id` of a verified Ecosystem Admin session; it loads everything itself.
 * - **controlled** (`controlled` attribute; what `<waizant-support-flow>` does): the parent
 *   feeds `processes`, `total`, `has-more`, `phase` and `detail`, and answers the events.
 *
 * @summary Successor activity: fields and a virtualized process list with a detail modal.
 *
 * @event {CustomEvent<ActivityEcosystemChangeDetail>} successor-activity-ecosystem-change - The agent chose another ecosystem.
 * @event {CustomEvent<void>} successor-activity-load-more - The list scrolled near its end and more rows exist.
 * @event {CustomEvent<ActivityProcessDetail>} successor-activity-open-process - **See details** was pressed.
 * @event {CustomEvent<void>} successor-activity-close-process - The detail modal was closed.
 * @event {CustomEvent<void>} successor-activity-retry - The agent asked to load the list again.
 *
 * @csspart base - The wrapper of the whole view.
 * @csspart fields - The User / Email / Ecosystem / User Role list.
 * @csspart ecosystem-select - The ecosystem selector (shown when there are several).
 * @csspart list - The scrolling process list.
 * @csspart row - One process row.
 * @csspart status - The status badge of a row.
 * @csspart details-button - The **See details** button of a row.
 * @csspart dialog - The process detail modal.
 *
 * @cssprop --waizant-activity-list-height - Height of the process list (default 24rem).
 * @cssprop --waizant-activity-row-height - Minimum height of a process row (default 3rem).
 * @cssprop --waizant-color-text - Text colour.
 * @cssprop --waizant-color-text-muted - Secondary text colour.
 * @cssprop --waizant-color-surface - Background.
 * @cssprop --waizant-color-surface-alt - Background of buttons and badges.
 * @cssprop --waizant-color-border - Borders.
 * @cssprop --waizant-color-accent - Primary buttons and focus ring.
 * @cssprop --waizant-color-on-accent - Text on the accent colour.
 * @cssprop --waizant-color-danger - Errors and rejected status.
 * @cssprop --waizant-color-success - Approved status.
 * @cssprop --waizant-radius - Corner radius.
 * @cssprop --waizant-spacing - Base spacing.
 * @cssprop --waizant-font-family - Font family.
 * @cssprop --waizant-font-size - Base font size.
 * @cssprop --waizant-focus-ring - Box-shadow of focused controls.
 */
export class SuccessorActivity extends WaizantElement {
  static override styles = successorActivityStyles;

  /** I/O to use in standalone mode; overrides `api-base`. */
  @property({ attribute: false }) services: SupportServices | null = null;
  /** Base URL of the server adapter's API (standalone mode). */
  @property({ attribute: 'api-base' }) apiBase: string | null = null;
  /** The agent's bearer token (standalone mode with `api-base`). */
  @property({ attribute: false }) token: string | null = null;
  /** Returns a fresh bearer token per request; preferred over `token`. */
  @property({ attribute: false }) tokenProvider: TokenProvider | null = null;
  /** A verified Ecosystem Admin support session. */
  @property({ attribute: 'session-id' }) sessionId: string | null = null;
  /** Fed by the parent instead of loading (what `<waizant-support-flow>` uses). */
  @property({ type: Boolean, reflect: true }) controlled = false;
  /** UI language: `en` (default) or `es`. */
  @property({ reflect: true }) override lang = 'en';

  /** The successor's name. */
  @property({ attribute: 'user-name' }) userName = '';
  /** The successor's email. */
  @property() email = '';
  /** The successor's ecosystems (with role); the selector lists the inherited ones. */
  @property({ attribute: false }) ecosystems: readonly EcosystemMembership[] = [];
  /** The ecosystem whose processes are shown. */
  @property({ attribute: 'ecosystem-id' }) ecosystemId: string | null = null;

  /** Loaded rows. */
  @property({ attribute: false }) processes: readonly ProcessSummary[] = [];
  /** How many processes the server has for the ecosystem. */
  @property({ type: Number }) total = 0;
  /** Whether the server has more rows after the loaded ones. */
  @property({ type: Boolean, attribute: 'has-more' }) hasMore = false;
  @property() phase: ActivityPhase = 'ready';
  /** The process shown in the modal (null while it loads). */
  @property({ attribute: false }) detail: ProcessDetail | null = null;
  /** Whether the detail modal is open. */
  @property({ type: Boolean, attribute: 'detail-open' }) detailOpen = false;
  /** An error code to show (localized). */
  @property({ attribute: 'error-code' }) errorCode: ErrorCode | null = null;

  @state() private cursor: string | null = null;

  private loadKey: string | null = null;
  private abort: AbortController | null = null;
  private ownServices: SupportServices | null = null;
  private readonly virtualList = new VirtualListController(
    this,
    () => (this.constructor as typeof SuccessorActivity).loadVirtualizer(),
    () => this.renderRoot.querySelector<HTMLElement>('.list'),
    () => {
      // The chunk could not be fetched (network); the plain rows stay, the next update asks again.
      if (this.processes.length) this.errorCode = 'upstream_unavailable';
    },
  );

  constructor() {
    super();
    new ModalController(this, () => this.detailOpen);
  }

  /**
   * Fetches the list virtualizer, once per page. A subclass may load it another way (the tests
   * hold it back here).
   */
  protected static loadVirtualizer(): Promise<VirtualizerChunk> {
    return loadVirtualizer();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The first page is asked for now, beside the virtualizer, not after a first render.
    // Disconnecting aborted any load; back in the page it loads again (standalone).
    if (this.loadKey === null) {
      if (this.standalone) this.loadFor(this.currentKey());
      else this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    this.abort = null;
    this.loadKey = null;
  }

  /** Standalone mode is on when the element has a session and a way to reach the server. */
  private get standalone(): boolean {
    return !this.controlled && !!this.sessionId && (!!this.services || !!this.apiBase);
  }

  private io(): SupportServices {
    if (this.services) return this.services;
    this.ownServices ??= hostHttpServices(this);
    return this.ownServices;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('services')) this.ownServices = null;
    if (this.processes.length) this.virtualList.request();
  }

  private currentKey(): string {
    return `${this.sessionId}|${this.ecosystemId ?? ''}`;
  }

  private loadFor(key: string): void {
    this.loadKey = key;
    void this.loadFirst();
  }

  protected override updated(): void {
    if (!this.standalone) return;
    const key = this.currentKey();
    if (key !== this.loadKey) this.loadFor(key);
  }

  private fail(error: unknown): void {
    this.errorCode = isSupportError(error) ? error.code : 'upstream_unavailable';
  }

  private async loadFirst(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const sessionId = this.sessionId ?? '';
    this.phase = 'loading';
    this.errorCode = null;
    this.processes = [];
    this.total = 0;
    this.hasMore = false;
    try {
      if (!this.ecosystems.length || !this.ecosystemId) {
        const session = await this.io().getSession(sessionId, { signal: abort.signal });
        if (abort.signal.aborted) return;
        if (!this.userName) this.userName = session.user.name;
        if (!this.email) this.email = session.user.email;
        if (!this.ecosystems.length) this.ecosystems = session.ecosystems;
        if (!this.ecosystemId) {
          this.ecosystemId = session.ecosystemId;
          this.loadKey = `${this.sessionId}|${this.ecosystemId ?? ''}`;
        }
      }
      const page = await this.io().listProcesses(
        sessionId,
        this.ecosystemId ? { ecosystemId: this.ecosystemId } : {},
        { signal: abort.signal },
      );
      if (abort.signal.aborted) return;
      this.processes = page.items;
      this.total = page.total;
      this.cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== null;
      this.phase = 'ready';
    } catch (error) {
      if (abort.signal.aborted) return;
      this.fail(error);
      this.phase = 'loadFailed';
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.cursor || this.phase !== 'ready') return;
    const abort = this.abort ?? new AbortController();
    this.phase = 'loadingMore';
    try {
      const page = await this.io().listProcesses(
        this.sessionId ?? '',
        { ...(this.ecosystemId ? { ecosystemId: this.ecosystemId } : {}), cursor: this.cursor },
        { signal: abort.signal },
      );
      if (abort.signal.aborted) return;
      this.processes = [...this.processes, ...page.items];
      this.total = page.total;
      this.cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== null;
    } catch (error) {
      if (abort.signal.aborted) return;
      this.fail(error);
    }
    this.phase = 'ready';
  }

  private async loadDetail(processId: string): Promise<void> {
    this.detail = null;
    this.detailOpen = true;
    try {
      this.detail = await this.io().getProcess(this.sessionId ?? '', processId, {
        signal: (this.abort ?? new AbortController()).signal,
      });
    } catch (error) {
      this.fail(error);
      this.detailOpen = false;
    }
  }

  private onEcosystemChange(event: Event): void {
    const ecosystemId = (event.target as HTMLSelectElement).value;
    this.emit('successor-activity-ecosystem-change', { ecosystemId });
    if (this.standalone) this.ecosystemId = ecosystemId;
  }

  private onRangeChanged(event: RangeChangedEvent): void {
    if (!this.hasMore || this.phase !== 'ready') return;
    if (event.last < this.processes.length - PREFETCH_ROWS) return;
    this.emit('successor-activity-load-more');
    if (this.standalone) void this.loadMore();
  }

  private openProcess(processId: string): void {
    this.emit('successor-activity-open-process', { processId });
    if (this.standalone) void this.loadDetail(processId);
  }

  private closeProcess(): void {
    this.emit('successor-activity-close-process');
    if (this.standalone) {
      this.detailOpen = false;
      this.detail = null;
    }
  }

  private retry(): void {
    this.emit('successor-activity-retry');
    if (this.standalone) void this.loadFirst();
  }

  protected override render() {
    const { t } = this;
    const ctx: ActivityContext = { t, lang: this.i18n.lang };
    const chunk = this.virtualList.chunk;
    const row = (p: ProcessSummary, index: number) =>
      rowView(p, index, this.total, ctx, (id) => this.openProcess(id));
    return html`
      <section part="base" aria-labelledby="activity-heading">
        ${fieldsView(this, ctx, this.onEcosystemChange)}
        <h3 id="activity-heading" tabindex="-1">${t('activity.processes')}</h3>
        <p class="muted" aria-live="polite" data-count>${countText(this, ctx)}</p>
        <p class="error" aria-live="polite">${this.errorCode ? t(`error.${this.errorCode}`) : ''}</p>
        ${
          this.phase === 'loadFailed'
            ? html`<p class="error">${t('activity.loadFailed')}</p>
                <button type="button" @click=${this.retry}>${t('common.retry')}</button>`
            : nothing
        }
        ${
          this.processes.length
            ? html`<div
                class="list"
                part="list"
                role="list"
                aria-labelledby="activity-heading"
                aria-busy=${this.phase === 'loadingMore' ? 'true' : 'false'}
                @rangeChanged=${this.onRangeChanged}
              >
                ${
                  chunk
                    ? chunk.virtualize({
                        items: [...this.processes],
                        scroller: true,
                        layout: chunk.layout,
                        keyFunction: (p: ProcessSummary) => p.id,
                        renderItem: row,
                      })
                    : this.processes.slice(0, FIRST_ROWS).map(row)
                }
              </div>`
            : nothing
        }
        <dialog part="dialog" class="detail" aria-labelledby="detail-heading" @cancel=${this.onDialogCancel}>
          ${detailView(this.detail, ctx, this.closeProcess)}
        </dialog>
      </section>
    `;
  }

  private onDialogCancel(event: Event): void {
    event.preventDefault();
    this.closeProcess();
  }
}

declare global {
  interface HTMLElementEventMap {
    'successor-activity-ecosystem-change': CustomEvent<ActivityEcosystemChangeDetail>;
    'successor-activity-load-more': CustomEvent<void>;
    'successor-activity-open-process': CustomEvent<ActivityProcessDetail>;
    'successor-activity-close-process': CustomEvent<void>;
    'successor-activity-retry': CustomEvent<void>;
  }
}
