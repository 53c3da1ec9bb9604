import '../successor-activity/successor-activity.js';
import { WaizantSupportFlow } from './support-flow.component.js';

export * from './support-flow.component.js';

/** Defines `<waizant-support-flow>` (and `<successor-activity>`); safe to load twice, a no-op without a DOM. */
if (typeof customElements !== 'undefined' && !customElements.get('waizant-support-flow')) {
  customElements.define('waizant-support-flow', WaizantSupportFlow);
}

declare global {
  interface HTMLElementTagNameMap {
    'waizant-support-flow': WaizantSupportFlow;
  }
}
