import { routes } from '@waizant/support-core';
import type { Rng } from './rng.js';

/** One generated case: the bytes to send, in the fragments they go out in. */
export interface SocketCase {
  readonly label: string;
  readonly parts: Buffer[];
}

const TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
const PRINTABLE =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const UUID = '00000000-0000-4000-8000-0000000000a1';

function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function method(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(['GET', 'POST', 'POST', 'HEAD', 'OPTIONS']);
  return rng.pick([
    'PUT',
    'DELETE',
    'PATCH',
    'TRACE',
    'TRACK',
    'CONNECT',
    'PROPFIND',
    'M-SEARCH',
    'PURGE',
    'SEARCH',
    'QUERY',
    'get',
    'POSTT',
    '',
    'G\x00T',
    'GET\tX',
    rng.string(1 + rng.int(12), TOKEN),
    rng.bytes(1 + rng.int(8)).toString('latin1'),
  ]);
}

function param(rng: Rng): string {
  return rng.pick([
    UUID,
    'not-a-uuid',
    '..',
    '%2e%2e',
    '%00',
    '%',
    '%ZZ',
    '%E0%A4%A',
    '%C0%AF',
    rng.string(1 + rng.int(40), TOKEN),
    'a'.repeat(rng.int(3000)),
  ]);
}

function routePath(rng: Rng): string {
  const templates = [
    ...Object.values(routes).map((r) => r.path),
    '/openapi.json',
    '/.well-known/jwks.json',
    '/dev/outbox',
    '/nope',
  ];
  return rng.pick(templates).replace(/\{\w+\}/g, () => param(rng));
}

function target(rng: Rng): string {
  if (rng.chance(0.55)) {
    const path = routePath(rng);
    return rng.chance(0.2)
      ? `${path}?${rng.pick(['to=a@b.example', '%', 'a=%ZZ', 'limit=-1', 'a'.repeat(rng.int(2000))])}`
      : path;
  }
  return rng.pick([
    '*',
    'http://evil.example/lookup',
    'https://a b/x',
    'http://[::1/x',
    '//evil.example/openapi.json',
    '/\\evil',
    '',
    'lookup',
    '/%',
    '/a?%',
    '/a b',
    '/a\x00b',
    `/${rng.bytes(1 + rng.int(30)).toString('latin1')}`,
    `/${'a'.repeat(1000 + rng.int(40_000))}`,
    `/openapi.json?${'q'.repeat(rng.int(20_000))}`,
    `/${rng.string(rng.int(200), PRINTABLE)}`,
  ]);
}

function version(rng: Rng): string {
  if (rng.chance(0.85)) return 'HTTP/1.1';
  return rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'HTTP/1.1x', '', 'FOO', 'http/1.1']);
}

function headerLines(rng: Rng, bodyLength: number, framing: string): string[] {
  const lines: string[] = [];
  const host = rng.chance(0.8)
    ? 'localhost'
    : rng.pick(['a b', '', '\xe9vil', '[::1]', 'x'.repeat(300), ':80', 'a:99999', 'a@b', 'a/b', 'a\tb']);
  if (rng.chance(0.95)) lines.push(`Host: ${host}`);
  if (rng.chance(0.05)) lines.push('Host: second.example');
  if (rng.chance(0.6))
    lines.push(
      `Content-Type: ${rng.pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/jsonx', rng.string(rng.int(50), PRINTABLE)])}`,
    );
  if (rng.chance(0.4))
    lines.push(
      `Authorization: ${rng.pick(['Bearer ', 'Bearer x.y.z', 'Basic YTpi', `Bearer ${'A'.repeat(9000)}`, `Bearer ${rng.string(rng.int(200), PRINTABLE)}`])}`,
    );
  if (rng.chance(0.2))
    lines.push(
      `Origin: ${rng.pick(['https://backoffice.example', 'https://evil.example', 'null', rng.string(20, PRINTABLE)])}`,
    );
  if (rng.chance(0.1)) lines.push('Sec-Fetch-Site: cross-site');
  if (rng.chance(0.1)) lines.push(`Idempotency-Key: ${rng.string(rng.int(300), PRINTABLE)}`);
  if (rng.chance(0.1))
    lines.push(
      rng.pick([
        'Connection: close',
        'Connection: keep-alive',
        'Connection: Upgrade\r\nUpgrade: websocket',
        'Expect: 100-continue',
      ]),
    );
  const randomHeaders = rng.chance(0.3) ? rng.int(6) : 0;
  for (let i = 0; i < randomHeaders; i++) {
    const name = rng.chance(0.7)
      ? rng.string(1 + rng.int(20), TOKEN)
      : rng.pick([
          'a b',
          '(x)',
          '\x7f',
          '',
          'x\x00y',
          '\xe9',
          'a"b',
          rng.bytes(1 + rng.int(6)).toString('latin1'),
        ]);
    const value = rng.chance(0.6)
      ? rng.string(rng.int(100), PRINTABLE)
      : rng.pick([
          '\x00',
          'a\rb',
          '\xff\xfe',
          'x\r\n folded',
          'v'.repeat(rng.int(20_000)),
          rng.bytes(rng.int(40)).toString('latin1'),
        ]);
    lines.push(`${name}: ${value}`);
  }
  if (rng.chance(0.03)) for (let i = 0; i < 100 + rng.int(2500); i++) lines.push(`X-H${i}: ${i}`);
  if (rng.chance(0.03)) lines.push(`X-Big: ${'b'.repeat(16_000 + rng.int(20_000))}`);

  if (framing === 'cl') lines.push(`Content-Length: ${bodyLength}`);
  else if (framing === 'cl-short') lines.push(`Content-Length: ${bodyLength + 1 + rng.int(5000)}`);
  else if (framing === 'cl-long') lines.push(`Content-Length: ${Math.max(0, bodyLength - 1 - rng.int(20))}`);
  else if (framing === 'cl-bad')
    lines.push(
      `Content-Length: ${rng.pick(['-1', 'abc', '1e3', ' 5', '99999999999999999999', `${bodyLength}, ${bodyLength + 1}`, ''])}`,
    );
  else if (framing === 'cl-dup')
    lines.push(`Content-Length: ${bodyLength}`, `Content-Length: ${bodyLength + 3}`);
  else if (framing.startsWith('chunked')) {
    lines.push(
      `Transfer-Encoding: ${rng.chance(0.85) ? 'chunked' : rng.pick(['Chunked', 'gzip, chunked', 'chunked, gzip', 'identity', 'chunked\r\nTransfer-Encoding: chunked'])}`,
    );
    if (rng.chance(0.05)) lines.push(`Content-Length: ${bodyLength}`);
  }
  // Shuffle so the framing headers are not always last.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
  }
  return lines;
}

function body(rng: Rng): Buffer {
  const kind = rng.int(7);
  if (kind === 0) return Buffer.alloc(0);
  if (kind === 1) return rng.bytes(rng.int(400));
  if (kind === 2)
    return Buffer.from(rng.pick(['{}', '{"a":', '[]', 'null', '"x"', '{"token":1}', '{"email":null}']));
  if (kind === 3)
    return Buffer.concat([Buffer.from('{"token":"'), rng.bytes(rng.int(40)), Buffer.from('"}')]);
  if (kind === 4) return Buffer.alloc(16_000 + rng.int(80_000), 'a');
  if (kind === 5) return Buffer.from(`{"reason":"${'\u00e9'.repeat(rng.int(200))}","x":${rng.int(1e9)}}`);
  return Buffer.from(rng.string(rng.int(300), PRINTABLE));
}

function chunked(rng: Rng, data: Buffer, bad: boolean): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const size = Math.min(data.length - offset, 1 + rng.int(8192));
    const ext = rng.chance(0.05) ? ';name=value' : '';
    out.push(
      Buffer.from(`${size.toString(16)}${ext}\r\n`),
      data.subarray(offset, offset + size),
      Buffer.from('\r\n'),
    );
    offset += size;
  }
  if (bad) {
    const broken = rng.pick([
      'zz\r\nabc\r\n',
      '5\r\nabc\r\n',
      '3\r\nabcdef\r\n',
      '-1\r\n',
      'fffffffffffffffffffff\r\n',
      '3\nabc\n',
      `3;${'e'.repeat(20_000)}\r\nabc\r\n`,
      '3\r\nabc',
      '',
    ]);
    out.splice(rng.int(out.length + 1), 0, Buffer.from(broken));
    if (rng.chance(0.5)) return Buffer.concat(out);
  }
  out.push(Buffer.from(rng.chance(0.1) ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n'));
  return Buffer.concat(out);
}

function request(rng: Rng): { label: string; bytes: Buffer } {
  const m = method(rng);
  const framing = rng.pick([
    'none',
    'none',
    'cl',
    'cl',
    'cl-short',
    'cl-long',
    'cl-bad',
    'cl-dup',
    'chunked',
    'chunked',
    'chunked-bad',
  ]);
  const data = framing === 'none' ? Buffer.alloc(0) : body(rng);
  const eol = rng.chance(0.95) ? '\r\n' : rng.pick(['\n', '\r']);
  const head = `${m} ${target(rng)}${rng.chance(0.98) ? ` ${version(rng)}` : ''}${eol}${headerLines(
    rng,
    data.length,
    framing,
  )
    .map((l) => l + eol)
    .join('')}${eol}`;
  let payload = data;
  if (framing.startsWith('chunked')) payload = chunked(rng, data, framing === 'chunked-bad');
  else if (framing === 'cl-short') payload = data;
  return {
    label: `${JSON.stringify(m).slice(0, 20)} ${framing}`,
    bytes: Buffer.concat([latin1(head), payload]),
  };
}

/** A generated case: one to four pipelined requests, sometimes cut short, sent in fragments. */
export function socketCase(rng: Rng): SocketCase {
  const count = rng.chance(0.85) ? 1 : 2 + rng.int(3);
  const requests = Array.from({ length: count }, () => request(rng));
  let bytes = Buffer.concat(requests.map((r) => r.bytes));
  let label = requests.map((r) => r.label).join(' | ');
  if (rng.chance(0.1)) {
    bytes = bytes.subarray(0, rng.int(bytes.length));
    label += ' (truncated)';
  }
  const parts: Buffer[] = [];
  const pieces = rng.chance(0.7) ? 1 : 2 + rng.int(4);
  let offset = 0;
  for (let i = 1; i < pieces; i++) {
    const cut = offset + rng.int(bytes.length - offset + 1);
    parts.push(bytes.subarray(offset, cut));
    offset = cut;
  }
  parts.push(bytes.subarray(offset));
  return { label, parts };
}
