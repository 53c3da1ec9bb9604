import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { SupportFlowState } from '@waizant/support-core';
import { FakeAuthenticator, type FakeSupportServices } from '@waizant/support-core/testing';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import {
  chooseEcosystem,
  enterCode,
  fakeWith,
  people,
  searchEmail,
  sendCode,
  start,
  waitForHeading,
} from './fixtures.js';
import { $, $maybe, text, type, waitFor } from './helpers.js';

/**
 * The agent's passkey step-up in the element (issue #17), against the fake server's passkey
 * rules and a fake authenticator (the browser's prompt cannot be driven here; the end-to-end
 * suite uses Chromium's virtual authenticator).
 */

type Mode = 'passkey' | 'passkey-or-email';

async function mount(server: FakeSupportServices, authenticator: FakeAuthenticator, lang = 'en') {
  return fixture<WaizantSupportFlow>(
    html`<waizant-support-flow
      lang=${lang}
      session-poll-ms="50"
      .services=${server}
      .passkeys=${authenticator}
    ></waizant-support-flow>`,
  );
}

async function until(el: WaizantSupportFlow, check: (s: SupportFlowState) => boolean, what: string) {
  await waitUntil(() => el.state !== null && check(el.state), what, { timeout: 8000, interval: 20 });
  await el.updateComplete;
}

async function click(el: WaizantSupportFlow, action: string) {
  (await waitFor(el, `[data-action="${action}"]`, (b) => !(b as HTMLButtonElement).disabled)).click();
}

async function toAgentStep(el: WaizantSupportFlow, email: string, ecosystemId: string) {
  await searchEmail(el, email);
  await start(el);
  await waitForHeading(el, 'Select the ecosystem');
  await chooseEcosystem(el, ecosystemId);
  await until(el, (s) => s.view === 'agentCode' && !s.pending, 'agent step');
}

async function axe(el: WaizantSupportFlow, view: string) {
  await el.updateComplete;
  try {
    await expect(el).to.be.accessible();
  } catch (error) {
    throw new Error(`axe violations in "${view}":\n${(error as Error).message}`);
  }
}

/** A server under `mode` where the agent already enrolled a passkey on `authenticator`. */
async function enrolled(mode: Mode) {
  const { admin } = people();
  const server = fakeWith([admin], { agentStepUp: 'passkey-or-email' });
  const authenticator = new FakeAuthenticator();
  const el = await mount(server, authenticator);
  await toAgentStep(el, admin.email, admin.ecosystems[0]?.id ?? '');
  await click(el, 'choose-email-code');
  await sendCode(el);
  await enterCode(el, server, 'agent');
  await waitForHeading(el, 'Set up a passkey');
  type($<HTMLInputElement>(el, '#passkey-name'), 'Work laptop');
  await click(el, 'set-up-passkey');
  await waitForHeading(el, 'User verification');
  el.remove();
  server.limits.agentStepUp = mode;
  return { server, authenticator, admin, ecosystemId: admin.ecosystems[0]?.id ?? '' };
}

describe('<waizant-support-flow> passkey step-up', () => {
  it('offers "Set up a passkey" after the e-mailed code, and Not now goes on to the user code', async () => {
    const { admin } = people();
    const server = fakeWith([admin], { agentStepUp: 'passkey-or-email' });
    const el = await mount(server, new FakeAuthenticator());
    await toAgentStep(el, admin.email, admin.ecosystems[0]?.id ?? '');
    expect(text($(el, '[data-choose]'))).to.equal('How do you want to confirm it is you?');
    await axe(el, 'step-up choice');
    await click(el, 'choose-email-code');
    await sendCode(el);
    await enterCode(el, server, 'agent');
    await waitForHeading(el, 'Set up a passkey');
    await axe(el, 'passkey set-up');
    await click(el, 'skip-passkey');
    await waitForHeading(el, 'User verification');
    expect(server.passkeys).to.have.length(0);
  });

  it('enrols a passkey with its name, then verifies the agent with it and reaches the destinations', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey-or-email');
    expect(server.passkeys.map((p) => p.name)).to.deep.equal(['Work laptop']);
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    await click(el, 'choose-passkey');
    await waitFor(el, '[data-passkey-prompt]');
    await axe(el, 'passkey prompt');
    await click(el, 'use-passkey');
    await waitForHeading(el, 'User verification');
    expect(authenticator.calls).to.deep.equal(['register', 'authenticate']);
    await sendCode(el);
    await enterCode(el, server, 'user');
    await waitForHeading(el, 'Verified: choose where to help');
  });

  it('says plainly when the prompt was closed or the origin is wrong, and falls back to the e-mailed code', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey-or-email');
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    await click(el, 'choose-passkey');
    authenticator.failNext('NotAllowedError');
    await click(el, 'use-passkey');
    const cancelled = await waitFor(el, '[data-passkey-problem="cancelled"]');
    expect(text(cancelled)).to.contain('this device has no passkey for this site');
    authenticator.failNext('SecurityError');
    await click(el, 'use-passkey');
    const origin = await waitFor(el, '[data-passkey-problem="wrongOrigin"]');
    expect(text(origin)).to.contain('does not match the passkey settings');
    expect(server.calls).not.to.include('verifyAgentPasskey');
    await click(el, 'use-email-code');
    await sendCode(el);
    await enterCode(el, server, 'agent');
    await waitForHeading(el, 'User verification');
  });

  it('keeps the prompt’s buttons apart (the flow’s action rows have a gap)', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey-or-email');
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    await click(el, 'choose-passkey');
    const a = (await waitFor(el, '[data-action="use-email-code"]')).getBoundingClientRect();
    const b = $(el, '[data-action="manage-passkeys"]').getBoundingClientRect();
    // Side by side or wrapped: either way, some space between them.
    expect(Math.max(b.left - a.right, b.top - a.bottom)).to.be.at.least(4);
  });

  it('shows the attempts left when the server refuses the passkey', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey-or-email');
    server.limits.passkeyOrigins = ['https://elsewhere.example'];
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    await click(el, 'choose-passkey');
    await click(el, 'use-passkey');
    const attempts = await waitFor(el, '[data-attempts]');
    expect(text(attempts)).to.equal('Attempts left: 4');
    expect(text($(el, '[data-error]'))).to.equal('The passkey could not be verified.');
    expect($maybe(el, '[data-action="use-email-code"]')).to.not.equal(null);
  });

  it('under passkey only offers no e-mailed code and no choice', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey');
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    expect($maybe(el, '[data-choose]')).to.equal(null);
    expect($maybe(el, '[data-action="use-email-code"]')).to.equal(null);
    expect(text($(el, '[data-action="use-passkey"]'))).to.equal('Use a passkey');
    await click(el, 'use-passkey');
    await waitForHeading(el, 'User verification');
  });

  it('lists the agent’s passkeys and removes one', async () => {
    const { server, authenticator, admin, ecosystemId } = await enrolled('passkey-or-email');
    const el = await mount(server, authenticator);
    await toAgentStep(el, admin.email, ecosystemId);
    await click(el, 'choose-passkey');
    await click(el, 'manage-passkeys');
    await waitForHeading(el, 'Your passkeys');
    await waitFor(el, '[data-passkey]');
    await axe(el, 'passkey list');
    await click(el, 'remove-passkey');
    await waitFor(el, '[data-passkeys-empty]');
    expect(server.passkeys).to.have.length(0);
    await click(el, 'close-passkeys');
    await waitFor(el, '[data-passkey-prompt]');
  });
});
