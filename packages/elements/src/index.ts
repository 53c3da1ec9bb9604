/**
 * `@waizant/support-elements`: the element classes, the HTTP client, the i18n helpers and the
 * event types. Importing this entry defines no tag, and a bundler drops the elements when only a
 * helper is used; import `@waizant/support-elements/define` (or the per-element entries) to
 * register them.
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
export type * from './events.js';
export {
  createHttpSupportServices,
  type HttpSupportServicesOptions,
  type TokenProvider,
} from './http/client.js';
export { type Lang, loadMessages, type MessageKey, type Messages, resolveLang } from './i18n/index.js';
