import type { ReactiveController, ReactiveElement } from 'lit';
import { lazy } from '../base-element.js';

type VirtualizeModule = typeof import('@lit-labs/virtualizer/virtualize.js');
type FlowModule = typeof import('@lit-labs/virtualizer/layouts/flow.js');

/** What a list needs of the virtualizer: the directive and its (default) flow layout. */
export interface VirtualizerChunk {
  readonly virtualize: VirtualizeModule['virtualize'];
  readonly layout: ReturnType<FlowModule['flow']>;
}

/** Set once the default loader has delivered, so later lists render virtualized from their first paint. */
let loaded: VirtualizerChunk | null = null;

/**
 * The virtualizer is the largest dependency of the elements and is needed only once a process
 * list is shown, so it is loaded then (once per page). Its layout is fetched beside it: left to
 * itself, the virtualizer asks for its layout module only when it first lays out, one more round
 * trip after its own.
 */
export const loadVirtualizer = lazy(() =>
  Promise.all([
    import('@lit-labs/virtualizer/virtualize.js'),
    import('@lit-labs/virtualizer/layouts/flow.js'),
  ]).then(([{ virtualize }, { flow }]) => {
    loaded = { virtualize, layout: flow() };
    return loaded;
  }),
);

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
/** How many frames the hand-over waits for the virtualizer's rows before giving up on focus. */
const HANDOVER_FRAMES = 10;

/**
 * Loads the virtualizer as soon as the host connects (not after the rows arrive), so the
 * chunk and the first page are fetched together. Until it arrives the host paints plain rows;
 * when it does, the host re-renders virtualized and this puts the list's scroll position and
 * the focused row's button back (the rows are new nodes, so focus would otherwise fall to the
 * page).
 */
export class VirtualListController implements ReactiveController {
  /** The loaded virtualizer; null while the host shows plain rows. */
  chunk: VirtualizerChunk | null = loaded;
  private pending = false;

  /**
   * @param load Fetches the chunk (a subclass of the host may load it another way: tests hold it back).
   * @param list The host's scrolling list element, when rendered.
   * @param failed Called when the chunk could not be fetched; the next `request` asks again.
   */
  constructor(
    private readonly host: ReactiveElement,
    private readonly load: () => Promise<VirtualizerChunk>,
    private readonly list: () => HTMLElement | null,
    private readonly failed: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.request();
  }

  /** Starts loading the chunk unless it is loaded or on its way. */
  request(): void {
    if (this.chunk || this.pending) return;
    this.pending = true;
    this.load().then(
      (chunk) => {
        this.pending = false;
        void this.handOver(chunk);
      },
      () => {
        this.pending = false;
        this.failed();
      },
    );
  }

  private async handOver(chunk: VirtualizerChunk): Promise<void> {
    const before = this.list();
    const scrollTop = before?.scrollTop ?? 0;
    const active = this.host.shadowRoot?.activeElement;
    const focused = active instanceof HTMLElement ? (active.dataset.process ?? null) : null;
    this.chunk = chunk;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const list = this.list();
    if (!list) return;
    // The virtualizer lays its rows out in a cycle of its own, after the host's update.
    for (let frame = 0; frame < HANDOVER_FRAMES && !list.querySelector('[data-process]'); frame++) {
      await nextFrame();
    }
    if (scrollTop && list.scrollTop !== scrollTop) list.scrollTop = scrollTop;
    if (focused === null) return;
    const selector = `button[data-process="${CSS.escape(focused)}"]`;
    for (let frame = 0; frame < HANDOVER_FRAMES; frame++) {
      const button = list.querySelector<HTMLElement>(selector);
      // Only if focus was not moved elsewhere meanwhile (it fell to the host or the page).
      const now = this.host.shadowRoot?.activeElement ?? null;
      if (button) {
        if (now === null) button.focus({ preventScroll: true });
        return;
      }
      await nextFrame();
    }
  }
}
