/**
 * Defining the tags loads neither the statechart nor the HTTP client: the flow paints its
 * first view at once, allows nothing until its statechart has arrived, and fetches the HTTP
 * client only for a request and only when the host gave no `services`.
 * This file runs in a page of its own, so the module fetches below are this test's.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, people, searchEmail } from './fixtures.js';
import { $, text, type, waitFor } from './helpers.js';

const fetched = (path: string) =>
  performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(path));

describe('<waizant-support-flow> loading on demand', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('paints the lookup form before its statechart arrives, and sends nothing until then', async () => {
    expect(customElements.get('waizant-support-flow')).to.not.equal(undefined);
    expect(fetched('/support-flow.engine.ts'), 'statechart fetched by defining the tags').to.equal(false);
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = document.createElement('waizant-support-flow') as WaizantSupportFlow;
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
      expect(fake.calls.length).to.equal(0);

      await el.updateComplete;
      expect(fetched('/support-flow.engine.ts')).to.equal(true);
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

  it('fetches the HTTP client with the first request when the host gives only api-base', async () => {
    globalThis.fetch = (async () =>
      new Response(JSON.stringify({ found: false }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch;
    const el = await fixture<WaizantSupportFlow>(
      html`<waizant-support-flow api-base="/api/support" .token=${'agent-token'}></waizant-support-flow>`,
    );
    expect(fetched('/src/http/client.ts')).to.equal(false);
    type($<HTMLInputElement>(el, '#email'), 'nobody@example.com');
    $(el, '[data-action="search"]').click();
    await waitFor(el, '[data-not-found]');
    expect(text($(el, '[data-not-found]'))).to.contain('nobody@example.com');
    expect(fetched('/src/http/client.ts')).to.equal(true);
  });
});
