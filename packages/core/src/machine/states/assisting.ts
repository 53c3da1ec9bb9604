import { assign } from 'xstate';
import { sessionCommand, sessionErrors, sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';

/** 3a. Technical Assistance: take the user to Store, Web or App. */
export const assisting = supportSetup.createStateConfig({
  initial: 'destinations',
  on: {
    'DESTINATION.OPEN': {
      guard: 'destinationAllowed',
      target: '.opening',
      actions: [
        'clearError',
        'newRequestKey',
        assign({ pendingDestination: ({ event }) => event.destination }),
      ],
    },
    FINISH: { target: '#finishing', actions: 'newRequestKey' },
  },
  states: {
    destinations: { meta: { view: 'destinations' } },
    opening: {
      tags: 'pending',
      meta: { view: 'destinations' },
      invoke: {
        id: 'createHandoff',
        src: 'createHandoff',
        input: sessionCommand((context) => ({ destination: context.pendingDestination ?? 'web' })),
        onDone: [
          { guard: 'handoffIsApp', target: 'qr', actions: 'storeHandoff' },
          { target: 'linkReady', actions: 'storeHandoff' },
        ],
        onError: sessionErrors({ resync: true }, { target: 'destinations', actions: ['storeError'] }),
      },
    },
    /** Web / Store: the one-time link is ready for the agent to open. */
    linkReady: { meta: { view: 'handoffReady' }, on: { BACK: 'destinations' } },
    /** App: the QR the user scans with their phone. */
    qr: {
      initial: 'waiting',
      meta: { view: 'qr' },
      on: {
        BACK: 'destinations',
        'QR.REGENERATE': {
          guard: 'appAllowed',
          target: 'opening',
          actions: ['clearError', 'newRequestKey', assign({ pendingDestination: 'app' as const })],
        },
      },
      states: {
        waiting: {
          meta: { qrPhase: 'waiting' },
          // A new QR is a new link: it has not been e-mailed yet.
          entry: assign({ qrEmailedTo: null }),
          initial: 'shown',
          invoke: {
            id: 'watchHandoff',
            src: 'watchHandoff',
            input: sessionQuery((context) => ({
              handoffId: context.handoff?.id ?? '',
              since: context.handoffReceivedAt,
              expireAfterMs: (context.handoff?.expiresIn ?? 0) * 1000,
            })),
          },
          on: {
            'HANDOFF.CLAIMED': { target: 'claimed', actions: assign({ handoffState: 'claimed' as const }) },
            'HANDOFF.EXPIRED': { target: 'expired', actions: assign({ handoffState: 'expired' as const }) },
          },
          /** The same one-time link, e-mailed once to the user (as a link and a QR picture). */
          states: {
            shown: {
              on: { 'QR.EMAIL': { target: 'emailing', actions: ['clearError', 'newRequestKey'] } },
            },
            emailing: {
              tags: 'pending',
              invoke: {
                id: 'emailQr',
                src: 'emailQr',
                input: sessionCommand((context) => ({
                  handoffId: context.handoff?.id ?? '',
                  // The server keeps only the token's HMAC: the link's fragment is the one copy.
                  token: context.handoff?.link.split('#token=')[1] ?? '',
                })),
                onDone: {
                  target: 'emailed',
                  actions: assign({ qrEmailedTo: ({ event }) => event.output.sentTo }),
                },
                onError: sessionErrors({}, { target: 'shown', actions: ['storeError'] }),
              },
            },
            emailed: {},
          },
        },
        claimed: { meta: { qrPhase: 'claimed' } },
        expired: { meta: { qrPhase: 'expired' } },
      },
    },
  },
});
