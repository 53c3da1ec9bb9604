import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { SupportFlowState } from '@waizant/support-core';
import { sendKeys } from '@web/test-runner-commands';
import type {
  WaizantSupportFlow,
  WaizantSupportHandoffDetail,
} from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, heading, mountFlow, people } from './fixtures.js';
import { $, deepActiveElement, waitFor } from './helpers.js';

/**
 * Keyboard only: every action below is a real key event sent through the browser
 * (`sendKeys`); nothing is clicked and no value is set from script.
 */

/** Presses a key; `Shift+Tab` holds Shift down around the Tab (puppeteer knows no combos). */
async function press(key: string): Promise<void> {
  if (key === 'Shift+Tab') {
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    return;
  }
  await sendKeys({ press: key });
}

/** Presses Tab (or Shift+Tab) until focus is on `selector`; fails if it is not reachable. */
async function tabTo(el: WaizantSupportFlow, selector: string, key = 'Tab', max = 12): Promise<HTMLElement> {
  const target = await waitFor(el, selector, (found) => !(found as HTMLButtonElement).disabled);
  for (let i = 0; i < max; i++) {
    if (deepActiveElement() === target) return target;
    await press(key);
  }
  if (deepActiveElement() === target) return target;
  throw new Error(
    `${selector} not reached with ${key} (focus on ${deepActiveElement()?.outerHTML.slice(0, 80)})`,
  );
}

async function until(el: WaizantSupportFlow, check: (s: SupportFlowState) => boolean, what: string) {
  await waitUntil(() => el.state !== null && check(el.state), what, { timeout: 8000, interval: 20 });
  await el.updateComplete;
}

describe('<waizant-support-flow> keyboard only', () => {
  it('completes Technical Assistance for an administrator with the keyboard, and Escape closes the cancel modal back onto Cancel', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = await mountFlow(fake);
    await until(el, (s) => s.view === 'lookup', 'lookup');
    (document.activeElement as HTMLElement | null)?.blur();

    // Lookup: Tab into the email field, type, Enter submits.
    const email = await tabTo(el, '#email');
    await sendKeys({ type: admin.email });
    expect((email as HTMLInputElement).value).to.equal(admin.email);
    await press('Enter');
    await until(el, (s) => s.lookupPhase === 'found' && !s.pending, 'user found');

    // Start verification.
    await tabTo(el, '[data-action="start"]');
    await press('Enter');
    await until(el, (s) => s.view === 'ecosystem' && !s.pending, 'ecosystem step');
    await waitFor(el, '[data-step-heading]', (h) => deepActiveElement() === h, 'focus on the heading');

    // The ecosystem: the administrator's own is first; Tab to Continue, Space presses it.
    const select = await tabTo(el, '#ecosystem');
    expect((select as HTMLSelectElement).value).to.equal(admin.ecosystems[0]!.id);
    await tabTo(el, '[data-action="select-ecosystem"]');
    await press('Space');
    await until(el, (s) => s.view === 'agentCode' && s.codePhase === 'prompt', 'agent code prompt');

    // Agent's code: send it, type it, Enter verifies.
    await tabTo(el, '[data-action="send-code"]');
    await press('Enter');
    await until(el, (s) => s.view === 'agentCode' && s.codePhase === 'awaiting', 'agent code sent');
    await tabTo(el, '#code');
    await sendKeys({ type: fake.lastCode('agent') });
    await press('Enter');
    await until(el, (s) => s.view === 'userCode' && s.codePhase === 'prompt', 'user code prompt');

    // User's code.
    await tabTo(el, '[data-action="send-code"]');
    await press('Space');
    await until(el, (s) => s.view === 'userCode' && s.codePhase === 'awaiting', 'user code sent');
    await tabTo(el, '#code');
    await sendKeys({ type: fake.lastCode('user') });
    await press('Enter');
    await until(el, (s) => s.view === 'destinations' && !s.pending, 'destinations');
    expect(heading(el)).to.equal('Verified: choose where to help');

    // The cancel modal: Shift+Tab back to Cancel, Enter opens it on the reason, Escape
    // closes it and puts focus back on Cancel, on the same step.
    const cancel = await tabTo(el, '[data-action="cancel"]', 'Shift+Tab');
    await press('Enter');
    const dialog = await waitFor<HTMLDialogElement>(el, 'dialog.cancel', (d) => d.open);
    expect(deepActiveElement()).to.equal($(el, '#cancel-reason'));
    await sendKeys({ type: 'typing, then changing my mind' });
    await press('Escape');
    await waitUntil(() => !dialog.open && el.state?.cancelModal.open === false, 'modal closed');
    await el.updateComplete;
    expect(deepActiveElement()).to.equal(cancel);
    expect(heading(el)).to.equal('Verified: choose where to help');
    expect(fake.calls).not.to.include('cancel');

    // Waizant Web: Tab to it, Enter creates the one-time link.
    await tabTo(el, '[data-destination="web"]');
    const handoff = oneEvent(el, 'waizant-support-handoff');
    await press('Enter');
    const detail = ((await handoff) as CustomEvent<WaizantSupportHandoffDetail>).detail;
    expect(detail.destination).to.equal('web');
    await until(el, (s) => s.view === 'handoffReady', 'link ready');

    // Enter on the link opens it. The navigation itself (a new tab) is stopped so the
    // test page stays put; the trusted click the key produced is what we check.
    const link = await tabTo(el, '[data-handoff-link]');
    const opened = new Promise<{ trusted: boolean; href: string }>((resolve) => {
      link.addEventListener(
        'click',
        (event) => {
          event.preventDefault();
          resolve({ trusted: event.isTrusted, href: (event.currentTarget as HTMLAnchorElement).href });
        },
        { once: true },
      );
    });
    await press('Enter');
    const click = await opened;
    expect(click.trusted).to.equal(true);
    expect(click.href).to.equal(el.state?.handoff?.link);
    expect((link as HTMLAnchorElement).target).to.equal('_blank');
    expect([...fake.handoffs.values()].pop()?.destination).to.equal('web');
  });
});
