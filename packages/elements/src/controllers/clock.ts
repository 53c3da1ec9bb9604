import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The time countdowns are painted against: ticks once a second while `active()` says a
 * countdown is shown, and only while the host is in the page.
 */
export class ClockController implements ReactiveController {
  now = Date.now();
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly active: () => boolean,
  ) {
    host.addController(this);
  }

  /** Reads the time now (a new state arrived) and repaints. */
  sync(): void {
    this.now = Date.now();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.ticker = setInterval(() => {
      if (this.active()) this.sync();
    }, 1000);
  }

  hostDisconnected(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
