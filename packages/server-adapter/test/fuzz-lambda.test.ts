import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLambdaHandler } from '../src/http/lambda.js';
import { BACKEND, CapturingLogger, closeAll, type Harness, harness } from './helpers.js';
import { databaseState } from './support/db-state.js';
import { lambdaCase } from './support/fuzz-lambda.js';
import { fuzzCases, fuzzSeed, Rng } from './support/rng.js';

const DEFAULT_SEED = 0x1a3bda26;
const DEFAULT_CASES = 2000;

let h: Harness;

beforeAll(async () => {
  h = await harness();
});
afterAll(closeAll);

const event = (method: string, path: string, extra: Record<string, unknown> = {}) => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'support.example' },
  isBase64Encoded: false,
  requestContext: { domainName: 'support.example', http: { method } },
  ...extra,
});

describe('the Lambda mount refuses malformed events with a 4xx', () => {
  it('serves REST API (v1) events too', async () => {
    const handler = toLambdaHandler(h.server.fetch, { logger: h.logger });
    const result = await handler({
      httpMethod: 'GET',
      path: '/openapi.json',
      headers: { Host: 'support.example' },
      multiValueHeaders: { Host: ['support.example'] },
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { domainName: 'support.example' },
    });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).openapi).toMatch(/^3\./);
  });

  it('answers TRACE 405 with Allow, a known path with the wrong method 405 with its methods', async () => {
    const handler = toLambdaHandler(h.server.fetch, { logger: h.logger });
    const trace = await handler(event('TRACE', '/openapi.json'));
    expect(trace.statusCode).toBe(405);
    expect(trace.headers.Allow).toBe('GET, HEAD, POST, OPTIONS');
    const put = await handler(event('PUT', '/lookup'));
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST, OPTIONS');
  });

  it('answers 400 for a non-object event, a missing request context, bad base64 and a CR/LF header', async () => {
    const handler = toLambdaHandler(h.server.fetch, { logger: h.logger });
    for (const bad of [
      null,
      'event',
      { version: '2.0', rawPath: '/openapi.json' },
      event('POST', '/handoffs/redeem', { isBase64Encoded: true, body: '%%%' }),
      event('GET', '/openapi.json', { headers: { host: 'support.example', 'x-a': 'a\r\nb' } }),
      event('GET', '/openapi.json', { requestContext: { domainName: 'a b', http: { method: 'GET' } } }),
    ]) {
      const result = await handler(bad);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body).error.code).toBe('invalid_input');
    }
  });

  it('turns a failing handler or a failed cold start into a guarded 500 with one log line', async () => {
    const logger = new CapturingLogger();
    const failing = toLambdaHandler(
      async () => {
        throw new RangeError('secret detail');
      },
      { logger },
    );
    const result = await failing(event('GET', '/openapi.json'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'internal', message: 'Something went wrong.' },
    });
    const cold = toLambdaHandler(Promise.reject(new Error('no database')), { logger });
    expect((await cold(event('GET', '/openapi.json'))).statusCode).toBe(500);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines.join('\n')).not.toContain('secret detail');
    expect(result.body).not.toContain('secret detail');
  });
});

describe(`Lambda event fuzz (${BACKEND})`, () => {
  it('every generated event resolves to a well-formed 4xx/2xx or guarded 500, and the database is unchanged', async () => {
    const seed = fuzzSeed(DEFAULT_SEED);
    const count = fuzzCases(DEFAULT_CASES);
    console.info(`[fuzz-lambda] seed=${seed} (0x${seed.toString(16)}) cases=${count} backend=${BACKEND}`);
    const logger = new CapturingLogger();
    const handler = toLambdaHandler(h.server.fetch, { logger });
    const before = await databaseState(h.server.database);
    const rng = new Rng(seed);
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let guarded = 0;
    for (let i = 0; i < count && problems.length < 20; i++) {
      const input = lambdaCase(rng);
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        result = await handler(input);
      } catch (error) {
        problems.push(`case ${i}: rejected (${(error as Error).name})`);
        continue;
      }
      const { statusCode, body, headers, isBase64Encoded } = result;
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      if (!Number.isInteger(statusCode) || typeof body !== 'string' || typeof isBase64Encoded !== 'boolean')
        problems.push(`case ${i}: malformed result`);
      if (typeof headers !== 'object' || headers === null) problems.push(`case ${i}: no headers`);
      if (statusCode === 500 && body.includes('"code":"internal"')) guarded++;
      else if (statusCode >= 500) problems.push(`case ${i}: status ${statusCode}`);
      if (/\n\s+at \S|\.ts:\d+/.test(body)) problems.push(`case ${i}: a stack trace in the answer`);
    }
    console.info(
      `[fuzz-lambda] statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(problems).toEqual([]);
    expect(logger.lines.filter((l) => l.includes('unexpected error'))).toHaveLength(guarded);
    expect(await databaseState(h.server.database)).toEqual(before);
  }, 120_000);
});
