/**
 * With only `api-base` (no `services`), the flow loads its HTTP client for its first request.
 * In a page of its own, so that the client's fetch is this file's (see loading.test.ts).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { $, text, type, waitFor } from './helpers.js';

const fetched = (path: string) =>
  performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(path));

describe('<waizant-support-flow> loading its HTTP client', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('loads the HTTP client for the first request when the host gives only api-base', async () => {
    const seen: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      seen.push((input as Request).url);
      return new Response(JSON.stringify({ found: false }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const el = await fixture<WaizantSupportFlow>(
      html`<waizant-support-flow api-base="/api/support" .token=${'agent-token'}></waizant-support-flow>`,
    );
    expect(fetched('/src/http/client.ts')).to.equal(false);
    type($<HTMLInputElement>(el, '#email'), 'nobody@example.com');
    $(el, '[data-action="search"]').click();
    await waitFor(el, '[data-not-found]');
    expect(text($(el, '[data-not-found]'))).to.contain('nobody@example.com');
    expect(seen).to.deep.equal([`${location.origin}/api/support/lookup`]);
    expect(fetched('/src/http/client.ts')).to.equal(true);
  });
});
