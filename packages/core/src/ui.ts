/**
 * `@waizant/support-core/ui`: what UI code needs to paint its first view — plain values of the
 * contract, the idle facade state, the pure rules and the typed error. It loads neither the
 * statechart (XState) nor the validators (zod); take those from the main entry when needed.
 */

export type * from './contract/api.js';
export * from './contract/constants.js';
export type { Destination, DestinationPage, Flow, Role } from './contract/primitives.js';
export { ERROR_CODES, type ErrorCode, isSupportError, SupportError } from './contract/support-error.js';
export type { SupportCommand, SupportFlow, SupportFlowState, SupportView } from './machine/facade.js';
export { idleSupportFlowState } from './machine/idle.js';
export type { FlowError, SupportServices } from './machine/types.js';
export * from './rules/flow.js';
