import { waitUntil } from '@open-wc/testing';

/** The element's shadow root, asserted. */
export function root(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`${el.localName} has no shadow root`);
  return el.shadowRoot;
}

export function $<T extends Element = HTMLElement>(el: Element, selector: string): T {
  const found = root(el).querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found in ${el.localName}`);
  return found;
}

export function $maybe<T extends Element = HTMLElement>(el: Element, selector: string): T | null {
  return root(el).querySelector<T>(selector);
}

export function $all<T extends Element = HTMLElement>(el: Element, selector: string): T[] {
  return [...root(el).querySelectorAll<T>(selector)];
}

/** Waits until `selector` exists (and, when given, `check` holds). */
export async function waitFor<T extends Element = HTMLElement>(
  el: Element,
  selector: string,
  check: (found: T) => boolean = () => true,
  message = `waiting for ${selector}`,
): Promise<T> {
  let found: T | null = null;
  await waitUntil(
    () => {
      found = root(el).querySelector<T>(selector);
      return found !== null && check(found);
    },
    message,
    { timeout: 8000, interval: 20 },
  );
  return found as unknown as T;
}

/** Types like a user: sets the value and fires `input`. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value }));
}

/** Pastes like a user: fires a paste with the text, then the input the browser would fire. */
export function paste(input: HTMLInputElement, text: string): void {
  input.focus();
  const data = new DataTransfer();
  data.setData('text/plain', text);
  input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  input.value = text;
  input.dispatchEvent(
    new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }),
  );
}

export function text(el: Element | null): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * Chromium reports "ResizeObserver loop completed with undelivered notifications" when a
 * virtualized list lays out again within one frame. It is benign (the spec's loop guard),
 * but mocha counts any window error as a failure; let only that one through. Call in `before`.
 */
export function tolerateResizeObserverLoop(): () => void {
  const original = window.onerror;
  window.onerror = (message, ...rest) => {
    if (String(message).includes('ResizeObserver loop')) return true;
    return original ? original.call(window, message, ...rest) : false;
  };
  return () => {
    window.onerror = original;
  };
}
