/** Defines every element of the kit: `<waizant-support-flow>` and `<successor-activity>`. */
import { defineSupportFlow } from './registry.js';

// Not re-exported from the per-element entries: an entry imported by another entry would move
// its define call into a shared chunk (see registry.ts).
export * from './components/successor-activity/successor-activity.component.js';
export * from './components/support-flow/support-flow.component.js';
export type * from './events.js';

defineSupportFlow();

declare global {
  interface HTMLElementTagNameMap {
    'waizant-support-flow': import('./components/support-flow/support-flow.component.js').WaizantSupportFlow;
    'successor-activity': import('./components/successor-activity/successor-activity.component.js').SuccessorActivity;
  }
}
