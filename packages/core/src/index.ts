export * from './contract/constants.js';
export * from './contract.js';
export {
  createSupportFlow,
  createSupportMachineActors,
  type SupportCommand,
  type SupportFlow,
  type SupportFlowOptions,
  type SupportFlowState,
  type SupportView,
} from './machine/facade.js';
export { idleSupportFlowState } from './machine/idle.js';
export {
  createTimerActors,
  type DeadlineInput,
  type InactivityInput,
  type SupportMachine,
  supportMachine,
} from './machine/machine.js';
export type {
  FlowError,
  HandoffResult,
  SessionResult,
  SupportContext,
  SupportEvent,
  SupportInput,
} from './machine/types.js';
export * from './rules/flow.js';
export * from './rules/limits.js';
