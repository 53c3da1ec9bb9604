import { SuccessorActivity } from './successor-activity.component.js';

export * from './successor-activity.component.js';

/** Defines `<successor-activity>`; safe to load twice, and a no-op where there is no DOM. */
if (typeof customElements !== 'undefined' && !customElements.get('successor-activity')) {
  customElements.define('successor-activity', SuccessorActivity);
}

declare global {
  interface HTMLElementTagNameMap {
    'successor-activity': SuccessorActivity;
  }
}
