/**
 * `@waizant/support-core/machine`: the XState v5 statechart of both flows, its actor factories
 * and its XState-facing types, for backends that drive the machine with their own actors. UI
 * code should use `createSupportFlow` from the main entry, which hides XState.
 */
export { createSupportMachineActors } from './machine/actors.js';
export { type SupportMachine, supportMachine } from './machine/machine.js';
export { createTimerActors, type DeadlineInput, type InactivityInput } from './machine/timers.js';
export type {
  FlowError,
  HandoffResult,
  SessionResult,
  SupportContext,
  SupportEvent,
  SupportInput,
} from './machine/types.js';
