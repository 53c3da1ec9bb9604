import { defineSupportFlow } from '../../registry.js';
import type { WaizantSupportFlow } from './support-flow.component.js';

export * from './support-flow.component.js';

/** Defines `<waizant-support-flow>` (and `<successor-activity>`); safe to load twice, a no-op without a DOM. */
defineSupportFlow();

declare global {
  interface HTMLElementTagNameMap {
    'waizant-support-flow': WaizantSupportFlow;
  }
}
