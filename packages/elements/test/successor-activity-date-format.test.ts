/**
 * Defining `<successor-activity>` makes the date format its rows use once the page is idle, so
 * the first list does not pay for it, and rows reuse that one format. This file runs in a page of
 * its own: it counts the date formats made, from before the tag is defined.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ProcessSummary } from '@waizant/support-core/ui';
import type { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import { $all, waitFor } from './helpers.js';

const made: string[] = [];
const Real = Intl.DateTimeFormat;
Intl.DateTimeFormat = new Proxy(Real, {
  construct(target, args: ConstructorParameters<typeof Real>) {
    made.push(String(args[0]));
    return Reflect.construct(target, args);
  },
});
await import('../src/components/successor-activity/successor-activity.js');

const summary = (n: number): ProcessSummary => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ecosystemId: '00000000-0000-4000-8000-000000000000',
  kind: 'transfer',
  title: `Process ${n}`,
  status: 'pending',
  createdAt: '2026-03-04T05:06:00.000Z',
  updatedAt: '2026-03-04T05:06:00.000Z',
});

describe('<successor-activity> date format', () => {
  after(() => {
    Intl.DateTimeFormat = Real;
  });

  it('is made once the page is idle after the tag is defined, and every row reuses it', async () => {
    expect(customElements.get('successor-activity')).to.not.equal(undefined);
    await waitUntil(() => made.length > 0, 'date format made while idle, before any list');
    expect(made).to.deep.equal(['en']);

    const processes = Array.from({ length: 30 }, (_, i) => summary(i + 1));
    const el = await fixture<SuccessorActivity>(
      html`<successor-activity controlled .processes=${processes} total="30"></successor-activity>`,
    );
    await waitFor(el, '.row time');
    const times = $all(el, '.row time');
    expect(times.length).to.be.greaterThan(5);
    expect(times[0]!.textContent).to.match(/Mar 4, 2026/);
    expect(made, 'no format made per row').to.deep.equal(['en']);
  });
});
