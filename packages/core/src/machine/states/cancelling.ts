import { assign } from 'xstate';
import { sessionCommand, sessionErrors } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** Cancel: a modal over any step; needs a reason; dismissing it goes back to the exact step. */
export const cancelling = supportSetup.createStateConfig({
  initial: 'editing',
  states: {
    editing: {
      meta: { cancelModal: 'editing' },
      on: {
        'CANCEL.DISMISS': { target: '#resume', actions: 'clearError' },
        'CANCEL.CONFIRM': {
          guard: 'reasonValid',
          target: 'submitting',
          actions: ['clearError', 'newRequestKey', assign({ cancelReason: ({ event }) => event.reason })],
        },
      },
    },
    submitting: {
      tags: 'pending',
      meta: { cancelModal: 'submitting' },
      invoke: {
        id: 'cancelSession',
        src: 'cancelSession',
        input: sessionCommand((context) => ({ reason: context.cancelReason ?? '' })),
        onDone: { target: '#cancelled', actions: 'storeSession' },
        onError: sessionErrors({}, { target: 'editing', actions: ['storeError'] }),
      },
    },
  },
});
