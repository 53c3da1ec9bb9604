import { SuccessorActivity } from './components/successor-activity/successor-activity.component.js';
import { WaizantSupportFlow } from './components/support-flow/support-flow.component.js';
import { preloadEngine } from './components/support-flow/support-flow.loader.js';
import { prepareDateFormat } from './i18n/index.js';

/*
 * The tags are registered by calls in the defining modules (`define`, `support-flow`,
 * `successor-activity`), never at the top level of a shared module: the build splits shared code
 * into chunks, and only the defining modules are listed in `sideEffects`, so a host importing a
 * helper from the main entry can drop every element.
 */

/** How long a busy page may put off idle work before it runs anyway (ms). */
const IDLE_TIMEOUT_MS = 2000;

/**
 * Defines `<successor-activity>`; safe to call twice, a no-op where there is no DOM. Once the page
 * is idle (and `after` has settled), it makes the date format its rows use: the first one a page
 * makes takes tens of milliseconds, which would otherwise delay the list's first paint.
 */
export function defineSuccessorActivity(after: Promise<unknown> = Promise.resolve()): void {
  if (typeof customElements !== 'undefined' && !customElements.get('successor-activity')) {
    customElements.define('successor-activity', SuccessorActivity);
    const prepare = () => prepareDateFormat('en');
    void after.then(() => {
      if (typeof requestIdleCallback === 'function')
        requestIdleCallback(prepare, { timeout: IDLE_TIMEOUT_MS });
      else setTimeout(prepare, 0);
    });
  }
}

/**
 * Defines `<waizant-support-flow>` and the `<successor-activity>` it embeds, and starts fetching
 * the flow's statechart at once, so that a flow is interactive as soon as it can be. The list's
 * idle work waits for the statechart, so it never delays it.
 */
export function defineSupportFlow(): void {
  if (typeof customElements !== 'undefined' && !customElements.get('waizant-support-flow')) {
    const engine = preloadEngine();
    defineSuccessorActivity(engine);
    customElements.define('waizant-support-flow', WaizantSupportFlow);
  } else {
    defineSuccessorActivity();
  }
}
