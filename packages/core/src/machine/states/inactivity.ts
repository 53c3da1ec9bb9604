import { idleDeadlines, sessionCommand, sessionErrors, sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** Inactivity: warn before the server's deadline; the server confirms expiry. */
export const inactivity = supportSetup.createStateConfig({
  initial: 'watching',
  // A fresh session view re-arms the timer: targeting the child exits and enters it again (its
  // invoke restarts). Not `reenter: true`: this region sits in a parallel state, so re-entering
  // it would also exit and re-enter the steps beside it (the agent sent back through routing,
  // the activity reloaded from page one).
  on: { 'SESSION.REFRESHED': '.watching' },
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
        // Expired, or closed another way meanwhile (e.g. the user ended it): routing shows how.
        onDone: [
          { guard: 'readSessionClosed', target: '#route', actions: 'storeSession' },
          { target: 'watching', actions: 'storeSession' },
        ],
        onError: sessionErrors({}, { target: '#failed', actions: ['storeError'] }),
      },
    },
  },
});
