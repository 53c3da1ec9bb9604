import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type {
  WaizantSupportCancelledDetail,
  WaizantSupportFlow,
} from '../src/components/support-flow/support-flow.component.js';
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
  waitForHeading,
} from './fixtures.js';
import { $, $maybe, deepActiveElement, paste, text, type, waitFor } from './helpers.js';

/** Technical Assistance up to the agent's code, sent and awaited. */
async function atAgentCode(
  options: Parameters<typeof fakeWith>[1] = {},
  mount: (fake: ReturnType<typeof fakeWith>) => Promise<WaizantSupportFlow> = mountFlow,
) {
  const { admin } = people();
  const fake = fakeWith([admin], options);
  const el = await mount(fake);
  await searchEmail(el, admin.email);
  await start(el);
  await waitForHeading(el, 'Select the ecosystem');
  await chooseEcosystem(el, admin.ecosystems[0]!.id);
  await waitForHeading(el, 'Internal verification');
  await sendCode(el);
  return { el, fake, admin };
}

describe('<waizant-support-flow> codes', () => {
  it('shows the attempts left after a wrong code, and accepts the right one afterwards', async () => {
    const { el, fake } = await atAgentCode();
    expect(text($(el, '[data-attempts]'))).to.equal('Attempts left: 5');
    await enterCode(el, fake, 'agent', fake.wrongCode('agent'));
    await waitFor(el, '[data-attempts]', (p) => text(p) === 'Attempts left: 4');
    expect(text($(el, '[data-error]'))).to.equal('The code is not correct. Attempts left: 4');
    expect(heading(el)).to.equal('Internal verification');
    await enterCode(el, fake, 'agent');
    await waitForHeading(el, 'User verification');
  });

  it('locks the session out after five wrong codes', async () => {
    const { el, fake } = await atAgentCode();
    for (let left = 4; left >= 1; left--) {
      await enterCode(el, fake, 'agent', fake.wrongCode('agent'));
      await waitFor(el, '[data-attempts]', (p) => text(p) === `Attempts left: ${left}`);
    }
    await enterCode(el, fake, 'agent', fake.wrongCode('agent'));
    await waitFor(el, '[data-final="lockedOut"]');
    expect(heading(el)).to.equal('Verification locked');
    expect($maybe(el, '[data-action="cancel"]')).to.equal(null);
    const again = $(el, '[data-action="new-request"]');
    expect(text(again)).to.equal('New support request');
    again.click();
    await waitForHeading(el, 'Find the user');
  });

  it('accepts a pasted code with spaces and refuses a malformed one without calling the server', async () => {
    const { el, fake } = await atAgentCode();
    const input = $<HTMLInputElement>(el, '#code');
    expect(input.inputMode).to.equal('numeric');
    expect(input.autocomplete).to.equal('one-time-code');
    const code = fake.lastCode('agent');
    paste(input, ` ${code.slice(0, 3)} ${code.slice(3)} `);
    expect(input.value).to.equal(code);
    const calls = fake.calls.length;
    type(input, '12a4');
    $(el, '[data-action="verify"]').click();
    await waitFor(el, '#code-error', (p) => text(p) === 'The code has 6 digits.');
    expect(fake.calls.length).to.equal(calls);
    paste(input, `${code.slice(0, 3)} ${code.slice(3)}`);
    $(el, '[data-action="verify"]').click();
    await waitForHeading(el, 'User verification');
  });

  it('takes codes of the length the server draws (code-digits="8")', async () => {
    const { el, fake } = await atAgentCode({ codeDigits: 8 }, (services) =>
      fixture<WaizantSupportFlow>(
        html`<waizant-support-flow code-digits="8" .services=${services}></waizant-support-flow>`,
      ),
    );
    expect(el.state?.codeDigits).to.equal(8);
    const code = fake.lastCode('agent');
    expect(code).to.match(/^[0-9]{8}$/);
    const calls = fake.calls.length;
    await enterCode(el, fake, 'agent', code.slice(0, 6));
    await waitFor(el, '#code-error', (p) => text(p) === 'The code has 8 digits.');
    expect(fake.calls.length).to.equal(calls);
    await enterCode(el, fake, 'agent', code);
    await waitForHeading(el, 'User verification');
  });

  it('counts the resend cooldown down, then resends with one resend fewer', async () => {
    const { el, fake } = await atAgentCode({ resendCooldownMs: 2_000 });
    const resend = $<HTMLButtonElement>(el, '[data-action="resend"]');
    expect(resend.disabled).to.equal(true);
    expect(text($(el, '[data-countdown="code.resendIn"]'))).to.match(
      /^You can resend the code in 0:0[12]\.$/,
    );
    expect(text($(el, '[data-resends]'))).to.equal('Resends left: 3');
    await waitFor(el, '[data-action="resend"]', (b) => !(b as HTMLButtonElement).disabled);
    expect($maybe(el, '[data-countdown="code.resendIn"]')).to.equal(null);
    $(el, '[data-action="resend"]').click();
    await waitFor(el, '[data-resends]', (s) => text(s) === 'Resends left: 2');
    expect(fake.outbox.filter((m) => m.purpose === 'agent')).to.have.length(2);
    // The first code is no longer valid; the newest is.
    await enterCode(el, fake, 'agent');
    await waitForHeading(el, 'User verification');
  });
});

describe('<waizant-support-flow> cancel', () => {
  it('refuses an empty or short reason, dismiss returns to the exact step, confirm emits the reason', async () => {
    const { el, fake } = await atAgentCode();
    await enterCode(el, fake, 'agent', fake.wrongCode('agent'));
    await waitFor(el, '[data-attempts]', (p) => text(p) === 'Attempts left: 4');

    const cancelButton = $<HTMLButtonElement>(el, '[data-action="cancel"]');
    cancelButton.focus();
    cancelButton.click();
    const dialog = await waitFor<HTMLDialogElement>(el, 'dialog.cancel', (d) => d.open);
    const reason = $<HTMLTextAreaElement>(el, '#cancel-reason');
    expect(deepActiveElement()).to.equal(reason);
    expect(text($(el, 'label[for="cancel-reason"]'))).to.equal('Reason for cancelling');

    $(el, '[data-action="confirm-cancel"]').click();
    await waitFor(el, '#cancel-error', (p) => text(p) === 'Write a reason of at least 3 characters.');
    type(reason, '  a ');
    $(el, '[data-action="confirm-cancel"]').click();
    await waitFor(el, '#cancel-error', (p) => text(p) === 'Write a reason of at least 3 characters.');
    type(reason, 'x'.repeat(501));
    $(el, '[data-action="confirm-cancel"]').click();
    await waitFor(el, '#cancel-error', (p) => text(p) === 'The reason may have at most 500 characters.');
    expect(dialog.open).to.equal(true);
    expect(fake.calls).not.to.include('cancel');

    // Dismiss: back on the same step, same phase, same attempts, focus back on Cancel.
    $(el, '[data-action="dismiss-cancel"]').click();
    await waitFor(el, 'dialog.cancel', (d) => !(d as HTMLDialogElement).open);
    expect(heading(el)).to.equal('Internal verification');
    expect($maybe(el, '#code')).not.to.equal(null);
    expect(text($(el, '[data-attempts]'))).to.equal('Attempts left: 4');
    expect(deepActiveElement()).to.equal($(el, '[data-action="cancel"]'));

    // Escape also dismisses.
    $(el, '[data-action="cancel"]').click();
    await waitFor(el, 'dialog.cancel', (d) => (d as HTMLDialogElement).open);
    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    await waitFor(el, 'dialog.cancel', (d) => !(d as HTMLDialogElement).open);
    expect(heading(el)).to.equal('Internal verification');

    // Confirm with a valid reason.
    $(el, '[data-action="cancel"]').click();
    await waitFor(el, 'dialog.cancel', (d) => (d as HTMLDialogElement).open);
    type($<HTMLTextAreaElement>(el, '#cancel-reason'), 'The user hung up the call');
    const cancelled = oneEvent(el, 'waizant-support-cancelled');
    $(el, '[data-action="confirm-cancel"]').click();
    const event = (await cancelled) as CustomEvent<WaizantSupportCancelledDetail>;
    expect(event.detail.reason).to.equal('The user hung up the call');
    await waitFor(el, '[data-final="cancelled"]');
    expect(heading(el)).to.equal('Support request cancelled');
    expect(text($(el, '[data-cancel-reason]'))).to.contain('The user hung up the call');
    const session = [...fake.sessions.values()][0]!;
    expect(session.step).to.equal('cancelled');
    expect(session.cancelReason).to.equal('The user hung up the call');
  });

  it('offers Cancel on every live step', async () => {
    const { successor } = people();
    const fake = fakeWith([successor]);
    fake.seedProcesses(successor.id, successor.ecosystems[0]!.id, 2);
    const el = await mountFlow(fake, 'ecosystem-admin');
    await searchEmail(el, successor.email);
    expect($maybe(el, '[data-action="cancel"]')).to.equal(null);
    await start(el);
    const seen: string[] = [];
    const check = async (title: string) => {
      await waitForHeading(el, title);
      await waitFor(el, '[data-action="cancel"]', (b) => !(b as HTMLButtonElement).disabled);
      seen.push(title);
    };
    await check('User verification');
    await sendCode(el);
    await enterCode(el, fake, 'user');
    await check('Internal verification');
    await chooseEcosystem(el, successor.ecosystems[0]!.id);
    await waitFor(el, '#code');
    await check('Internal verification');
    await enterCode(el, fake, 'agent');
    await check('Successor activity');
    expect(seen).to.have.length(4);
  });
});

describe('<waizant-support-flow> inactivity', () => {
  it('warns before the deadline, "I\'m still here" keeps the session, then it expires', async () => {
    const { admin } = people();
    // Idle limit 3 s, warning 2 s before: the warning comes 1 s after the last activity.
    const fake = fakeWith([admin], { idleMs: 3_000, warnBeforeMs: 2_000 });
    const el = await mountFlow(fake);
    await searchEmail(el, admin.email);
    await start(el);
    await waitForHeading(el, 'Select the ecosystem');
    const warning = await waitFor(el, '[data-inactivity]');
    expect(text(warning)).to.match(/The session will close for inactivity in 0:0[0-3]\./);
    const touchesBefore = fake.calls.filter((c) => c === 'touch').length;
    $(el, '[data-action="still-here"]').click();
    await waitFor(el, '[data-step-heading]', () => $maybe(el, '[data-inactivity]') === null);
    expect(fake.calls.filter((c) => c === 'touch').length).to.equal(touchesBefore + 1);
    expect(heading(el)).to.equal('Select the ecosystem');

    // No more activity: the warning returns, then the server's expiry is confirmed.
    const expired = oneEvent(el, 'waizant-support-expired');
    await waitFor(el, '[data-inactivity]');
    await expired;
    await waitFor(el, '[data-final="expired"]');
    expect(heading(el)).to.equal('Session expired');
    expect(text($(el, '[data-final="expired"] p'))).to.contain('The request was lost');
    expect([...fake.sessions.values()][0]?.step).to.equal('expired');
    expect($maybe(el, '[data-action="cancel"]')).to.equal(null);
    expect($maybe(el, '[data-action="new-request"]')).not.to.equal(null);
  });
});
