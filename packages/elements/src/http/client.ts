import {
  ApiErrorBody,
  type CallOptions,
  type CodePurpose,
  type RouteName,
  type RouteResponse,
  routePath,
  routes,
  SupportError,
  type SupportServices,
} from '@waizant/support-core/contract';
import ky, { HTTPError, type KyInstance } from 'ky';

/** Returns the agent's bearer token; called before every request so a refreshed token is used. */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

export interface HttpSupportServicesOptions {
  /** Base URL of the server adapter's API, e.g. `https://backoffice.example.com/api/support`. */
  apiBase: string;
  /** The agent's bearer token, fetched per request. */
  getToken: TokenProvider;
  /** A `fetch` to use instead of the global one (tests, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds before a request is given up; default 15 000. */
  timeoutMs?: number;
  /** How many times an idempotent GET is retried on network errors and 408/5xx answers; default 2. */
  getRetries?: number;
}

interface Parser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  options: CallOptions;
}

const UNAVAILABLE = 'The support service could not be reached or answered unexpectedly.';

function unavailable(cause?: unknown): SupportError {
  const error = new SupportError('upstream_unavailable', UNAVAILABLE);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
}

async function errorFromResponse(response: Response, notTheApi: () => void): Promise<SupportError> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    notTheApi();
    return unavailable();
  }
  const parsed = ApiErrorBody.safeParse(json);
  if (!parsed.success) notTheApi();
  return parsed.success ? SupportError.fromBody(parsed.data) : unavailable();
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Diagnostics for the host's developers: the element shows end users a generic message, so a
 * misconfiguration (token provider, `origins`, `api-base`) is named here, once per problem
 * and client. Never with a token.
 */
function diagnostics(base: string) {
  const seen = new Set<string>();
  const here = globalThis.location?.origin ?? 'this page';
  const warn = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    console.warn(`[waizant-support] ${message}`);
  };
  return {
    providerThrew: (error: unknown) =>
      warn(`tokenProvider threw, so the request was not sent: ${messageOf(error)}`),
    noToken: () =>
      warn(
        'no agent token: the token / tokenProvider gave nothing, so the request went without Authorization and the server will answer 401',
      ),
    unauthorized: () =>
      warn(
        'the server refused the agent token (401 unauthorized): expired, or not an ID token for an active agent of this identity; the server logs the reason at warn level',
      ),
    forbidden: (message: string) =>
      warn(
        `the server refused the request (403 forbidden: "${message}"); if it refused this page's origin, add "${here}" to the server's origins`,
      ),
    unreachable: (error: unknown) =>
      warn(
        `the API is not reachable at api-base "${base}" (${messageOf(error)}): check the URL and that the server runs; a CORS preflight refused because "${here}" is not in the server's origins looks the same`,
      ),
    offContract: (what: string) =>
      warn(
        `the ${what} answer from api-base "${base}" does not match the contract of these elements: are the server adapter and the elements the same version?`,
      ),
    notTheApi: (status: number) =>
      warn(
        `the answer from api-base "${base}" (HTTP ${status}) is not the support API's JSON: is api-base the path where the server adapter is mounted?`,
      ),
  };
}

/**
 * `SupportServices` over HTTP, for the elements (or any browser code) to drive the core
 * support flow against the server adapter. Every path and schema comes from core's `routes`.
 * POSTs are never retried (they carry an `Idempotency-Key` so a host-level retry is safe);
 * GETs may be retried on network failures and 408/5xx answers.
 */
export function createHttpSupportServices(options: HttpSupportServicesOptions): SupportServices {
  const base = options.apiBase.replace(/\/+$/, '');
  const diagnose = diagnostics(base);
  const providerErrors = new WeakSet<object>();
  const client: KyInstance = ky.create({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeout: options.timeoutMs ?? 15_000,
    credentials: 'omit',
    retry: {
      limit: options.getRetries ?? 2,
      methods: ['get'],
      statusCodes: [408, 500, 502, 503, 504],
      backoffLimit: 2_000,
    },
    hooks: {
      beforeRequest: [
        async (request) => {
          let token: string | null | undefined;
          try {
            token = await options.getToken();
          } catch (error) {
            diagnose.providerThrew(error);
            if (typeof error === 'object' && error !== null) providerErrors.add(error);
            throw error;
          }
          if (token) request.headers.set('Authorization', `Bearer ${token}`);
          else diagnose.noToken();
        },
      ],
    },
  });

  async function call<N extends RouteName>(name: N, input: CallInput): Promise<RouteResponse<N>> {
    const route = routes[name];
    let body: unknown;
    if ('body' in route) {
      const checked = route.body.safeParse(input.body ?? {});
      if (!checked.success) throw new SupportError('invalid_input', `The ${name} request is not valid.`);
      body = checked.data;
    }
    const searchParams = new URLSearchParams();
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (input.options.idempotencyKey && route.method === 'POST') {
      headers['Idempotency-Key'] = input.options.idempotencyKey;
    }
    let response: Response;
    try {
      response = await client(`${base}${routePath(route.path, input.params)}`, {
        method: route.method,
        headers,
        signal: input.options.signal,
        ...(body !== undefined ? { json: body } : {}),
        ...(searchParams.size ? { searchParams } : {}),
      });
    } catch (error) {
      if (input.options.signal.aborted) throw error;
      if (error instanceof HTTPError) {
        const status = error.response.status;
        const typed = await errorFromResponse(error.response, () => diagnose.notTheApi(status));
        if (status === 401 && typed.code === 'unauthorized') diagnose.unauthorized();
        if (status === 403 && typed.code === 'forbidden') diagnose.forbidden(typed.message);
        throw typed;
      }
      if (typeof error !== 'object' || error === null || !providerErrors.has(error))
        diagnose.unreachable(error);
      throw unavailable(error);
    }
    if (response.status !== route.status) {
      diagnose.notTheApi(response.status);
      throw unavailable();
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      diagnose.notTheApi(response.status);
      throw unavailable(error);
    }
    const parsed = (route.response as Parser<RouteResponse<N>>).safeParse(json);
    if (!parsed.success) {
      diagnose.offContract(name);
      throw unavailable();
    }
    return parsed.data;
  }

  const session = (sessionId: string) => ({ sessionId });
  const sendRoute = (purpose: CodePurpose) => (purpose === 'agent' ? 'sendAgentCode' : 'sendUserCode');
  const verifyRoute = (purpose: CodePurpose) => (purpose === 'agent' ? 'verifyAgentCode' : 'verifyUserCode');

  return {
    lookup: (request, o) => call('lookup', { body: request, options: o }),
    createSession: (request, o) => call('createSession', { body: request, options: o }),
    getSession: (sessionId, o) => call('getSession', { params: session(sessionId), options: o }),
    selectEcosystem: (sessionId, ecosystemId, o) =>
      call('selectEcosystem', { params: session(sessionId), body: { ecosystemId }, options: o }),
    sendCode: (sessionId, purpose, o) =>
      call(sendRoute(purpose), { params: session(sessionId), body: {}, options: o }),
    verifyCode: (sessionId, purpose, code, o) =>
      call(verifyRoute(purpose), { params: session(sessionId), body: { code }, options: o }),
    createHandoff: (sessionId, destination, o) =>
      call('createHandoff', { params: session(sessionId), body: { destination }, options: o }),
    getHandoff: (sessionId, handoffId, o) =>
      call('getHandoff', { params: { sessionId, handoffId }, options: o }),
    emailHandoff: (sessionId, handoffId, token, o) =>
      call('emailHandoff', { params: { sessionId, handoffId }, body: { token }, options: o }),
    touch: (sessionId, o) => call('touch', { params: session(sessionId), body: {}, options: o }),
    cancel: (sessionId, reason, o) =>
      call('cancel', { params: session(sessionId), body: { reason }, options: o }),
    complete: (sessionId, o) => call('complete', { params: session(sessionId), body: {}, options: o }),
    listProcesses: (sessionId, query, o) =>
      call('listProcesses', {
        params: session(sessionId),
        query: { ecosystemId: query.ecosystemId, cursor: query.cursor, limit: query.limit },
        options: o,
      }),
    getProcess: (sessionId, processId, o) =>
      call('getProcess', { params: { sessionId, processId }, options: o }),
    agentPasskeyOptions: (sessionId, o) =>
      call('agentPasskeyOptions', { params: session(sessionId), body: {}, options: o }),
    verifyAgentPasskey: (sessionId, credential, o) =>
      call('verifyAgentPasskey', { params: session(sessionId), body: { credential }, options: o }),
    passkeyRegistrationOptions: (sessionId, o) =>
      call('passkeyRegistrationOptions', { params: session(sessionId), body: {}, options: o }),
    registerPasskey: (sessionId, credential, name, o) =>
      call('registerPasskey', {
        params: session(sessionId),
        body: name === undefined ? { credential } : { credential, name },
        options: o,
      }),
    listPasskeys: (o) => call('listPasskeys', { options: o }),
    removePasskey: (passkeyId, o) => call('removePasskey', { params: { passkeyId }, body: {}, options: o }),
  };
}
