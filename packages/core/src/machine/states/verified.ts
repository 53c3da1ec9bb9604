import { sessionQuery } from '../session-transitions.js';
import { supportSetup } from '../setup.js';
import { activity } from './activity.js';
import { assisting } from './assisting.js';

/**
 * 3. Both codes passed. Nothing the agent does on these views reads the session, yet the user
 * may end it from their e-mail at any moment: the watcher re-reads it, and a closed one is
 * routed like any other closed session.
 */
export const verified = supportSetup.createStateConfig({
  // Always entered through `route` or `resume`; XState still wants a default child.
  initial: 'assisting',
  invoke: { id: 'watchSession', src: 'watchSession', input: sessionQuery() },
  on: { 'SESSION.POLLED': { guard: 'polledSessionClosed', target: '#route', actions: 'storeSession' } },
  states: { assisting, activity },
});
