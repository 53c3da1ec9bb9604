import { LitElement } from 'lit';
import { LangController } from './i18n/controller.js';
import type { MessageKey } from './i18n/index.js';

/** The localized string for a key, placeholders filled (the element's current language). */
export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

type DetailOf<K extends keyof HTMLElementEventMap> =
  HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Loads something once, on the first call (at module level: once per page, shared by every
 * instance). A failed load is tried again on the next call: browsers keep a failed module
 * answer in their module map until reload, so a fetch is asked for anew.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    }));
}

/** What both elements share: their strings (`lang`) and how they dispatch their events. */
export class WaizantElement extends LitElement {
  protected readonly i18n = new LangController(this, () => this.lang);
  /** Bound once, so views can be handed it. */
  protected readonly t: Translate = (key, values) => this.i18n.t(key, values);

  /** Dispatches one of the element's own events (see events.ts), bubbling and composed. */
  protected emit<K extends keyof HTMLElementEventMap>(name: K, detail?: DetailOf<K>): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
