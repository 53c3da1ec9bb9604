import { expect, fixture, html } from '@open-wc/testing';
import { SupportError } from '@waizant/support-core';
import '../src/define.js';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { createHttpSupportServices } from '../src/http/client.js';
import { $, text, type, waitFor } from './helpers.js';

// A misconfigured host sees a generic message in the element; the console names the cause.

const LOOKUP = { email: 'ana@example.com', flow: 'technical-assistance' } as const;
const signal = () => new AbortController().signal;

let warned: string[] = [];
const realWarn = console.warn;
const realFetch = globalThis.fetch;
beforeEach(() => {
  warned = [];
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(' '));
});
afterEach(() => {
  console.warn = realWarn;
  globalThis.fetch = realFetch;
});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function failure(promise: Promise<unknown>): Promise<SupportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(SupportError);
  return error as SupportError;
}

describe('development warnings of the HTTP client', () => {
  it('names a token provider that throws, with its message, and sends nothing', async () => {
    let sent = 0;
    const services = createHttpSupportServices({
      apiBase: 'https://api.example.com/support',
      getToken: () => {
        throw new Error('no session in sessionStorage');
      },
      fetch: (async () => {
        sent++;
        return json(200, { found: false });
      }) as typeof fetch,
    });
    await failure(services.lookup(LOOKUP, { signal: signal() }));
    expect(sent).to.equal(0);
    expect(warned).to.deep.equal([
      '[waizant-support] tokenProvider threw, so the request was not sent: no session in sessionStorage',
    ]);
  });

  it('names a missing token and a refused token, without the token, once per problem', async () => {
    const replies = [
      json(401, { error: { code: 'unauthorized', message: 'Sign in again.' } }),
      json(401, { error: { code: 'unauthorized', message: 'Sign in again.' } }),
      json(401, { error: { code: 'unauthorized', message: 'Sign in again.' } }),
    ];
    const tokens = ['', 'secret-agent-token', 'secret-agent-token'];
    const services = createHttpSupportServices({
      apiBase: 'https://api.example.com/support',
      getToken: () => tokens.shift(),
      fetch: (async () => replies.shift()) as typeof fetch,
    });
    for (let i = 0; i < 3; i++) {
      expect((await failure(services.lookup(LOOKUP, { signal: signal() }))).code).to.equal('unauthorized');
    }
    expect(warned).to.deep.equal([
      '[waizant-support] no agent token: the token / tokenProvider gave nothing, so the request went without Authorization and the server will answer 401',
      '[waizant-support] the server refused the agent token (401 unauthorized): expired, or not an ID token for an active agent of this identity; the server logs the reason at warn level',
    ]);
    expect(warned.join('\n')).not.to.contain('secret-agent-token');
  });

  it('names a 403 from the origin check and the origin to add', async () => {
    const services = createHttpSupportServices({
      apiBase: 'https://api.example.com/support',
      getToken: () => 'tk',
      fetch: (async () =>
        json(403, {
          error: { code: 'forbidden', message: 'Cross-origin request refused.' },
        })) as typeof fetch,
    });
    expect((await failure(services.lookup(LOOKUP, { signal: signal() }))).code).to.equal('forbidden');
    expect(warned).to.deep.equal([
      `[waizant-support] the server refused the request (403 forbidden: "Cross-origin request refused."); if it refused this page's origin, add "${location.origin}" to the server's origins`,
    ]);
  });

  it('names an api-base nobody answers at (the real fetch, a closed port)', async () => {
    const services = createHttpSupportServices({
      apiBase: 'http://127.0.0.1:59999/api',
      getToken: () => 'tk',
      getRetries: 0,
    });
    expect((await failure(services.lookup(LOOKUP, { signal: signal() }))).code).to.equal(
      'upstream_unavailable',
    );
    expect(warned).to.have.length(1);
    expect(warned[0]).to.match(
      /^\[waizant-support\] the API is not reachable at api-base "http:\/\/127\.0\.0\.1:59999\/api" \(.+\): check the URL/,
    );
    expect(warned[0]).to.contain(`"${location.origin}" is not in the server's origins`);
  });

  it('names an api-base that answers with something else than the API (the real test server)', async () => {
    const apiBase = `${location.origin}/no-support-api-here`;
    const services = createHttpSupportServices({ apiBase, getToken: () => 'tk', getRetries: 0 });
    const error = await failure(
      services.getSession('5f0c8a4e-2b7d-4c61-9a3e-0d2f6b1c7e90', { signal: signal() }),
    );
    expect(error.code).to.equal('upstream_unavailable');
    expect(warned).to.have.length(1);
    expect(warned[0]).to.match(
      new RegExp(
        `^\\[waizant-support\\] the answer from api-base "${apiBase}" \\(HTTP \\d+\\) is not the support API's JSON: is api-base the path where the server adapter is mounted\\?$`,
      ),
    );
  });

  it('names an answer off the contract', async () => {
    const services = createHttpSupportServices({
      apiBase: 'https://api.example.com/support',
      getToken: () => 'tk',
      fetch: (async () => json(200, { found: 'maybe' })) as typeof fetch,
    });
    await failure(services.lookup(LOOKUP, { signal: signal() }));
    expect(warned).to.deep.equal([
      '[waizant-support] the lookup answer from api-base "https://api.example.com/support" does not match the contract of these elements: are the server adapter and the elements the same version?',
    ]);
  });
});

describe('<waizant-support-flow> with a throwing tokenProvider', () => {
  it('shows the generic message and warns with the provider’s message', async () => {
    let requests = 0;
    globalThis.fetch = (async () => {
      requests++;
      return json(200, { found: false });
    }) as typeof fetch;
    const el = await fixture<WaizantSupportFlow>(
      html`<waizant-support-flow
        api-base="https://backoffice.example.com/api/support"
        .tokenProvider=${() => {
          throw new Error('the back office session has no id token');
        }}
      ></waizant-support-flow>`,
    );
    type($<HTMLInputElement>(el, '#email'), 'ana@example.com');
    $(el, '[data-action="search"]').click();
    await waitFor(el, '[data-error]', (p) => text(p) !== '');
    expect(requests).to.equal(0);
    expect(warned).to.deep.equal([
      '[waizant-support] tokenProvider threw, so the request was not sent: the back office session has no id token',
    ]);
  });
});
