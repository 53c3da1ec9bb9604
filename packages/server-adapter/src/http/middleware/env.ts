import type { RouteName } from '@waizant/support-core';
import type { AgentRef } from '../../services/session-store.js';

/** What the request checks hand on to the next one and to the route's handler. */
export interface RequestVariables {
  /** Set first, by `requestLog`: the contract route being served. */
  route: RouteName;
  agent: AgentRef;
  params: unknown;
  query: unknown;
  /** The raw body, read within the size limit (`bodyLimit`). */
  bodyText: string;
  body: unknown;
  idempotencyKey: string | null;
}

export interface AppEnv {
  Variables: RequestVariables;
}
