import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { $, text, type, waitFor } from './helpers.js';

describe('<waizant-support-flow> over HTTP', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('calls the server adapter at api-base with a fresh token from tokenProvider', async () => {
    const seen: { url: string; auth: string | null; body: string }[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      const request = input as Request;
      seen.push({ url: request.url, auth: request.headers.get('authorization'), body: await request.text() });
      return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'expired token' } }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    let n = 0;
    const el = await fixture<WaizantSupportFlow>(
      html`<waizant-support-flow
        api-base="https://backoffice.example.com/api/support"
        .tokenProvider=${async () => `agent-token-${++n}`}
      ></waizant-support-flow>`,
    );
    type($<HTMLInputElement>(el, '#email'), 'ana@example.com');
    $(el, '[data-action="search"]').click();
    await waitFor(el, '[data-error]', (p) => text(p) !== '');
    expect(text($(el, '[data-error]'))).to.equal('Your back-office session has ended. Sign in again.');
    expect(seen).to.deep.equal([
      {
        url: 'https://backoffice.example.com/api/support/lookup',
        auth: 'Bearer agent-token-1',
        body: JSON.stringify({ email: 'ana@example.com', flow: 'technical-assistance' }),
      },
    ]);
  });
});
