import { defineSuccessorActivity } from '../../registry.js';
import type { SuccessorActivity } from './successor-activity.component.js';

export * from './successor-activity.component.js';

/** Defines `<successor-activity>`; safe to load twice, and a no-op where there is no DOM. */
defineSuccessorActivity();

declare global {
  interface HTMLElementTagNameMap {
    'successor-activity': SuccessorActivity;
  }
}
