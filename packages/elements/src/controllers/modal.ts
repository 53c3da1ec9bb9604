import type { ReactiveController, ReactiveElement } from 'lit';

export interface ModalOptions {
  /** The `<dialog>` in the host's shadow root. */
  readonly selector: string;
  /** Whether the dialog should be open now. */
  readonly open: () => boolean;
  /** Runs just before the dialog opens (to reset its form); returns the control to focus. */
  readonly opening?: (dialog: HTMLDialogElement) => HTMLElement | null | undefined;
  /** Where focus goes on close when the control that had it is gone. */
  readonly fallback?: () => void;
}

/**
 * Keeps a native modal `<dialog>` in step with the host's state after every update: `showModal`
 * traps focus and makes the rest inert; on close, focus goes back to where it was.
 */
export class ModalController implements ReactiveController {
  private returnFocus: HTMLElement | null = null;

  constructor(
    private readonly host: ReactiveElement,
    private readonly options: ModalOptions,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const { host, options } = this;
    const dialog = host.renderRoot.querySelector<HTMLDialogElement>(options.selector);
    if (!dialog) return;
    const open = options.open();
    if (open && !dialog.open) {
      const active = host.shadowRoot?.activeElement;
      this.returnFocus = active instanceof HTMLElement ? active : null;
      const first = options.opening?.(dialog);
      dialog.showModal();
      first?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
      const back = this.returnFocus;
      this.returnFocus = null;
      if (back?.isConnected) back.focus();
      else options.fallback?.();
    }
  }
}
