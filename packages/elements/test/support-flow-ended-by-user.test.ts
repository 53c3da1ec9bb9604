import { expect } from '@open-wc/testing';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { fakeWith, heading, mountFlow, people, verifyForAssistance, waitForHeading } from './fixtures.js';
import { $, $maybe, text, waitFor } from './helpers.js';

/** The user ends the session from their e-mail's link; the fixture's element re-reads it every 50 ms. */
describe('<waizant-support-flow> the user ends the support session', () => {
  async function verified() {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = await mountFlow(fake, 'technical-assistance', 'en');
    await verifyForAssistance(el, fake, admin, admin.ecosystems[0]!.id);
    const sessionId = el.state?.session?.id ?? '';
    return { el, fake, sessionId };
  }

  const endedText = (el: WaizantSupportFlow) => text($(el, '[data-final="endedByUser"] p'));

  it('the destinations view turns into the final view, in English and Spanish, with a new request', async () => {
    const { el, fake, sessionId } = await verified();
    expect(fake.endByUser(sessionId)).to.equal(true);
    await waitFor(el, '[data-final="endedByUser"]');
    expect(heading(el)).to.equal('Ended by the user');
    expect(endedText(el)).to.equal('The user ended this support session.');
    expect(text($(el, '[data-error]'))).to.equal('');
    expect($maybe(el, '[data-destination]')).to.equal(null);
    expect($maybe(el, '[data-action="cancel"]')).to.equal(null);
    el.lang = 'es';
    await waitForHeading(el, 'Terminada por el usuario');
    expect(endedText(el)).to.equal('El usuario terminó esta sesión de soporte.');
    el.lang = 'en';
    await waitForHeading(el, 'Ended by the user');
    $(el, '[data-action="new-request"]').click();
    await waitForHeading(el, 'Find the user');
  });

  it('the QR view in Spanish turns into the same final view', async () => {
    const { el, fake, sessionId } = await verified();
    el.lang = 'es';
    (await waitFor(el, '[data-destination="app"]')).click();
    await waitFor(el, '[data-action="regenerate"]');
    fake.endByUser(sessionId);
    await waitFor(el, '[data-final="endedByUser"]');
    expect(heading(el)).to.equal('Terminada por el usuario');
    expect(endedText(el)).to.equal('El usuario terminó esta sesión de soporte.');
    expect(text($(el, '[data-action="new-request"]'))).to.equal('Nueva solicitud de soporte');
  });
});
