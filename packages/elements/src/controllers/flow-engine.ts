import {
  CODE_DIGITS_MAX,
  CODE_DIGITS_MIN,
  DEFAULT_CODE_DIGITS,
  type Flow,
  idleSupportFlowState,
  type PasskeyCeremony,
  type SupportFlow,
  type SupportFlowState,
  type SupportServices,
} from '@waizant/support-core/ui';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The chunk with the statechart and the validators (see support-flow.engine.ts). */
export type Engine = typeof import('../components/support-flow/support-flow.engine.js');

export interface FlowSetup {
  readonly flow: Flow;
  readonly codeDigits: number;
  readonly services: SupportServices;
  readonly handoffPollMs: number;
  readonly sessionPollMs: number;
  readonly passkeys?: PasskeyCeremony;
}

/**
 * Runs one support flow for its host: paints the flow's first view at once, loads the statechart
 * (`load`), starts it and follows its states. Every setup and teardown bumps a generation, so a
 * statechart that arrives late never starts a stale flow. Disconnecting stops the flow.
 */
export class FlowEngineController implements ReactiveController {
  /** The facade's current state; null before the first setup. */
  state: SupportFlowState | null = null;
  /** The running flow (its commands); null until the statechart runs. */
  api: SupportFlow | null = null;
  /** The loaded chunk (its validators); null until it arrives. */
  engine: Engine | null = null;
  /** Settles once the flow of the current setup runs (or could not be loaded). */
  starting: Promise<void> = Promise.resolve();
  /** True from `setup` to `teardown`, while the statechart may still be loading. */
  isSetUp = false;
  private generation = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: () => Promise<Engine>,
    private readonly changed: (prev: SupportFlowState | null, next: SupportFlowState) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Disconnecting stopped the flow; back in the page (moved, re-rendered by a host), a new
    // request starts, as the host sets one up on any update while none is.
    if (!this.isSetUp) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.teardown();
  }

  teardown(): void {
    this.generation++;
    this.isSetUp = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.api?.stop();
    this.api = null;
  }

  /**
   * Stops the current flow and sets up a new one. Until its statechart runs, the view allows
   * nothing. Unknown options fall back to the defaults.
   */
  setup(options: FlowSetup): void {
    this.teardown();
    const generation = this.generation;
    this.isSetUp = true;
    const flow: Flow = options.flow === 'ecosystem-admin' ? options.flow : 'technical-assistance';
    const digits = options.codeDigits;
    const codeDigits =
      Number.isInteger(digits) && digits >= CODE_DIGITS_MIN && digits <= CODE_DIGITS_MAX
        ? digits
        : DEFAULT_CODE_DIGITS;
    const idle = idleSupportFlowState(flow, codeDigits);
    this.show(idle);
    this.starting = this.load().then(
      (loaded) => {
        if (generation !== this.generation) return;
        this.engine = loaded;
        this.start(loaded.createSupportFlow({ ...options, flow, codeDigits }));
      },
      () => {
        if (generation !== this.generation) return;
        const message = 'The support flow could not be loaded.';
        this.show({
          ...idle,
          view: 'failed',
          pending: false,
          error: { code: 'upstream_unavailable', message },
        });
      },
    );
  }

  private show(state: SupportFlowState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  private start(api: SupportFlow): void {
    this.api = api;
    this.unsubscribe = api.subscribe((next) => {
      const prev = this.state;
      this.show(next);
      this.changed(prev, next);
    });
    api.start();
  }
}
