import { assign } from 'xstate';
import { sessionCommand, sessionErrors } from '../session-transitions.js';
import { EMPTY_PROCESSES, supportSetup } from '../setup.js';

/** The agent picks which of the user's ecosystems the session is about. */
export const ecosystem = supportSetup.createStateConfig({
  initial: 'choosing',
  meta: { view: 'ecosystem' },
  states: {
    choosing: {
      on: {
        'ECOSYSTEM.SELECT': {
          guard: 'ecosystemSelectable',
          target: 'saving',
          actions: [
            'clearError',
            'newRequestKey',
            assign({ processes: ({ event }) => ({ ...EMPTY_PROCESSES, ecosystemId: event.ecosystemId }) }),
          ],
        },
      },
    },
    saving: {
      tags: 'pending',
      invoke: {
        id: 'selectEcosystem',
        src: 'selectEcosystem',
        input: sessionCommand((context) => ({ ecosystemId: context.processes.ecosystemId ?? '' })),
        onDone: { target: '#route', actions: ['storeSession', 'armAgentCodeSend'] },
        onError: sessionErrors({ resync: true }, { target: 'choosing', actions: ['storeError'] }),
      },
    },
  },
});
