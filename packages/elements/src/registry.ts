import { SuccessorActivity } from './components/successor-activity/successor-activity.component.js';
import { WaizantSupportFlow } from './components/support-flow/support-flow.component.js';
import { preloadEngineWhenIdle } from './components/support-flow/support-flow.loader.js';

/*
 * The tags are registered by calls in the defining modules (`define`, `support-flow`,
 * `successor-activity`), never at the top level of a shared module: the build splits shared code
 * into chunks, and only the defining modules are listed in `sideEffects`, so a host importing a
 * helper from the main entry can drop every element.
 */

/** Defines `<successor-activity>`; safe to call twice, a no-op where there is no DOM. */
export function defineSuccessorActivity(): void {
  if (typeof customElements !== 'undefined' && !customElements.get('successor-activity')) {
    customElements.define('successor-activity', SuccessorActivity);
  }
}

/**
 * Defines `<waizant-support-flow>` and the `<successor-activity>` it embeds, and fetches the
 * flow's statechart once the page is idle, so that a flow shown later is interactive at once.
 */
export function defineSupportFlow(): void {
  defineSuccessorActivity();
  if (typeof customElements !== 'undefined' && !customElements.get('waizant-support-flow')) {
    customElements.define('waizant-support-flow', WaizantSupportFlow);
    preloadEngineWhenIdle();
  }
}
