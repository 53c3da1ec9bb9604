/**
 * What `<waizant-support-flow>` loads when it first connects: the statechart (XState) and the
 * contract's validators (zod). Defining the tag does not load them, so a host that registers
 * the elements at start-up pays for the flow only on a page that shows one.
 */
export { CancelReason, createSupportFlow, Email, verificationCode } from '@waizant/support-core';
