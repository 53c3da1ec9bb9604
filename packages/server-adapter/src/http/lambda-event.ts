import * as z from 'zod/mini';
import {
  badRequest,
  type EdgeAnswer,
  HOST,
  KIT_METHODS,
  methodNotAllowed,
  PASSED_METHODS,
} from './respond.js';

/** Longer paths or query strings than any route of the kit can use are refused. */
const MAX_TARGET = 8192;
const MAX_HEADERS = 200;

const text = (max: number) => z.string().check(z.maxLength(max));
const HeaderMap = z.record(z.string(), z.optional(z.nullable(z.string())));

/** API Gateway HTTP API (payload 2.0) and Lambda function URL events. */
const V2Event = z.looseObject({
  version: z.literal('2.0'),
  rawPath: text(MAX_TARGET),
  rawQueryString: z.optional(z.nullable(text(MAX_TARGET))),
  headers: z.optional(z.nullable(HeaderMap)),
  cookies: z.optional(z.nullable(z.array(z.string()))),
  body: z.optional(z.nullable(z.string())),
  isBase64Encoded: z.optional(z.nullable(z.boolean())),
  requestContext: z.looseObject({
    domainName: z.optional(z.nullable(z.string())),
    http: z.looseObject({ method: text(32) }),
  }),
});

const Params = z.optional(z.nullable(z.record(z.string(), z.optional(z.nullable(z.string())))));
const MultiParams = z.optional(z.nullable(z.record(z.string(), z.optional(z.nullable(z.array(z.string()))))));

/** API Gateway REST API (and HTTP API payload 1.0) events. */
const V1Event = z.looseObject({
  httpMethod: text(32),
  path: text(MAX_TARGET),
  headers: z.optional(z.nullable(HeaderMap)),
  multiValueHeaders: MultiParams,
  queryStringParameters: Params,
  multiValueQueryStringParameters: MultiParams,
  body: z.optional(z.nullable(z.string())),
  isBase64Encoded: z.optional(z.nullable(z.boolean())),
  requestContext: z.optional(z.nullable(z.looseObject({ domainName: z.optional(z.nullable(z.string())) }))),
});

export type EventKind = 'v1' | 'v2';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Header values outside Latin-1 cannot go into `Headers`; escaped, they can never match a token. */
function headerValue(value: string): string {
  return /[\u0080-\uFFFF]/.test(value) ? encodeURIComponent(value) : value;
}

function query(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/**
 * Turns a Lambda HTTP event into a `Request`, validating every field it reads; a malformed event
 * becomes the answer to give instead.
 */
export function requestFromEvent(event: unknown): { kind: EventKind; request: Request } | EdgeAnswer {
  const isV2 =
    typeof event === 'object' && event !== null && (event as { version?: unknown }).version === '2.0';
  const kind: EventKind = isV2 ? 'v2' : 'v1';
  let method: string;
  let path: string;
  let search: string;
  let domain: string | null | undefined;
  let body: string | null | undefined;
  let base64: boolean;
  const headers = new Headers();
  try {
    if (isV2) {
      const parsed = V2Event.safeParse(event);
      if (!parsed.success) return badRequest('Malformed Lambda event.');
      const e = parsed.data;
      const entries = Object.entries(e.headers ?? {});
      if (entries.length > MAX_HEADERS) return badRequest('Too many request headers.');
      for (const [name, value] of entries) if (value) headers.set(name, headerValue(value));
      if (e.cookies && e.cookies.length > 0) headers.set('cookie', headerValue(e.cookies.join('; ')));
      method = e.requestContext.http.method;
      path = e.rawPath;
      search = e.rawQueryString ?? '';
      domain = e.requestContext.domainName ?? e.headers?.host;
      body = e.body;
      base64 = e.isBase64Encoded === true;
    } else {
      const parsed = V1Event.safeParse(event);
      if (!parsed.success) return badRequest('Malformed Lambda event.');
      const e = parsed.data;
      const multi = Object.entries(e.multiValueHeaders ?? {});
      const single = Object.entries(e.headers ?? {});
      if (multi.length + single.length > MAX_HEADERS) return badRequest('Too many request headers.');
      for (const [name, values] of multi) for (const v of values ?? []) headers.append(name, headerValue(v));
      for (const [name, value] of single)
        if (value && !headers.has(name)) headers.set(name, headerValue(value));
      method = e.httpMethod;
      path = e.path;
      const multiQuery = Object.entries(e.multiValueQueryStringParameters ?? {});
      search =
        multiQuery.length > 0
          ? query(multiQuery.flatMap(([k, vs]) => (vs ?? []).map((v): [string, string] => [k, v])))
          : query(
              Object.entries(e.queryStringParameters ?? {}).flatMap(
                ([k, v]): Array<[string, string]> => (v === undefined || v === null ? [] : [[k, v]]),
              ),
            );
      domain = e.requestContext?.domainName ?? headers.get('host');
      body = e.body;
      base64 = e.isBase64Encoded === true;
    }
  } catch {
    // `Headers` refuses a name or value that HTTP does not allow.
    return badRequest('Malformed request header.');
  }
  if (!PASSED_METHODS.has(method)) return methodNotAllowed(KIT_METHODS);
  const host = domain ?? 'localhost';
  if (!HOST.test(host)) return badRequest('Malformed Host header or request target.');
  if (!path.startsWith('/') || search.length > MAX_TARGET)
    return badRequest('Malformed Host header or request target.');
  let url: URL;
  try {
    url = new URL(`https://${host}${path}${search ? `?${search}` : ''}`);
  } catch {
    return badRequest('Malformed Host header or request target.');
  }
  // Backed by a plain ArrayBuffer, which every `BodyInit` typing accepts.
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (body && method !== 'GET' && method !== 'HEAD') {
    if (base64 && !BASE64.test(body)) return badRequest('The request body is not valid base64.');
    bytes = new Uint8Array(base64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'));
    // The length the handler checks is the one of the bytes it gets, not the one the client claimed.
    headers.set('content-length', String(bytes.byteLength));
  } else headers.delete('content-length');
  try {
    return { kind, request: new Request(url, { method, headers, ...(bytes ? { body: bytes } : {}) }) };
  } catch {
    return badRequest('Malformed request.');
  }
}
