import { SuccessorActivity } from './components/successor-activity/successor-activity.component.js';
import { WaizantSupportFlow } from './components/support-flow/support-flow.component.js';
import { preloadEngineWhenIdle } from './components/support-flow/support-flow.loader.js';
import { prepareDateFormat, resolveLang } from './i18n/index.js';

/*
 * The tags are registered by calls in the defining modules (`define`, `support-flow`,
 * `successor-activity`), never at the top level of a shared module: the build splits shared code
 * into chunks, and only the defining modules are listed in `sideEffects`, so a host importing a
 * helper from the main entry can drop every element.
 */

const nextFrame = () => new Promise<unknown>((resolve) => requestAnimationFrame(resolve));

/**
 * Makes the list's date format in the first idle period after the next frame has been drawn, so
 * that it never delays the frame that shows a flow ready (a task where the browser has no
 * `requestIdleCallback`; nothing where it does not draw frames).
 */
function prepareListWhenIdle(): void {
  if (typeof requestAnimationFrame !== 'function') return;
  // The page's language, which the rows usually share; the first format loads most locale data.
  const prepare = () => prepareDateFormat(resolveLang(document.documentElement.lang));
  void nextFrame()
    .then(nextFrame)
    .then(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(prepare);
      else setTimeout(prepare, 0);
    });
}

/**
 * Defines `<successor-activity>`; safe to call twice, a no-op where there is no DOM. Once `after`
 * has settled and the page is idle, it makes the date format its rows use: the first Intl format
 * a page makes takes tens of milliseconds (the locale data), which would otherwise fall on the
 * list's first paint.
 */
export function defineSuccessorActivity(after: Promise<unknown> = Promise.resolve()): void {
  if (typeof customElements !== 'undefined' && !customElements.get('successor-activity')) {
    customElements.define('successor-activity', SuccessorActivity);
    void after.then(prepareListWhenIdle);
  }
}

/**
 * Defines `<waizant-support-flow>` and the `<successor-activity>` it embeds, and fetches the
 * flow's statechart once the page is idle, so that a flow shown later is interactive at once.
 * The list's idle work waits for the statechart, so it never delays it.
 */
export function defineSupportFlow(): void {
  if (typeof customElements !== 'undefined' && !customElements.get('waizant-support-flow')) {
    const engine = preloadEngineWhenIdle();
    defineSuccessorActivity(engine);
    customElements.define('waizant-support-flow', WaizantSupportFlow);
  } else {
    defineSuccessorActivity();
  }
}
