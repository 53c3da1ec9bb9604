/**
 * `@waizant/support-core`: the support flow's facade (`createSupportFlow`), the wire contract and
 * the pure rules. The statechart itself and its XState-facing types are on
 * `@waizant/support-core/machine`, so that nothing here exposes XState in a host's types.
 */
export * from './contract/constants.js';
export * from './contract.js';
export {
  createSupportFlow,
  type FinalView,
  type SupportCommand,
  type SupportFlow,
  type SupportFlowOptions,
  type SupportFlowState,
  type SupportView,
} from './machine/facade.js';
export { idleSupportFlowState } from './machine/idle.js';
export type {
  FlowError,
  HandoffResult,
  PasskeyCeremony,
  PasskeyProblem,
  SessionResult,
} from './machine/types.js';
export * from './rules/flow.js';
export * from './rules/limits.js';
