/**
 * A statechart that cannot be fetched shows the failed view and sends nothing; **New support
 * request** asks for it again. The fetch is made to fail through the element's `loadEngine`.
 */
import { expect } from '@open-wc/testing';
import '../src/define.js';
import { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, people, searchEmail } from './fixtures.js';
import { $, text, waitFor } from './helpers.js';

let offline = true;
let fetches = 0;
class FlakyNetworkFlow extends WaizantSupportFlow {
  protected static override loadEngine() {
    fetches++;
    return offline ? Promise.reject(new TypeError('Failed to fetch')) : WaizantSupportFlow.loadEngine();
  }
}
customElements.define('flaky-network-flow', FlakyNetworkFlow);

describe('<waizant-support-flow> when its statechart cannot be fetched', () => {
  it('shows the failed view, then recovers with New support request', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = document.createElement('flaky-network-flow') as FlakyNetworkFlow;
    el.services = fake;
    document.body.append(el);
    try {
      await el.updateComplete;
      await waitFor(el, '[data-final="failed"]');
      expect(text($(el, '[data-error]'))).to.equal('The support service cannot be reached. Try again.');
      expect(fetches).to.equal(1);
      expect(fake.calls.length).to.equal(0);

      offline = false;
      $(el, '[data-action="new-request"]').click();
      await el.updateComplete;
      expect(fetches).to.equal(2);
      expect($<HTMLButtonElement>(el, '[data-action="search"]').disabled).to.equal(false);
      await searchEmail(el, admin.email);
      expect(text($(el, '[data-user-name]'))).to.equal('Ana Pérez');
    } finally {
      el.remove();
    }
  });
});
