import { assign } from 'xstate';
import { sessionErrors, sessionQuery } from '../session-transitions.js';
import { EMPTY_PROCESSES, supportSetup } from '../setup.js';
import type { SupportContext } from '../types.js';

/** The ecosystem whose processes are listed: the one switched to, else the session's. */
const listedEcosystem = (context: SupportContext) =>
  context.processes.ecosystemId ?? context.session?.ecosystemId ?? null;

/** 3b. Ecosystem Admin: the successor's activity, page by page, with a detail modal. */
export const activity = supportSetup.createStateConfig({
  id: 'activity',
  initial: 'loading',
  meta: { view: 'activity' },
  on: { FINISH: { target: '#finishing', actions: 'newRequestKey' } },
  states: {
    loading: {
      tags: 'pending',
      meta: { activityPhase: 'loading' },
      invoke: {
        id: 'listProcesses',
        src: 'listProcesses',
        input: sessionQuery((context) => ({
          ecosystemId: listedEcosystem(context),
          cursor: null,
        })),
        onDone: {
          target: 'ready',
          actions: assign({
            processes: ({ context, event }) => ({
              ecosystemId: listedEcosystem(context),
              items: event.output.items,
              nextCursor: event.output.nextCursor,
              total: event.output.total,
            }),
          }),
        },
        onError: sessionErrors({}, { target: 'loadFailed', actions: ['storeError'] }),
      },
    },
    loadFailed: {
      meta: { activityPhase: 'loadFailed' },
      on: { RETRY: { target: 'loading', actions: 'clearError' } },
    },
    ready: {
      meta: { activityPhase: 'ready' },
      on: {
        'PROCESSES.MORE': { guard: 'hasMoreProcesses', target: 'loadingMore' },
        'PROCESS.OPEN': {
          target: 'detail',
          actions: [
            'clearError',
            assign({ pendingProcessId: ({ event }) => event.processId, processDetail: null }),
          ],
        },
        'ACTIVITY.ECOSYSTEM': {
          guard: 'activityEcosystemSelectable',
          target: 'loading',
          actions: assign({
            processes: ({ event }) => ({ ...EMPTY_PROCESSES, ecosystemId: event.ecosystemId }),
          }),
        },
      },
    },
    loadingMore: {
      tags: 'pending',
      meta: { activityPhase: 'loadingMore' },
      invoke: {
        id: 'listMoreProcesses',
        src: 'listProcesses',
        input: sessionQuery((context) => ({
          ecosystemId: context.processes.ecosystemId,
          cursor: context.processes.nextCursor,
        })),
        onDone: {
          target: 'ready',
          actions: assign({
            processes: ({ context, event }) => ({
              ...context.processes,
              items: [...context.processes.items, ...event.output.items],
              nextCursor: event.output.nextCursor,
              total: event.output.total,
            }),
          }),
        },
        onError: sessionErrors({}, { target: 'ready', actions: ['storeError'] }),
      },
    },
    /** "See details": the process detail modal; the list stays ready behind it. */
    detail: {
      initial: 'loading',
      meta: { activityPhase: 'ready', processDetailOpen: true },
      on: { 'PROCESS.CLOSE': { target: 'ready', actions: assign({ processDetail: null }) } },
      states: {
        loading: {
          tags: 'pending',
          invoke: {
            id: 'getProcess',
            src: 'getProcess',
            input: sessionQuery((context) => ({ processId: context.pendingProcessId ?? '' })),
            onDone: { target: 'open', actions: assign({ processDetail: ({ event }) => event.output }) },
            onError: sessionErrors({}, { target: '#activity.ready', actions: ['storeError'] }),
          },
        },
        open: {},
      },
    },
  },
});
