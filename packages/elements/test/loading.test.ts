/**
 * Defining the tags loads neither the statechart nor the HTTP client: the flow paints its
 * first view at once, allows nothing until its statechart runs, and loads the HTTP client
 * only for a request and only when the host gave no `services` (the last in loading-http.test.ts).
 * Once the page is idle, the statechart is fetched ahead of any flow.
 * This file runs in a page of its own and no test here makes an HTTP request, so the module
 * fetches it checks are its own whatever the order of its tests.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, people, searchEmail } from './fixtures.js';
import { $, text, type, waitFor } from './helpers.js';

const fetched = (path: string) =>
  performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(path));
// What defining the tags fetched, taken before any test runs (the tests below load the statechart).
const atDefine = { statechart: fetched('/support-flow.engine.ts'), http: fetched('/src/http/client.ts') };

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
  it('defining the tags fetches neither the statechart nor the HTTP client', () => {
    expect(customElements.get('waizant-support-flow')).to.not.equal(undefined);
    expect(customElements.get('successor-activity')).to.not.equal(undefined);
    expect(atDefine.statechart, 'statechart').to.equal(false);
    expect(atDefine.http, 'HTTP client').to.equal(false);
  });

  it('fetches the statechart (and its validators beside it) once the page is idle, not the HTTP client', async () => {
    expect(document.querySelector('waizant-support-flow, slow-network-flow'), 'no flow').to.equal(null);
    await waitUntil(() => fetched('/support-flow.engine.ts'), 'statechart fetched when idle', {
      timeout: 8000,
    });
    expect(fetched('/support-flow.contract.ts'), 'validators').to.equal(true);
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
});
