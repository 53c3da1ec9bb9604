/**
 * `<successor-activity>` paints its first page of rows without waiting for the virtualizer, asks
 * for the virtualizer and the first page as soon as it connects, and hands over to the
 * virtualized list without moving the rows or losing focus and scroll. This file runs in a page
 * of its own, so the virtualizer is not loaded before the test holds it back.
 */
import { expect } from '@open-wc/testing';
import '../src/components/successor-activity/successor-activity.js';
import { FakeSupportServices } from '@waizant/support-core/testing';
import { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import { people } from './fixtures.js';
import { $, $all, deepActiveElement, text, tolerateResizeObserverLoop, waitFor } from './helpers.js';

const signal = () => new AbortController().signal;

/** Holds the virtualizer back until the test lets it through, as a slow network would. */
let release: () => void = () => {};
let requests = 0;
class SlowVirtualizerActivity extends SuccessorActivity {
  protected static override loadVirtualizer() {
    requests++;
    const arrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    return arrived.then(() => SuccessorActivity.loadVirtualizer());
  }
}
customElements.define('slow-virtualizer-activity', SlowVirtualizerActivity);

/** Each row in view: its process id and its top relative to the list's top. */
function rowsInView(list: HTMLElement): { id: string; top: number; posinset: string | null }[] {
  const box = list.getBoundingClientRect();
  return [...list.querySelectorAll<HTMLElement>('.row')]
    .map((row) => ({ row, rect: row.getBoundingClientRect() }))
    .filter(({ rect }) => rect.bottom > box.top && rect.top < box.bottom)
    .map(({ row, rect }) => ({
      id: row.querySelector<HTMLElement>('[data-process]')?.dataset.process ?? '',
      top: Math.round(rect.top - box.top),
      posinset: row.getAttribute('aria-posinset'),
    }))
    .sort((a, b) => a.top - b.top);
}

describe('<successor-activity> first page before the virtualizer', () => {
  let restore: () => void = () => {};
  before(() => {
    restore = tolerateResizeObserverLoop();
  });
  after(() => restore());

  it('paints plain rows at once, then hands over to the virtualizer with the same rows, scroll and focus', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], pageSize: 100, latencyMs: 1 });
    const eco = successor.ecosystems[0]!;
    fake.seedProcesses(successor.id, eco.id, 10_000);
    const session = await fake.createSession(
      { flow: 'ecosystem-admin', userId: successor.id },
      { signal: signal() },
    );
    await fake.sendCode(session.id, 'user', { signal: signal() });
    await fake.verifyCode(session.id, 'user', fake.lastCode('user'), { signal: signal() });
    await fake.selectEcosystem(session.id, eco.id, { signal: signal() });
    await fake.sendCode(session.id, 'agent', { signal: signal() });
    await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), { signal: signal() });
    fake.calls.length = 0;

    const el = document.createElement('slow-virtualizer-activity') as SlowVirtualizerActivity;
    el.services = fake;
    el.setAttribute('session-id', session.id);
    el.style.setProperty('--waizant-activity-list-height', '400px');
    document.body.append(el);
    try {
      // Connecting asked for both before the element first rendered.
      expect(el.hasUpdated, 'rendered before asking').to.equal(false);
      expect(requests, 'virtualizer requested on connect').to.equal(1);
      expect(fake.calls, 'first request on connect').to.deep.equal(['getSession']);

      // The first page shows as plain rows while the virtualizer is held back.
      await waitFor(el, '[data-count]', (p) => text(p) === '100 of 10000 processes');
      const list = $(el, '.list');
      expect(list.querySelector('[virtualizer-sizer]'), 'virtualized too early').to.equal(null);
      const plain = $all(el, '.row');
      expect(plain.length).to.be.greaterThan(5);
      expect(plain.length).to.be.lessThan(60);
      expect(text(plain[0]!.querySelector('.title'))).to.equal('Process 1: designation');
      expect(plain[0]!.getAttribute('aria-posinset')).to.equal('1');
      expect(plain[0]!.getAttribute('aria-setsize')).to.equal('10000');

      // The agent scrolls a little and focuses a row's See details before the virtualizer arrives.
      list.scrollTop = 100;
      const target = plain[4]!.querySelector<HTMLButtonElement>('[data-process]')!;
      target.focus();
      expect(deepActiveElement()).to.equal(target);
      const before = rowsInView(list);
      expect(before.length).to.be.greaterThan(3);

      release();
      await waitFor(el, '.list [virtualizer-sizer]');
      const focused = await waitFor<HTMLButtonElement>(
        el,
        `button[data-process="${target.dataset.process}"]`,
        (button) => button !== target && deepActiveElement() === button,
        'focus back on the same row button, now virtualized',
      );
      expect(target.isConnected, 'plain row replaced').to.equal(false);
      expect(focused.closest('.row')?.getAttribute('aria-posinset')).to.equal('5');
      expect($(el, '.list'), 'same list element').to.equal(list);
      expect(list.scrollTop).to.equal(100);
      expect(rowsInView(list)).to.deep.equal(before);
      expect(requests).to.equal(1);
    } finally {
      el.remove();
    }
  });
});
