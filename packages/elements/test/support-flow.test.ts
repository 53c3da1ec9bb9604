import { expect, oneEvent } from '@open-wc/testing';
import type { WaizantSupportHandoffDetail } from '../src/components/support-flow/support-flow.component.js';
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
} from './fixtures.js';
import { $, $all, $maybe, text, waitFor } from './helpers.js';

describe('<waizant-support-flow> Technical Assistance', () => {
  it('shows the status card and keeps Start disabled for a user who cannot be assisted', async () => {
    const { disabled } = people();
    const el = await mountFlow(fakeWith([disabled]));
    await searchEmail(el, disabled.email);
    expect(text($(el, '[data-user-name]'))).to.equal('Pedro Bloqueado');
    expect(text($(el, '[data-status]'))).to.equal('Disabled');
    expect(text($(el, '[data-ineligible]'))).to.contain('the account is disabled');
    const startButton = $<HTMLButtonElement>(el, '[data-action="start"]');
    expect(text(startButton)).to.equal('Start Verification Process');
    expect(startButton.disabled).to.equal(true);
  });

  it('moved to another place in the page, it starts a new request that works', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = await mountFlow(fake);
    await searchEmail(el, admin.email);
    const parent = el.parentElement as HTMLElement;
    el.remove();
    parent.append(el);
    await el.updateComplete;
    expect(heading(el)).to.equal('Find the user');
    expect($<HTMLButtonElement>(el, '[data-action="search"]').disabled).to.equal(false);
    await searchEmail(el, admin.email);
    expect(text($(el, '[data-user-name]'))).to.equal('Ana Pérez');
    expect(fake.calls.filter((call) => call === 'lookup')).to.have.length(2);
  });

  it('says when no user has the email, and refuses a malformed email locally', async () => {
    const fake = fakeWith([]);
    const el = await mountFlow(fake);
    await searchEmail(el, 'nobody@example.com');
    expect(text($(el, '[data-not-found]'))).to.contain('nobody@example.com');
    const calls = fake.calls.length;
    const input = $<HTMLInputElement>(el, '#email');
    input.value = 'not-an-email';
    $(el, '[data-action="search"]').click();
    await waitFor(el, '#email-error', (p) => text(p) !== '');
    expect(text($(el, '#email-error'))).to.equal('Enter a valid email address.');
    expect(fake.calls.length).to.equal(calls);
  });

  it('takes an administrator through both codes to three destinations, a link and a claimed QR', async () => {
    const { admin } = people();
    const fake = fakeWith([admin]);
    const el = await mountFlow(fake);
    const adminEcosystem = admin.ecosystems[0]!;

    await searchEmail(el, admin.email);
    expect(text($(el, '[data-user-name]'))).to.equal('Ana Pérez');
    expect(text($(el, '[data-status]'))).to.equal('Active');
    expect(text($(el, '.ecosystems'))).to.contain('Casa Pérez · Administrator');
    await start(el);
    await waitForHeading(el, 'Select the ecosystem');
    await chooseEcosystem(el, adminEcosystem.id);
    await waitForHeading(el, 'Internal verification');
    expect(text($(el, '[data-prompt]'))).to.contain('sent to your email');
    await sendCode(el);
    expect(fake.outbox.map((m) => m.purpose)).to.deep.equal(['agent']);
    await enterCode(el, fake, 'agent');
    await waitForHeading(el, 'User verification');
    expect(text($(el, '[data-prompt]'))).to.equal('A verification code will be sent to Ana Pérez.');
    await sendCode(el);
    expect(text($(el, '[data-sent-to]'))).to.contain('Ana Pérez');
    await enterCode(el, fake, 'user');
    await waitForHeading(el, 'Verified: choose where to help');

    const buttons = $all<HTMLButtonElement>(el, '[data-destination]');
    expect(buttons.map((b) => b.dataset.destination)).to.deep.equal(['store', 'web', 'app']);
    expect(buttons.map((b) => text(b.querySelector('strong')))).to.deep.equal([
      'Waizant Store',
      'Waizant Web',
      'Waizant App',
    ]);
    expect(text(buttons[1]!.querySelector('small'))).to.equal('Home');

    // Waizant Web → a one-time link in a new tab; the event never carries the link or its token.
    const handoffEvent = oneEvent(el, 'waizant-support-handoff');
    buttons[1]!.click();
    const event = (await handoffEvent) as CustomEvent<WaizantSupportHandoffDetail>;
    expect(Object.keys(event.detail).sort()).to.deep.equal(['destination', 'expiresAt', 'page']);
    expect(event.detail.destination).to.equal('web');
    expect(event.detail.page).to.equal('web-home');
    expect(JSON.stringify(event.detail)).not.to.contain('token');
    await waitForHeading(el, 'Link ready');
    const link = $<HTMLAnchorElement>(el, '[data-handoff-link]');
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(link.href).to.match(/^https:\/\/web\.waizant\.example\/assisted#token=/);
    expect(text(link)).to.equal('Open Waizant Web');
    expect(text($(el, '[data-countdown="handoff.expiresIn"]'))).to.match(/The link expires in [12]:\d\d/);

    // Waizant App → a QR code, then "signed in on the phone" once the phone redeems it.
    $(el, '[data-action="back"]').click();
    await waitForHeading(el, 'Verified: choose where to help');
    $(el, '[data-destination="app"]').click();
    await waitForHeading(el, 'Sign in on the phone');
    const qr = await waitFor<HTMLImageElement>(el, 'img[part="qr"]');
    expect(qr.src).to.match(/^data:image\/png;base64,/);
    expect(qr.alt).to.equal('QR code to sign in to the Waizant App');
    await qr.decode();
    expect(qr.naturalWidth).to.be.greaterThan(100);
    expect(text($(el, '[data-countdown="qr.expiresIn"]'))).to.match(/expires in [12]:\d\d/);
    expect($<HTMLButtonElement>(el, '[data-action="regenerate"]').disabled).to.equal(false);
    fake.claimHandoff();
    await waitFor(el, '[data-qr-claimed]');
    expect(text($(el, '[data-qr-claimed]'))).to.equal('Signed in on the phone.');

    const completed = oneEvent(el, 'waizant-support-completed');
    $(el, '[data-action="finish"]').click();
    await completed;
    await waitFor(el, '[data-final="completed"]');
    expect(heading(el)).to.equal('Support completed');
    expect(fake.calls).to.include('complete');
  });

  it('regenerates the QR with a new handoff', async () => {
    const { managed } = people();
    const fake = fakeWith([managed]);
    const el = await mountFlow(fake);
    await verifyForAssistance(el, fake, managed, managed.ecosystems[0]!.id);
    $(el, '[data-destination="app"]').click();
    const first = await waitFor<HTMLImageElement>(el, 'img[part="qr"]');
    const firstSrc = first.src;
    expect(fake.handoffs.size).to.equal(1);
    $(el, '[data-action="regenerate"]').click();
    await waitFor<HTMLImageElement>(el, 'img[part="qr"]', (img) => img.src !== firstSrc);
    expect(fake.handoffs.size).to.equal(2);
  });

  it('e-mails the QR to the user once and says where it went', async () => {
    const { managed } = people();
    const fake = fakeWith([managed]);
    const el = await mountFlow(fake);
    await verifyForAssistance(el, fake, managed, managed.ecosystems[0]!.id);
    $(el, '[data-destination="app"]').click();
    await waitFor(el, 'img[part="qr"]');
    const button = $<HTMLButtonElement>(el, '[data-action="email-qr"]');
    expect(text(button)).to.equal('Send to the user by e-mail');
    expect(button.disabled).to.equal(false);
    button.click();
    await waitFor(el, '[data-qr-emailed]');
    expect(text($(el, '[data-qr-emailed]'))).to.match(/^Sent to \S+\*\*\*\S*@\S+\.$/);
    expect($maybe(el, '[data-action="email-qr"]')).to.equal(null);
    const [handoff] = [...fake.handoffs.values()];
    expect(fake.qrEmails).to.have.length(1);
    expect(fake.qrEmails[0]!.to).to.equal(managed.email);
    expect(fake.qrEmails[0]!.link).to.contain(`#token=${handoff!.token}`);
  });

  it('shows an expired QR and regenerates a fresh one', async () => {
    const { managed } = people();
    const fake = fakeWith([managed], { handoffTtlMs: 1_000 });
    const el = await mountFlow(fake);
    await verifyForAssistance(el, fake, managed, managed.ecosystems[0]!.id);
    $(el, '[data-destination="app"]').click();
    await waitFor(el, 'img[part="qr"]');
    expect(text($(el, '[data-countdown="qr.expiresIn"]'))).to.match(/expires in 0:0[01]/);
    await waitFor(el, '[data-qr-expired]');
    expect(text($(el, '[data-qr-expired]'))).to.equal('The QR code has expired.');
    expect($maybe(el, 'img[part="qr"]')).to.equal(null);
    $(el, '[data-action="regenerate"]').click();
    await waitFor(el, 'img[part="qr"]');
    expect(fake.handoffs.size).to.equal(2);
  });

  it('gives a managed user two destinations, Waizant Web opening My Ecosystem', async () => {
    const { managed } = people();
    const fake = fakeWith([managed]);
    const el = await mountFlow(fake);
    await verifyForAssistance(el, fake, managed, managed.ecosystems[0]!.id);
    const buttons = $all<HTMLButtonElement>(el, '[data-destination]');
    expect(buttons.map((b) => b.dataset.destination)).to.deep.equal(['web', 'app']);
    expect(text(buttons[0]!.querySelector('strong'))).to.equal('Waizant Web');
    expect(text(buttons[0]!.querySelector('small'))).to.equal('My Ecosystem');
    expect(text($(el, '[data-step-heading] + p'))).to.contain('Managed user of Familia Ruiz');
    const handoff = oneEvent(el, 'waizant-support-handoff');
    buttons[0]!.click();
    const event = (await handoff) as CustomEvent<WaizantSupportHandoffDetail>;
    expect(event.detail.page).to.equal('web-my-ecosystem');
    expect($maybe(el, '[data-destination="store"]')).to.equal(null);
  });
});

describe('<waizant-support-flow> Ecosystem Admin', () => {
  it('verifies the user, then the agent, and ends in the process list with a details modal', async () => {
    const { successor } = people();
    const fake = fakeWith([successor]);
    const legacy = successor.ecosystems[0]!;
    fake.seedProcesses(successor.id, legacy.id, 3, (i) =>
      i === 0
        ? {
            title: 'The validation process for The Successor was rejected by Waizant',
            status: 'rejected',
            kind: 'validation',
            reason: 'The ID document had expired',
            decidedBy: 'Waizant compliance',
          }
        : {},
    );
    const el = await mountFlow(fake, 'ecosystem-admin');
    await searchEmail(el, successor.email);
    await start(el);
    // Module B: the user's code comes first.
    await waitForHeading(el, 'User verification');
    expect(text($(el, '[data-prompt]'))).to.equal('A verification code will be sent to Sofía Gómez.');
    await sendCode(el);
    expect(fake.outbox[0]?.to).to.equal(successor.email);
    await enterCode(el, fake, 'user');
    // Then internal verification: choose the ecosystem and "Send verification Code".
    await waitForHeading(el, 'Internal verification');
    const options = $all<HTMLOptionElement>(el, '#ecosystem option').map((o) => text(o));
    expect(options).to.deep.equal(['Legado Gómez · Administrator', 'Finca El Roble · Managed user']);
    expect(text($(el, '[data-action="select-ecosystem"]'))).to.equal('Send verification Code');
    await chooseEcosystem(el, legacy.id);
    await waitFor(el, '#code');
    expect(fake.outbox.map((m) => m.purpose)).to.deep.equal(['user', 'agent']);
    expect(fake.outbox[1]?.to).to.equal('agent.smith@waizant.example');
    await enterCode(el, fake, 'agent');
    await waitForHeading(el, 'Successor activity');

    const activity = $(el, 'successor-activity');
    await waitFor(activity, '.row');
    expect(text($(activity, '[data-field="user"]'))).to.equal('Sofía Gómez');
    expect(text($(activity, '[data-field="email"]'))).to.equal('sofia.gomez@example.com');
    expect($<HTMLSelectElement>(activity, '#ecosystem').value).to.equal(legacy.id);
    expect(text($(activity, '[data-field="role"]'))).to.equal('Administrator');
    const rows = $all(activity, '.row');
    expect(rows).to.have.length(3);
    expect(text(rows[0]!.querySelector('.status'))).to.equal('Rejected');
    expect(text(rows[0]!.querySelector('.title'))).to.equal(
      'The validation process for The Successor was rejected by Waizant',
    );
    expect(rows[0]!.querySelector('time')?.getAttribute('datetime')).to.equal('2026-01-01T00:00:00.000Z');

    rows[0]!.querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
    const dialog = await waitFor<HTMLDialogElement>(activity, 'dialog', (d) => d.open);
    await waitFor(activity, '[data-detail="reason"]');
    expect(text($(activity, '[data-detail="status"]'))).to.equal('Rejected');
    expect(text($(activity, '[data-detail="reason"]'))).to.equal('The ID document had expired');
    expect(text($(activity, '[data-detail="decidedBy"]'))).to.equal('Waizant compliance');
    // The list behind the modal stays as it was.
    expect(text($(activity, '[data-count]'))).to.equal('3 of 3 processes');
    $(activity, '[data-action="close-detail"]').click();
    await waitFor(activity, 'dialog', () => !dialog.open);

    // Switching the ecosystem reloads the list for it.
    const select = $<HTMLSelectElement>(activity, '#ecosystem');
    select.value = successor.ecosystems[1]!.id;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(activity, '[data-count]', (p) => text(p) === 'This user has no processes.');
    expect(text($(activity, '[data-field="role"]'))).to.equal('Managed user');
  });
});
