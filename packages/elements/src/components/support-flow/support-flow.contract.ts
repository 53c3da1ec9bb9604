/**
 * The contract's validators alone, loaded beside the statechart (support-flow.loader.ts) so that
 * their chunk is fetched in parallel with the statechart's.
 */
export { CancelReason, Email, verificationCode } from '@waizant/support-core/contract';
