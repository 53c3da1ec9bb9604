import { assign } from 'xstate';
import { DEFAULT_CODE_DIGITS } from '../contract/primitives.js';
import { EMPTY_PROCESSES, newRequestKey, supportSetup } from './setup.js';
import { cancelling } from './states/cancelling.js';
import { codeStep } from './states/code.js';
import { ecosystem } from './states/ecosystem.js';
import { inactivity } from './states/inactivity.js';
import { lookup, starting } from './states/lookup.js';
import { passkeySetup } from './states/passkey.js';
import { finishing, resync, route } from './states/route.js';
import { verified } from './states/verified.js';

// Targets across regions name a state by its `id` (`#route`, `#failed`, …) rather than by a deep
// path; each step lives in its own module under `states/`.
export const supportMachine = supportSetup.createMachine({
  id: 'support',
  context: ({ input }) => ({
    flow: input.flow,
    codeDigits: input.codeDigits ?? DEFAULT_CODE_DIGITS,
    email: null,
    lookup: null,
    session: null,
    sessionReceivedAt: 0,
    verified: { agent: false, user: false },
    sendAgentCodeOnArrival: false,
    error: null,
    pendingCode: null,
    pendingDestination: null,
    handoff: null,
    handoffReceivedAt: 0,
    handoffState: null,
    qrEmailedTo: null,
    processes: EMPTY_PROCESSES,
    pendingProcessId: null,
    processDetail: null,
    cancelReason: null,
    enrolmentOffer: false,
    stepUpMethod: null,
    passkeyRequest: null,
    passkeyCreation: null,
    pendingAssertion: null,
    pendingAttestation: null,
    passkeyName: null,
    passkeyProblem: null,
    requestKey: newRequestKey(),
  }),
  initial: 'lookup',
  states: {
    lookup,
    starting,
    // 2. A live support session: the steps, the cancel modal, and inactivity, side by side.
    session: {
      id: 'session',
      type: 'parallel',
      states: {
        flow: {
          initial: 'route',
          states: {
            route,
            resync,
            steps: {
              // Always entered through `route` or `resume`; XState still wants a default child.
              initial: 'ecosystem',
              on: { CANCEL: { target: 'cancelling', actions: assign({ cancelReason: null }) } },
              states: {
                ecosystem,
                agentCode: codeStep('agent'),
                passkeySetup,
                userCode: codeStep('user'),
                verified,
                /** Where dismissing the cancel modal returns: the exact step, deep. */
                resume: { id: 'resume', type: 'history', history: 'deep' },
              },
            },
            cancelling,
            finishing,
          },
        },
        inactivity,
      },
    },
    // Final states, each with its own message.
    expired: { id: 'expired', type: 'final', meta: { view: 'expired' } },
    cancelled: { id: 'cancelled', type: 'final', meta: { view: 'cancelled' } },
    lockedOut: { id: 'lockedOut', type: 'final', meta: { view: 'lockedOut' } },
    failed: { id: 'failed', type: 'final', meta: { view: 'failed' } },
    completed: { id: 'completed', type: 'final', meta: { view: 'completed' } },
    /** The user followed the end link of their e-mail (step `ended_by_user`). */
    endedByUser: { id: 'endedByUser', type: 'final', meta: { view: 'endedByUser' } },
  },
});

export type SupportMachine = typeof supportMachine;
