/**
 * `@waizant/support-elements`: the element classes, the HTTP client and the i18n helpers.
 * Importing this entry defines no tag; import `@waizant/support-elements/define` (or the
 * per-element entries) to register them.
 */
export {
  type ActivityEcosystemChangeDetail,
  type ActivityPhase,
  type ActivityProcessDetail,
  SuccessorActivity,
} from './components/successor-activity/successor-activity.component.js';
export {
  type WaizantSupportCancelledDetail,
  type WaizantSupportCompletedDetail,
  type WaizantSupportExpiredDetail,
  WaizantSupportFlow,
  type WaizantSupportHandoffDetail,
} from './components/support-flow/support-flow.component.js';
export {
  createHttpSupportServices,
  type HttpSupportServicesOptions,
  type TokenProvider,
} from './http/client.js';
export { type Lang, loadMessages, type MessageKey, type Messages, resolveLang } from './i18n/index.js';
