import { expect } from '@open-wc/testing';
import { type IneligibleReason, SupportError } from '@waizant/support-core';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import {
  chooseEcosystem,
  fakeWith,
  heading,
  mountFlow,
  people,
  searchEmail,
  start,
  waitForHeading,
} from './fixtures.js';
import { $, $maybe, text, waitFor } from './helpers.js';

/** Technical Assistance at the agent's code prompt, with `sendCode` answering `error`. */
async function sendRefusedWith(error: SupportError, lang = 'en'): Promise<WaizantSupportFlow> {
  const { admin } = people();
  const fake = fakeWith([admin]);
  fake.fail('sendCode', error);
  const el = await mountFlow(fake, 'technical-assistance', lang);
  await searchEmail(el, admin.email);
  await start(el);
  await waitFor(el, '#ecosystem');
  await chooseEcosystem(el, admin.ecosystems[0]!.id);
  (await waitFor(el, '[data-action="send-code"]', (b) => !(b as HTMLButtonElement).disabled)).click();
  return el;
}

async function errorText(el: WaizantSupportFlow, wanted: string): Promise<void> {
  await waitFor(el, '[data-error]', (p) => text(p) === wanted, `error "${wanted}"`);
}

describe('<waizant-support-flow> a 429 says how long to wait', () => {
  it('retryAfterSeconds 2940: "49 minutes", in English and in Spanish', async () => {
    const el = await sendRefusedWith(
      new SupportError('rate_limited', 'Too many requests; try again later.', { retryAfterSeconds: 2940 }),
    );
    await errorText(el, 'Too many requests. Try again in 49 minutes.');
    expect(heading(el)).to.equal('Internal verification');
    el.lang = 'es';
    await errorText(el, 'Demasiadas solicitudes. Inténtalo de nuevo en 49 minutos.');
  });

  it('a wait under a minute in seconds; a resend that comes too soon says its wait too', async () => {
    const el = await sendRefusedWith(
      new SupportError('rate_limited', 'Too many requests; try again later.', { retryAfterSeconds: 30 }),
      'es',
    );
    await errorText(el, 'Demasiadas solicitudes. Inténtalo de nuevo en 30 segundos.');
    el.lang = 'en';
    await errorText(el, 'Too many requests. Try again in 30 seconds.');
    const soon = await sendRefusedWith(
      new SupportError('resend_too_soon', 'Wait before sending another code.', { retryAfterSeconds: 25 }),
    );
    await errorText(soon, 'Wait 25 seconds before sending another code.');
  });

  it('without a wait from the server it keeps the general wording', async () => {
    const el = await sendRefusedWith(new SupportError('rate_limited', 'Too many requests.'));
    await errorText(el, 'Too many requests. Wait a moment and try again.');
  });
});

describe('<waizant-support-flow> a session closed because the user is no longer eligible', () => {
  const closing = (reason: IneligibleReason) =>
    new SupportError('user_ineligible', 'The user can no longer be assisted.', { ineligibleReason: reason });

  it('shows a final view with the reason, in English and Spanish, and offers a new request', async () => {
    const el = await sendRefusedWith(closing('account_disabled'));
    await waitFor(el, '[data-final="ineligible"]');
    expect(heading(el)).to.equal('The user can no longer be assisted');
    expect(text($(el, '[data-final="ineligible"] p'))).to.equal(
      'The support session was closed because the account is disabled.',
    );
    expect(text($(el, '[data-error]'))).to.equal('');
    expect($maybe(el, '[data-action="cancel"]')).to.equal(null);
    el.lang = 'es';
    await waitForHeading(el, 'El usuario ya no puede recibir asistencia');
    expect(text($(el, '[data-final="ineligible"] p'))).to.equal(
      'La sesión de soporte se cerró porque la cuenta está deshabilitada.',
    );
    el.lang = 'en';
    await waitForHeading(el, 'The user can no longer be assisted');
    $(el, '[data-action="new-request"]').click();
    await waitForHeading(el, 'Find the user');
  });

  it('says when the user lost the selected ecosystem', async () => {
    const el = await sendRefusedWith(closing('membership_removed'));
    await waitFor(el, '[data-final="ineligible"]');
    expect(text($(el, '[data-final="ineligible"] p'))).to.equal(
      'The support session was closed because the user no longer belongs to the selected ecosystem, or their role in it changed.',
    );
  });
});
