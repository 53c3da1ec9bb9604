import { describe, expect, it } from 'vitest';
import { createNodeServer } from '../src/http/node.js';
import { BACKEND, DEMO } from './helpers.js';
import { databaseState } from './support/db-state.js';
import { socketCase } from './support/fuzz-http.js';
import { drained, nodeMountSuite, trackSockets } from './support/node-mounts.js';
import { healthy, rawExchange } from './support/raw-http.js';
import { fuzzCases, fuzzSeed, Rng } from './support/rng.js';

const DEFAULT_SEED = 0x5eed2026;
const DEFAULT_CASES = 3000;
/** Cases in flight at once; the server is checked for health after each batch. */
const BATCH = 16;

const suite = nodeMountSuite();
const { listen } = suite;

const unexpectedLogs = () => suite.h.logger.lines.filter((line) => line.includes('unexpected error')).length;

describe('the crashes from the bug report (plain http.createServer + toNodeListener)', () => {
  it('TRACE /openapi.json is answered 405 with Allow, and the server stays up', async () => {
    const port = await suite.plain();
    const r = await rawExchange(port, ['TRACE /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n']);
    expect(r.statuses).toEqual([405]);
    expect(r.text).toMatch(/\r\nallow: GET, HEAD, POST, OPTIONS\r\n/i);
    expect(r.text).toContain('"code":"invalid_input"');
    expect(await healthy(port)).toBe(true);
  });

  it('a Host header "a b" is answered 400 JSON, and the server stays up', async () => {
    const port = await suite.plain();
    const r = await rawExchange(port, ['GET /openapi.json HTTP/1.1\r\nHost: a b\r\n\r\n']);
    expect(r.statuses).toEqual([400]);
    expect(r.text).toMatch(/\r\ncontent-type: application\/json/i);
    expect(r.text).toContain('"code":"invalid_input"');
    expect(await healthy(port)).toBe(true);
  });

  it('an agent POST /lookup with a 1 MB chunked body is answered 413, the connection closes, and the server stays up', async () => {
    const port = await suite.plain();
    const token = await suite.h.server.issueAgentToken(DEMO.agents.ana.id);
    const body = Buffer.alloc(1024 * 1024, 'a');
    const parts: Buffer[] = [
      Buffer.from(
        `POST /lookup HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      ),
    ];
    for (let offset = 0; offset < body.length; offset += 16 * 1024) {
      const chunk = body.subarray(offset, offset + 16 * 1024);
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    const r = await rawExchange(port, parts, { keepOpen: true });
    expect(r.statuses).toEqual([413]);
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.text).toContain('"code":"payload_too_large"');
    // The process would die on the late enqueue here; give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await healthy(port)).toBe(true);
  });
});

describe(`socket fuzz on the Node mount (${BACKEND})`, () => {
  it('every generated request gets an answer or a closed socket, no 5xx but the guarded 500, the server stays up and the database is unchanged', async () => {
    const seed = fuzzSeed(DEFAULT_SEED);
    const count = fuzzCases(DEFAULT_CASES);
    console.info(`[fuzz-socket] seed=${seed} (0x${seed.toString(16)}) cases=${count} backend=${BACKEND}`);
    const server = createNodeServer(suite.h.server.fetch, {
      logger: suite.h.logger,
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
    });
    const open = trackSockets(server);
    const port = await listen(server);
    const before = await databaseState(suite.h.server.database);
    const logsBefore = unexpectedLogs();
    const rng = new Rng(seed);
    const cases = Array.from({ length: count }, () => socketCase(rng));
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let guarded = 0;
    let unanswered = 0;
    for (let start = 0; start < cases.length && problems.length < 20; start += BATCH) {
      const batch = cases.slice(start, start + BATCH);
      const results = await Promise.all(batch.map((c) => rawExchange(port, c.parts, { timeoutMs: 15_000 })));
      results.forEach((r, i) => {
        const label = `case ${start + i} (${batch[i]?.label})`;
        if (!r.closed) problems.push(`${label}: neither answered-and-closed nor closed`);
        if (r.statuses.length === 0) unanswered++;
        for (const status of r.statuses) {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 500 && r.text.includes('"code":"internal"')) guarded++;
          else if (status >= 500) problems.push(`${label}: status ${status}`);
        }
        if (/\n\s+at \S|\.ts:\d+/.test(r.text)) problems.push(`${label}: a stack trace in the answer`);
      });
      if (!(await healthy(port)))
        problems.push(`after case ${start + batch.length - 1}: the health request failed`);
    }
    console.info(
      `[fuzz-socket] statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, closed without an answer ${unanswered}`,
    );
    expect(problems).toEqual([]);
    // Every client is gone: the server holds no socket for long after them.
    await drained(open, 10_000);
    expect(
      [...open].map((s) => `${s.bytesRead} read, ${s.bytesWritten} written, destroyed ${s.destroyed}`),
    ).toEqual([]);
    // Each guarded 500 is logged once; nothing else is.
    expect(unexpectedLogs() - logsBefore).toBe(guarded);
    expect(await databaseState(suite.h.server.database)).toEqual(before);
  }, 180_000);
});
