import { expect } from '@open-wc/testing';
import { SupportError, type SupportSessionView } from '@waizant/support-core';
import { createHttpSupportServices } from '../src/http/client.js';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const SESSION_ID = '5f0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e90';
const USER_ID = '0b0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e91';
const ECO_ID = '1c0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e92';
const T = '2026-11-25T10:00:00.000Z';

const session: SupportSessionView = {
  id: SESSION_ID,
  flow: 'technical-assistance',
  step: 'agent_code',
  user: { id: USER_ID, name: 'Ana Pérez', email: 'ana@example.com' },
  ecosystems: [{ id: ECO_ID, name: 'Casa', role: 'administrator', inherited: false }],
  ecosystemId: ECO_ID,
  role: 'administrator',
  code: null,
  destinations: [],
  createdAt: T,
  lastActivityAt: T,
  expiresAt: T,
  warnAt: T,
  absoluteExpiresAt: T,
  closedAt: null,
  serverTime: T,
};

type Reply = Response | (() => Response | Promise<Response>);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake fetch that records every request exactly as it went on the wire. */
function fakeFetch(...replies: Reply[]) {
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    sent.push({ method: request.method, url: request.url, headers, body: await request.text() });
    const reply = replies.shift();
    if (!reply) throw new TypeError('Failed to fetch');
    return typeof reply === 'function' ? reply() : reply;
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const signal = () => new AbortController().signal;

describe('createHttpSupportServices', () => {
  it('POSTs the lookup with JSON, a fresh bearer token and the route path', async () => {
    const { fetch, sent } = fakeFetch(json(200, { found: false }));
    let n = 0;
    const services = createHttpSupportServices({
      apiBase: 'https://api.example.com/support/',
      getToken: async () => `token-${++n}`,
      fetch,
    });
    const result = await services.lookup(
      { email: 'Ana@Example.com', flow: 'technical-assistance' },
      { signal: signal() },
    );
    expect(result).to.deep.equal({ found: false });
    expect(sent).to.have.length(1);
    expect(sent[0]?.method).to.equal('POST');
    expect(sent[0]?.url).to.equal('https://api.example.com/support/lookup');
    expect(sent[0]?.headers.authorization).to.equal('Bearer token-1');
    expect(sent[0]?.headers['content-type']).to.equal('application/json');
    expect(sent[0]?.headers['idempotency-key']).to.equal(undefined);
    expect(JSON.parse(sent[0]?.body ?? '')).to.deep.equal({
      email: 'ana@example.com',
      flow: 'technical-assistance',
    });
  });

  it('asks for the token on every request', async () => {
    const { fetch, sent } = fakeFetch(json(200, session), json(200, session));
    let n = 0;
    const services = createHttpSupportServices({ apiBase: '/api', getToken: () => `t${++n}`, fetch });
    await services.getSession(SESSION_ID, { signal: signal() });
    await services.getSession(SESSION_ID, { signal: signal() });
    expect(sent.map((s) => s.headers.authorization)).to.deep.equal(['Bearer t1', 'Bearer t2']);
    expect(sent[0]?.url).to.equal(`${location.origin}/api/sessions/${SESSION_ID}`);
    expect(sent[0]?.method).to.equal('GET');
    expect(sent[0]?.body).to.equal('');
  });

  it('sends commands with their Idempotency-Key and body, on the purpose route', async () => {
    const { fetch, sent } = fakeFetch(
      json(200, session),
      json(200, session),
      json(201, {
        id: ECO_ID,
        destination: 'app',
        page: 'app',
        link: 'https://app.example.com/h#token=abc',
        expiresAt: T,
        expiresIn: 120,
      }),
    );
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    await services.verifyCode(SESSION_ID, 'agent', '123456', {
      signal: signal(),
      idempotencyKey: 'key-0123456789abcdef',
    });
    await services.sendCode(SESSION_ID, 'user', { signal: signal(), idempotencyKey: 'key-fedcba9876543210' });
    const handoff = await services.createHandoff(SESSION_ID, 'app', {
      signal: signal(),
      idempotencyKey: 'key-handoff-000001',
    });
    expect(handoff.destination).to.equal('app');
    expect(sent.map((s) => `${s.method} ${s.url}`)).to.deep.equal([
      `POST https://x.test/sessions/${SESSION_ID}/agent-code/verify`,
      `POST https://x.test/sessions/${SESSION_ID}/user-code`,
      `POST https://x.test/sessions/${SESSION_ID}/handoffs`,
    ]);
    expect(sent.map((s) => s.headers['idempotency-key'])).to.deep.equal([
      'key-0123456789abcdef',
      'key-fedcba9876543210',
      'key-handoff-000001',
    ]);
    expect(sent.map((s) => JSON.parse(s.body))).to.deep.equal([
      { code: '123456' },
      {},
      { destination: 'app' },
    ]);
  });

  it('puts the process list query in the URL', async () => {
    const { fetch, sent } = fakeFetch(json(200, { items: [], nextCursor: null, total: 0 }));
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    await services.listProcesses(SESSION_ID, { ecosystemId: ECO_ID, cursor: 'o50' }, { signal: signal() });
    const url = new URL(sent[0]?.url ?? '');
    expect(url.pathname).to.equal(`/sessions/${SESSION_ID}/processes`);
    expect(url.searchParams.get('ecosystemId')).to.equal(ECO_ID);
    expect(url.searchParams.get('cursor')).to.equal('o50');
  });

  it('throws the SupportError of a contract error body, with its details', async () => {
    const { fetch } = fakeFetch(
      json(422, { error: { code: 'code_invalid', message: 'Wrong code.', details: { attemptsLeft: 3 } } }),
    );
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    const error = await services
      .verifyCode(SESSION_ID, 'user', '000000', { signal: signal(), idempotencyKey: 'k-0123456789abcdef' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(SupportError);
    expect((error as SupportError).code).to.equal('code_invalid');
    expect((error as SupportError).details?.attemptsLeft).to.equal(3);
  });

  it('never retries a POST, even on 503', async () => {
    const { fetch, sent } = fakeFetch(
      json(503, { error: { code: 'upstream_unavailable', message: 'down' } }),
      json(200, session),
    );
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    const error = await services
      .touch(SESSION_ID, { signal: signal(), idempotencyKey: 'k-0123456789abcdef' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as SupportError).code).to.equal('upstream_unavailable');
    expect(sent).to.have.length(1);
  });

  it('retries an idempotent GET after a 503', async () => {
    const { fetch, sent } = fakeFetch(
      json(503, { error: { code: 'upstream_unavailable', message: 'x' } }),
      json(200, session),
    );
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    const result = await services.getSession(SESSION_ID, { signal: signal() });
    expect(result.id).to.equal(SESSION_ID);
    expect(sent).to.have.length(2);
  });

  it('maps network failures, HTML error pages and off-contract bodies to upstream_unavailable', async () => {
    const { fetch } = fakeFetch(
      () => {
        throw new TypeError('Failed to fetch');
      },
      new Response('<html>Bad gateway</html>', { status: 502 }),
      json(200, { ...session, step: 'teleported' }),
    );
    const services = createHttpSupportServices({
      apiBase: 'https://x.test',
      getToken: () => 'tk',
      fetch,
      getRetries: 0,
    });
    const options = { signal: signal(), idempotencyKey: 'k-0123456789abcdef' };
    for (const call of [
      () => services.cancel(SESSION_ID, 'User hung up', options),
      () => services.complete(SESSION_ID, options),
      () => services.getSession(SESSION_ID, { signal: signal() }),
    ]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SupportError);
      expect((error as SupportError).code).to.equal('upstream_unavailable');
    }
  });

  it('refuses to send a request the contract would reject', async () => {
    const { fetch, sent } = fakeFetch(json(200, session));
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    const error = await services
      .cancel(SESSION_ID, 'x', { signal: signal(), idempotencyKey: 'k-0123456789abcdef' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as SupportError).code).to.equal('invalid_input');
    expect(sent).to.have.length(0);
  });

  it('aborts through the call signal', async () => {
    const controller = new AbortController();
    const fetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const s = init?.signal ?? (_input instanceof Request ? _input.signal : undefined);
        // Like the real fetch: an already-aborted signal rejects at once.
        if (s?.aborted) reject(new DOMException('Aborted', 'AbortError'));
        s?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
      })) as typeof globalThis.fetch;
    const services = createHttpSupportServices({ apiBase: 'https://x.test', getToken: () => 'tk', fetch });
    const pending = services.getSession(SESSION_ID, { signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const error = await pending;
    expect((error as Error).name).to.equal('AbortError');
  });
});
