import { idleDeadlines, sessionCommand, sessionErrors, sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** Inactivity: warn before the server's deadline; the server confirms expiry. */
export const inactivity = supportSetup.createStateConfig({
  initial: 'watching',
  on: { 'SESSION.REFRESHED': { target: '.watching', reenter: true } },
  states: {
    watching: {
      invoke: {
        id: 'inactivityTimer',
        src: 'inactivityTimer',
        input: ({ context }) => idleDeadlines(context),
      },
      on: { 'IDLE.WARN': 'warning', 'IDLE.DEADLINE': 'confirming' },
    },
    warning: {
      meta: { inactivityWarning: true },
      invoke: {
        id: 'inactivityDeadline',
        src: 'inactivityTimer',
        input: ({ context }) => idleDeadlines(context),
      },
      on: {
        STILL_HERE: { target: 'touching', actions: 'newRequestKey' },
        'IDLE.DEADLINE': 'confirming',
      },
    },
    touching: {
      tags: 'pending',
      invoke: {
        id: 'touchSession',
        src: 'touchSession',
        input: sessionCommand(),
        onDone: { target: 'watching', actions: 'storeSession' },
        onError: sessionErrors({}, { target: 'warning', actions: ['storeError'] }),
      },
    },
    /** The local deadline passed: ask the server, whose clock is the truth. */
    confirming: {
      invoke: {
        id: 'confirmExpiry',
        src: 'getSession',
        input: sessionQuery(),
        onDone: [
          {
            guard: ({ event }) => event.output.session.step === 'expired',
            target: '#expired',
            actions: 'storeSession',
          },
          { target: 'watching', actions: 'storeSession' },
        ],
        onError: sessionErrors({}, { target: '#failed', actions: ['storeError'] }),
      },
    },
  },
});
