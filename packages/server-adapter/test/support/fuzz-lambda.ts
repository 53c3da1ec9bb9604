import type { Rng } from './rng.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function v2(method: string, path: string, body?: string): Record<string, Json> {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'support.example', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      domainName: 'support.example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'r',
      stage: '$default',
    },
  };
}

function v1(method: string, path: string, body?: string): Record<string, Json> {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Host: 'support.example', 'Content-Type': 'application/json' },
    multiValueHeaders: { Host: ['support.example'], 'Content-Type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: { domainName: 'support.example', stage: 'prod', requestId: 'r' },
  };
}

/** Function URL events are payload 2.0 with their own domain and no stage. */
function functionUrl(method: string, path: string, body?: string): Record<string, Json> {
  const e = v2(method, path, body);
  e.requestContext = {
    domainName: 'abc.lambda-url.eu-west-1.on.aws',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
  };
  return e;
}

function junk(rng: Rng, depth = 0): Json {
  switch (rng.int(depth > 1 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.5]);
    case 3:
      return rng.pick(['', 'x', '\u0000', 'a\r\nb', '\ud800', '\u00e9\u4e2d', 'A'.repeat(10_000)]);
    case 4:
      return rng.bytes(rng.int(30)).toString('latin1');
    case 5:
      return rng.string(rng.int(40), 'abc/?%#:@ \t');
    case 6:
      return [junk(rng, depth + 1), junk(rng, depth + 1)];
    default:
      return { [rng.string(3, 'abc')]: junk(rng, depth + 1) };
  }
}

function mutate(rng: Rng, event: Record<string, Json>): void {
  // A random field somewhere in the event: dropped, or replaced by a value of the wrong kind.
  let target: Record<string, Json> = event;
  for (let depth = 0; depth < 3; depth++) {
    const keys = Object.keys(target);
    const key = rng.pick(keys);
    const value = key === undefined ? undefined : target[key];
    if (key === undefined) return;
    if (value && typeof value === 'object' && !Array.isArray(value) && rng.chance(0.5)) {
      target = value;
      continue;
    }
    if (rng.chance(0.3)) delete target[key];
    else target[key] = junk(rng);
    return;
  }
}

function specific(rng: Rng, event: Record<string, Json>): void {
  const isV2 = event.version === '2.0';
  const isObject = (v: Json | undefined): v is Record<string, Json> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const context = isObject(event.requestContext) ? event.requestContext : undefined;
  const http = isV2 && isObject(context?.http) ? (context?.http as Record<string, Json>) : undefined;
  const setMethod = (m: Json) => {
    if (isV2 && http) http.method = m;
    else event.httpMethod = m;
  };
  switch (rng.int(9)) {
    case 0:
      setMethod(
        rng.pick(['TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'get', '', 'G T', 'GET\u0000', 'x'.repeat(100)]),
      );
      break;
    case 1:
      event.isBase64Encoded = true;
      event.body = rng.pick([
        '%%%',
        'abc',
        'YQ',
        'YQ==YQ==',
        '====',
        rng.string(rng.int(100), 'A-Z_*'),
        'eyJ0b2tlbiI6MX0=',
      ]);
      break;
    case 2:
      event.body = rng.chance(0.5)
        ? 'a'.repeat(100_000 + rng.int(2_000_000))
        : rng.bytes(rng.int(500)).toString('latin1');
      break;
    case 3: {
      const headers = isObject(event.headers) ? event.headers : {};
      headers[rng.pick(['bad name', 'x\u0000', '', '\u00e9', 'content-length', 'host', 'authorization'])] =
        rng.pick(['a\r\nb', '\u0000', '\ud800', '\u4e2d\u6587', 'v'.repeat(20_000), '-5', 'Bearer x.y.z']);
      event.headers = headers;
      break;
    }
    case 4: {
      const many: Record<string, Json> = {};
      for (let i = 0; i < 250 + rng.int(500); i++) many[`x-h${i}`] = String(i);
      event.headers = many;
      break;
    }
    case 5: {
      const path = rng.pick([
        '',
        'lookup',
        '//evil/x',
        '/a b',
        '/%',
        '/%ZZ',
        `/${'a'.repeat(10_000)}`,
        '/\u4e2d',
        '/a\u0000',
      ]);
      if (isV2) event.rawPath = path;
      else event.path = path;
      break;
    }
    case 6:
      if (context)
        context.domainName = rng.pick(['a b', '', 'évil', 'x:99999', 'a/b', '[::1', 'x'.repeat(300)]);
      break;
    case 7:
      if (isV2) event.cookies = rng.pick<Json>([[1, 2], 'a=b', ['a=\r\nb'], [null], ['\ud800']]);
      else event.multiValueQueryStringParameters = rng.pick<Json>([{ a: ['%', '\ud800'] }, { a: 'x' }, [1]]);
      break;
    default:
      if (isV2) event.rawQueryString = rng.pick<Json>(['%', 'a=%ZZ', 'q'.repeat(10_000), 5]);
      else event.queryStringParameters = rng.pick<Json>([{ a: null }, { '\ud800': 'x' }, 'a=b']);
  }
}

/** A generated Lambda event: a valid REST, HTTP API or function URL event, then broken. */
export function lambdaCase(rng: Rng): unknown {
  if (rng.chance(0.03))
    return rng.pick<unknown>([
      null,
      undefined,
      42,
      'event',
      [],
      {},
      { version: '2.0' },
      { httpMethod: 'GET' },
    ]);
  const [method, path, body] = rng.pick<[string, string, string | undefined]>([
    ['GET', '/openapi.json', undefined],
    ['POST', '/handoffs/redeem', '{"token":1}'],
    ['POST', '/lookup', '{"email":"x"}'],
    ['GET', '/sessions/00000000-0000-4000-8000-0000000000a1', undefined],
    ['PUT', '/lookup', '{}'],
  ]);
  const event = rng.pick([v1, v2, functionUrl])(method, path, body);
  const mutations = 1 + rng.int(3);
  for (let i = 0; i < mutations; i++) {
    if (rng.chance(0.5)) mutate(rng, event);
    else specific(rng, event);
  }
  return event;
}
