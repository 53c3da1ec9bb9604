export * from './contract/api.js';
export * from './contract/errors.js';
export { buildOpenApiDocument } from './contract/openapi.js';
export * from './contract/primitives.js';
export { type RouteName, type RouteResponse, type RouteSpec, routePath, routes } from './contract/routes.js';
export {
  createSupportFlow,
  createSupportMachineActors,
  type SupportCommand,
  type SupportFlow,
  type SupportFlowOptions,
  type SupportFlowState,
  type SupportView,
} from './machine/facade.js';
export {
  createTimerActors,
  type DeadlineInput,
  type InactivityInput,
  type SupportMachine,
  supportMachine,
} from './machine/machine.js';
export type {
  CallOptions,
  FlowError,
  HandoffResult,
  SessionResult,
  SupportContext,
  SupportEvent,
  SupportInput,
  SupportServices,
} from './machine/types.js';
export * from './rules/flow.js';
export * from './rules/limits.js';
