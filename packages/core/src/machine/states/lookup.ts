import { assign } from 'xstate';
import { Email } from '../../contract/primitives.js';
import { supportSetup } from '../setup.js';

/** 1. Find the user by e-mail. */
export const lookup = supportSetup.createStateConfig({
  initial: 'editing',
  meta: { view: 'lookup' },
  on: {
    'EMAIL.SUBMIT': {
      guard: 'emailWellFormed',
      target: '.searching',
      actions: [
        assign({ email: ({ event }) => Email.parse(event.email), lookup: null }),
        'clearError',
        'newRequestKey',
      ],
    },
  },
  states: {
    editing: { meta: { lookupPhase: 'editing' } },
    searching: {
      tags: 'pending',
      meta: { lookupPhase: 'searching' },
      invoke: {
        id: 'lookupUser',
        src: 'lookup',
        input: ({ context }) => ({ email: context.email ?? '', requestKey: context.requestKey }),
        onDone: [
          {
            guard: 'userFound',
            target: 'found',
            actions: assign({ lookup: ({ event }) => event.output }),
          },
          { target: 'notFound', actions: assign({ lookup: ({ event }) => event.output }) },
        ],
        onError: { target: 'failed', actions: 'storeError' },
      },
    },
    found: {
      meta: { lookupPhase: 'found' },
      on: {
        START: { guard: 'eligible', target: '#starting', actions: ['clearError', 'newRequestKey'] },
        'EMAIL.EDIT': 'editing',
      },
    },
    notFound: { meta: { lookupPhase: 'notFound' }, on: { 'EMAIL.EDIT': 'editing' } },
    failed: { meta: { lookupPhase: 'failed' }, on: { 'EMAIL.EDIT': 'editing' } },
  },
});

/** Opens the support session for the user found. */
export const starting = supportSetup.createStateConfig({
  id: 'starting',
  tags: 'pending',
  meta: { view: 'starting' },
  invoke: {
    id: 'createSession',
    src: 'createSession',
    input: ({ context }) => ({
      userId: context.lookup?.found ? context.lookup.user.id : '',
      requestKey: context.requestKey,
    }),
    onDone: { target: 'session', actions: 'storeSession' },
    onError: { target: 'lookup.found', actions: 'storeError' },
  },
});
