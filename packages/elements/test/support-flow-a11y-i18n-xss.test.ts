import { expect } from '@open-wc/testing';
import { makeUser, membership } from '@waizant/support-core/testing';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import {
  chooseEcosystem,
  enterCode,
  fakeWith,
  heading,
  mountFlow,
  people,
  searchEmail,
  sendCode,
  start,
  verifyForAssistance,
  waitForHeading,
  XSS_IMG,
  XSS_SVG,
} from './fixtures.js';
import { $, $all, deepActiveElement, root, text, type, waitFor } from './helpers.js';

/** No element a payload could have injected exists, and nothing ran. */
function expectNoInjection(el: Element): void {
  expect(window.__xss).to.equal(undefined);
  const all = [root(el), ...$all(el, 'successor-activity').map((a) => root(a))];
  for (const r of all) {
    expect(r.querySelectorAll('svg, img:not([part="qr"]), script').length).to.equal(0);
    expect([...r.querySelectorAll('*')].some((n) => n.hasAttribute('onerror') || n.hasAttribute('onload'))).to
      .be.false;
  }
}

/** Every form control has a label that names it. */
function expectLabelled(el: Element): void {
  const controls = $all<HTMLInputElement>(el, 'input, select, textarea');
  expect(controls.length).to.be.greaterThan(0);
  for (const control of controls) {
    expect(control.id, `${control.localName} has an id`).not.to.equal('');
    const label = root(el).querySelector(`label[for="${control.id}"]`);
    expect(label, `label for #${control.id}`).not.to.equal(null);
    expect(text(label)).not.to.equal('');
  }
}

describe('<waizant-support-flow> accessibility', () => {
  it('labels every input and moves focus to each new step heading', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = await mountFlow(fake);
    expectLabelled(el);
    await searchEmail(el, admin.email);
    await start(el);
    await waitForHeading(el, 'Select the ecosystem');
    await waitFor(el, '[data-step-heading]', (h) => deepActiveElement() === h, 'focus on the heading');
    expectLabelled(el);
    await chooseEcosystem(el, admin.ecosystems[0]!.id);
    await waitForHeading(el, 'Internal verification');
    await waitFor(el, '[data-step-heading]', (h) => deepActiveElement() === h, 'focus on the heading');
    await sendCode(el);
    expectLabelled(el);
    const code = $<HTMLInputElement>(el, '#code');
    expect(code.getAttribute('inputmode')).to.equal('numeric');
    expect(code.getAttribute('autocomplete')).to.equal('one-time-code');
    expect($(el, '[data-error]').getAttribute('aria-live')).to.equal('polite');
    expect($(el, '[data-attempts]').getAttribute('aria-live')).to.equal('polite');
    expect($(el, '[data-countdown]').getAttribute('aria-live')).to.equal('polite');
    await enterCode(el, fake, 'agent');
    await waitForHeading(el, 'User verification');
    await waitFor(el, '[data-step-heading]', (h) => deepActiveElement() === h, 'focus on the heading');
  });
});

describe('<waizant-support-flow> Spanish', () => {
  it('renders Spanish strings when lang="es"', async () => {
    const { admin, disabled } = people();
    const fake = fakeWith([admin, disabled]);
    const el = await mountFlow(fake, 'technical-assistance', 'es');
    await waitForHeading(el, 'Buscar al usuario');
    expect(text($(el, 'label[for="email"]'))).to.equal('Correo del usuario');
    expect(text($(el, '[data-action="search"]'))).to.equal('Buscar');
    await searchEmail(el, disabled.email);
    expect(text($(el, '[data-action="start"]'))).to.equal('Iniciar proceso de verificación');
    expect(text($(el, '[data-ineligible]'))).to.contain('la cuenta está deshabilitada');
    // Switching language at run time re-renders.
    el.lang = 'en';
    await waitForHeading(el, 'Find the user');
    el.lang = 'es';
    await waitForHeading(el, 'Buscar al usuario');
  });

  it('shows the cancel modal and errors in Spanish', async () => {
    const { managed } = people();
    const fake = fakeWith([managed]);
    const el = await mountFlow(fake, 'technical-assistance', 'es');
    await searchEmail(el, managed.email);
    await start(el);
    await waitForHeading(el, 'Selecciona el ecosistema');
    $(el, '[data-action="cancel"]').click();
    await waitFor(el, 'dialog.cancel', (d) => (d as HTMLDialogElement).open);
    expect(text($(el, '#cancel-heading'))).to.equal('Cancelar la solicitud de soporte');
    $(el, '[data-action="confirm-cancel"]').click();
    await waitFor(el, '#cancel-error', (p) => text(p) === 'Escribe un motivo de al menos 3 caracteres.');
  });
});

describe('XSS: user data and reasons render as text', () => {
  afterEach(() => {
    delete window.__xss;
  });

  for (const payload of [XSS_IMG, XSS_SVG]) {
    it(`renders a user name ${JSON.stringify(payload)} as text through every view`, async () => {
      const user = makeUser({
        name: payload,
        email: 'evil@example.com',
        ecosystems: [membership(payload, 'administrator')],
      });
      const fake = fakeWith([user]);
      const el = await mountFlow(fake);
      await searchEmail(el, user.email);
      expect(text($(el, '[data-user-name]'))).to.equal(payload);
      expectNoInjection(el);
      await verifyForAssistance(el, fake, user, user.ecosystems[0]!.id);
      expect(text($(el, '[data-step-heading]'))).to.equal('Verified: choose where to help');
      expect(text($(el, '[data-step-heading] + p'))).to.contain(payload);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expectNoInjection(el);
    });

    it(`renders a cancel reason ${JSON.stringify(payload)} as text`, async () => {
      const { admin } = people();
      const fake = fakeWith([admin]);
      const el = await mountFlow(fake);
      await searchEmail(el, admin.email);
      await start(el);
      await waitForHeading(el, 'Select the ecosystem');
      $(el, '[data-action="cancel"]').click();
      await waitFor(el, 'dialog.cancel', (d) => (d as HTMLDialogElement).open);
      type($<HTMLTextAreaElement>(el, '#cancel-reason'), payload);
      $(el, '[data-action="confirm-cancel"]').click();
      await waitFor(el, '[data-cancel-reason]');
      expect(text($(el, '[data-cancel-reason]'))).to.contain(payload);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expectNoInjection(el);
    });

    it(`renders a process title and reason ${JSON.stringify(payload)} as text`, async () => {
      const { successor } = people();
      const fake = fakeWith([successor]);
      const eco = successor.ecosystems[0]!;
      fake.seedProcesses(successor.id, eco.id, 1, () => ({
        title: payload,
        status: 'rejected',
        reason: payload,
        decidedBy: payload,
        detail: payload,
      }));
      const el: WaizantSupportFlow = await mountFlow(fake, 'ecosystem-admin');
      await searchEmail(el, successor.email);
      await start(el);
      await waitForHeading(el, 'User verification');
      await sendCode(el);
      await enterCode(el, fake, 'user');
      await waitForHeading(el, 'Internal verification');
      await chooseEcosystem(el, eco.id);
      await waitFor(el, '#code');
      await enterCode(el, fake, 'agent');
      await waitForHeading(el, 'Successor activity');
      const activity = $(el, 'successor-activity');
      const row = await waitFor(activity, '.row');
      expect(text(row.querySelector('.title'))).to.equal(payload);
      row.querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
      await waitFor(activity, '[data-detail="reason"]');
      expect(text($(activity, '[data-detail="reason"]'))).to.equal(payload);
      expect(text($(activity, '[data-detail="decidedBy"]'))).to.equal(payload);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expectNoInjection(el);
      expect(heading(el)).to.equal('Successor activity');
    });
  }
});
