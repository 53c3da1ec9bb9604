import { DEFAULT_CODE_DIGITS } from '../contract/constants.js';
import type { Flow } from '../ui.js';
import type { SupportFlowState } from './facade.js';

/**
 * The facade's state while the flow itself is still loading: the lookup form, with nothing
 * allowed yet. UI code can paint its first view from it without loading the statechart.
 */
export function idleSupportFlowState(flow: Flow, codeDigits: number = DEFAULT_CODE_DIGITS): SupportFlowState {
  return {
    flow,
    view: 'lookup',
    lookupPhase: 'editing',
    codePhase: null,
    qrPhase: null,
    activityPhase: null,
    processDetailOpen: false,
    cancelModal: { open: false, submitting: false },
    inactivityWarning: false,
    passkeyPhase: null,
    passkeyProblem: null,
    stepUp: null,
    pending: true,
    error: null,
    allowed: new Set(),
    destinations: [],
    codeDigits,
    cancelReason: null,
    email: null,
    lookup: null,
    session: null,
    handoff: null,
    handoffState: null,
    qrEmailedTo: null,
    processes: { ecosystemId: null, items: [], total: 0, hasMore: false },
    processDetail: null,
    deadlines: {
      sessionExpiresAt: null,
      codeExpiresAt: null,
      resendAvailableAt: null,
      handoffExpiresAt: null,
    },
    done: false,
  };
}
