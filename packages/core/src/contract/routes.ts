import type * as z from 'zod/mini';
import {
  AssistedRefreshRequest,
  AssistedRefreshResponse,
  AssistedSession,
  CancelRequest,
  CreateHandoffRequest,
  CreateSessionRequest,
  EmailHandoffRequest,
  EmptyRequest,
  Handoff,
  HandoffEmail,
  HandoffParams,
  HandoffStatus,
  IntrospectRequest,
  IntrospectResponse,
  LookupRequest,
  LookupResponse,
  PasskeyCreationOptions,
  PasskeyList,
  PasskeyParams,
  PasskeyRequestOptions,
  PasskeySummary,
  ProcessDetail,
  ProcessListQuery,
  ProcessPage,
  ProcessParams,
  RedeemHandoffRequest,
  RegisterPasskeyRequest,
  SelectEcosystemRequest,
  SessionParams,
  SupportSessionView,
  VerifyAgentPasskeyRequest,
  VerifyCodeRequest,
  verifyCodeRequest,
} from './api.js';
import { DEFAULT_CODE_DIGITS } from './constants.js';

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** OpenAPI-style path template: `{name}` marks a parameter. */
  readonly path: string;
  readonly params?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly body?: z.ZodMiniType;
  readonly response: z.ZodMiniType;
  readonly status: 200 | 201;
  /** false only for the route the destination app calls with a handoff token. */
  readonly agentAuth: boolean;
}

/**
 * The HTTP API, once. The server mounts these, the client calls these, and the OpenAPI
 * document is generated from these.
 */
export const routes = {
  lookup: {
    method: 'POST',
    path: '/lookup',
    body: LookupRequest,
    response: LookupResponse,
    status: 200,
    agentAuth: true,
  },
  createSession: {
    method: 'POST',
    path: '/sessions',
    body: CreateSessionRequest,
    response: SupportSessionView,
    status: 201,
    agentAuth: true,
  },
  getSession: {
    method: 'GET',
    path: '/sessions/{sessionId}',
    params: SessionParams,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  selectEcosystem: {
    method: 'POST',
    path: '/sessions/{sessionId}/ecosystem',
    params: SessionParams,
    body: SelectEcosystemRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  sendAgentCode: {
    method: 'POST',
    path: '/sessions/{sessionId}/agent-code',
    params: SessionParams,
    body: EmptyRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  verifyAgentCode: {
    method: 'POST',
    path: '/sessions/{sessionId}/agent-code/verify',
    params: SessionParams,
    body: VerifyCodeRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  agentPasskeyOptions: {
    method: 'POST',
    path: '/sessions/{sessionId}/agent-passkey/options',
    params: SessionParams,
    body: EmptyRequest,
    response: PasskeyRequestOptions,
    status: 200,
    agentAuth: true,
  },
  verifyAgentPasskey: {
    method: 'POST',
    path: '/sessions/{sessionId}/agent-passkey/verify',
    params: SessionParams,
    body: VerifyAgentPasskeyRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  passkeyRegistrationOptions: {
    method: 'POST',
    path: '/sessions/{sessionId}/passkeys/options',
    params: SessionParams,
    body: EmptyRequest,
    response: PasskeyCreationOptions,
    status: 200,
    agentAuth: true,
  },
  registerPasskey: {
    method: 'POST',
    path: '/sessions/{sessionId}/passkeys',
    params: SessionParams,
    body: RegisterPasskeyRequest,
    response: PasskeySummary,
    status: 201,
    agentAuth: true,
  },
  listPasskeys: {
    method: 'GET',
    path: '/passkeys',
    response: PasskeyList,
    status: 200,
    agentAuth: true,
  },
  removePasskey: {
    method: 'POST',
    path: '/passkeys/{passkeyId}/remove',
    params: PasskeyParams,
    body: EmptyRequest,
    response: PasskeyList,
    status: 200,
    agentAuth: true,
  },
  sendUserCode: {
    method: 'POST',
    path: '/sessions/{sessionId}/user-code',
    params: SessionParams,
    body: EmptyRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  verifyUserCode: {
    method: 'POST',
    path: '/sessions/{sessionId}/user-code/verify',
    params: SessionParams,
    body: VerifyCodeRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  createHandoff: {
    method: 'POST',
    path: '/sessions/{sessionId}/handoffs',
    params: SessionParams,
    body: CreateHandoffRequest,
    response: Handoff,
    status: 201,
    agentAuth: true,
  },
  getHandoff: {
    method: 'GET',
    path: '/sessions/{sessionId}/handoffs/{handoffId}',
    params: HandoffParams,
    response: HandoffStatus,
    status: 200,
    agentAuth: true,
  },
  emailHandoff: {
    method: 'POST',
    path: '/sessions/{sessionId}/handoffs/{handoffId}/email',
    params: HandoffParams,
    body: EmailHandoffRequest,
    response: HandoffEmail,
    status: 200,
    agentAuth: true,
  },
  touch: {
    method: 'POST',
    path: '/sessions/{sessionId}/activity',
    params: SessionParams,
    body: EmptyRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  cancel: {
    method: 'POST',
    path: '/sessions/{sessionId}/cancel',
    params: SessionParams,
    body: CancelRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  complete: {
    method: 'POST',
    path: '/sessions/{sessionId}/complete',
    params: SessionParams,
    body: EmptyRequest,
    response: SupportSessionView,
    status: 200,
    agentAuth: true,
  },
  listProcesses: {
    method: 'GET',
    path: '/sessions/{sessionId}/processes',
    params: SessionParams,
    query: ProcessListQuery,
    response: ProcessPage,
    status: 200,
    agentAuth: true,
  },
  getProcess: {
    method: 'GET',
    path: '/sessions/{sessionId}/processes/{processId}',
    params: ProcessParams,
    response: ProcessDetail,
    status: 200,
    agentAuth: true,
  },
  redeemHandoff: {
    method: 'POST',
    path: '/handoffs/redeem',
    body: RedeemHandoffRequest,
    response: AssistedSession,
    status: 200,
    agentAuth: false,
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
export type RouteResponse<N extends RouteName> = z.output<(typeof routes)[N]['response']>;

/** Fills a path template: `/sessions/{sessionId}` + `{ sessionId }` → `/sessions/…`. */
export function routePath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/**
 * The request body a route validates, for a server configured with `codeDigits`: the two
 * verify routes take codes of that length; every other route takes its body as declared.
 */
export function routeBody(
  name: RouteName,
  codeDigits: number = DEFAULT_CODE_DIGITS,
): z.ZodMiniType | undefined {
  const spec: RouteSpec = routes[name];
  const verifies = name === 'verifyAgentCode' || name === 'verifyUserCode';
  return verifies && codeDigits !== DEFAULT_CODE_DIGITS ? verifyCodeRequest(codeDigits) : spec.body;
}

/** A route destination apps call with their client credentials (HTTP Basic), form-encoded. */
export interface DestinationRouteSpec {
  readonly method: 'POST';
  readonly path: string;
  readonly body: z.ZodMiniType;
  readonly response: z.ZodMiniType;
  readonly status: 200;
}

/** The assisted-session routes for destination apps: never reachable with an agent's token. */
export const destinationRoutes = {
  introspectAssisted: {
    method: 'POST',
    path: '/assisted/introspect',
    body: IntrospectRequest,
    response: IntrospectResponse,
    status: 200,
  },
  refreshAssisted: {
    method: 'POST',
    path: '/assisted/refresh',
    body: AssistedRefreshRequest,
    response: AssistedRefreshResponse,
    status: 200,
  },
} as const satisfies Record<string, DestinationRouteSpec>;

export type DestinationRouteName = keyof typeof destinationRoutes;
