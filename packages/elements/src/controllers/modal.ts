import type { ReactiveController, ReactiveElement } from 'lit';

/**
 * Keeps the native modal `<dialog>` of the host's shadow root in step with the host's state
 * after every update: `showModal` traps focus and makes the rest inert; on close, focus goes
 * back to where it was.
 */
export class ModalController implements ReactiveController {
  private returnFocus: HTMLElement | null = null;

  /**
   * @param open Whether the dialog should be open now.
   * @param opening Runs just before the dialog opens (to reset its form); returns the control to focus.
   * @param fallback Where focus goes on close when the control that had it is gone.
   */
  constructor(
    private readonly host: ReactiveElement,
    private readonly open: () => boolean,
    private readonly opening?: (dialog: HTMLDialogElement) => HTMLElement | null,
    private readonly fallback?: () => void,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const dialog = this.host.renderRoot.querySelector('dialog');
    if (!dialog) return;
    const open = this.open();
    if (open && !dialog.open) {
      const active = this.host.shadowRoot?.activeElement;
      this.returnFocus = active instanceof HTMLElement ? active : null;
      const first = this.opening?.(dialog);
      dialog.showModal();
      first?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
      const back = this.returnFocus;
      this.returnFocus = null;
      if (back?.isConnected) back.focus();
      else this.fallback?.();
    }
  }
}
