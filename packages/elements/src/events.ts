/**
 * One named type per DOM event of the elements, and the maps that type `addEventListener` on
 * each element. Type-only: importing it loads nothing.
 */
import type {
  ActivityEcosystemChangeDetail,
  ActivityProcessDetail,
} from './components/successor-activity/successor-activity.component.js';
import type {
  WaizantSupportCancelledDetail,
  WaizantSupportCompletedDetail,
  WaizantSupportExpiredDetail,
  WaizantSupportHandoffDetail,
} from './components/support-flow/support-flow.component.js';

/** `waizant-support-completed`: the agent finished the support; the session is closed. */
export type WaizantSupportCompletedEvent = CustomEvent<WaizantSupportCompletedDetail>;
/** `waizant-support-cancelled`: the agent cancelled with a reason. */
export type WaizantSupportCancelledEvent = CustomEvent<WaizantSupportCancelledDetail>;
/** `waizant-support-expired`: the session closed for inactivity. */
export type WaizantSupportExpiredEvent = CustomEvent<WaizantSupportExpiredDetail>;
/** `waizant-support-handoff`: a one-time link or QR was created (never carries the link). */
export type WaizantSupportHandoffEvent = CustomEvent<WaizantSupportHandoffDetail>;

/** `successor-activity-ecosystem-change`: the agent chose another ecosystem. */
export type SuccessorActivityEcosystemChangeEvent = CustomEvent<ActivityEcosystemChangeDetail>;
/** `successor-activity-load-more`: the list needs its next page. */
export type SuccessorActivityLoadMoreEvent = CustomEvent<void>;
/** `successor-activity-open-process`: **See details** on one process. */
export type SuccessorActivityOpenProcessEvent = CustomEvent<ActivityProcessDetail>;
/** `successor-activity-close-process`: the detail modal closed. */
export type SuccessorActivityCloseProcessEvent = CustomEvent<void>;
/** `successor-activity-retry`: the agent asked to load the list again. */
export type SuccessorActivityRetryEvent = CustomEvent<void>;

/** The events `<waizant-support-flow>` dispatches (bubbling and composed). */
export interface WaizantSupportFlowEventMap {
  'waizant-support-completed': WaizantSupportCompletedEvent;
  'waizant-support-cancelled': WaizantSupportCancelledEvent;
  'waizant-support-expired': WaizantSupportExpiredEvent;
  'waizant-support-handoff': WaizantSupportHandoffEvent;
}

/** The events `<successor-activity>` dispatches (bubbling and composed). */
export interface SuccessorActivityEventMap {
  'successor-activity-ecosystem-change': SuccessorActivityEcosystemChangeEvent;
  'successor-activity-load-more': SuccessorActivityLoadMoreEvent;
  'successor-activity-open-process': SuccessorActivityOpenProcessEvent;
  'successor-activity-close-process': SuccessorActivityCloseProcessEvent;
  'successor-activity-retry': SuccessorActivityRetryEvent;
}

declare global {
  interface HTMLElementEventMap extends WaizantSupportFlowEventMap, SuccessorActivityEventMap {}
}
