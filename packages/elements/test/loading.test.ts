/**
 * Defining the tags loads neither the statechart nor the HTTP client: the flow paints its
 * first view at once, allows nothing until its statechart runs, and loads the HTTP client
 * only for a request and only when the host gave no `services`.
 * This file runs in a page of its own, so the module fetches it checks are its own.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, people, searchEmail } from './fixtures.js';
import { $, text, type, waitFor } from './helpers.js';

const fetched = (path: string) =>
  performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(path));

/** Holds the statechart back until the test lets it through, as a slow network would. */
let release: () => void = () => {};
class SlowNetworkFlow extends WaizantSupportFlow {
  protected static override loadEngine() {
    const arrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    return arrived.then(() => WaizantSupportFlow.loadEngine());
  }
}
customElements.define('slow-network-flow', SlowNetworkFlow);

describe('<waizant-support-flow> loading on demand', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('defining the tags fetches neither the statechart nor the HTTP client', () => {
    expect(customElements.get('waizant-support-flow')).to.not.equal(undefined);
    expect(customElements.get('successor-activity')).to.not.equal(undefined);
    expect(fetched('/support-flow.engine.ts'), 'statechart').to.equal(false);
    expect(fetched('/src/http/client.ts'), 'HTTP client').to.equal(false);
  });

  it('paints the lookup form before its statechart arrives, and sends nothing until then', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = document.createElement('slow-network-flow') as SlowNetworkFlow;
    el.services = fake;
    document.body.append(el);
    try {
      const input = await waitFor<HTMLInputElement>(el, '#email');
      expect(text($(el, '[data-step-heading]'))).to.equal('Find the user');
      expect(input.disabled).to.equal(false);
      expect($<HTMLButtonElement>(el, '[data-action="search"]').disabled).to.equal(true);
      expect(el.state?.pending).to.equal(true);
      expect([...(el.state?.allowed ?? [])]).to.deep.equal([]);

      // Typing and submitting early is kept local: no request leaves.
      type(input, admin.email);
      $<HTMLFormElement>(el, 'form').requestSubmit();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fake.calls.length).to.equal(0);
      expect(el.state?.view).to.equal('lookup');

      release();
      await el.updateComplete;
      expect($<HTMLButtonElement>(el, '[data-action="search"]').disabled).to.equal(false);
      expect(fake.calls.length).to.equal(0);
      await searchEmail(el, admin.email);
      expect(text($(el, '[data-user-name]'))).to.equal('Ana Pérez');
      expect(fetched('/src/http/client.ts'), 'HTTP client fetched although services were given').to.equal(
        false,
      );
    } finally {
      el.remove();
    }
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
  });
});
