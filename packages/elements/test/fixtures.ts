import { fixture, html } from '@open-wc/testing';
import type { CodePurpose, Flow } from '@waizant/support-core';
import '../src/define.js';
import { type FakeSupportOptions, FakeSupportServices, type FakeUser } from '@waizant/support-core/testing';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { $, text, type, waitFor } from './helpers.js';

export const XSS_IMG = '<img src=x onerror=window.__xss=1>';
export const XSS_SVG = '"><svg onload=window.__xss=1>';

declare global {
  interface Window {
    __xss?: number;
  }
}

export { people } from './people.js';

/** A fake server knowing `users`; each call takes 5 ms unless told, so pending states show. */
export function fakeWith(users: FakeUser[], options: Omit<FakeSupportOptions, 'users'> = {}) {
  return new FakeSupportServices({ users, latencyMs: 5, ...options });
}

export async function mountFlow(
  services: FakeSupportServices,
  flow: Flow = 'technical-assistance',
  lang = 'en',
): Promise<WaizantSupportFlow> {
  return fixture<WaizantSupportFlow>(
    html`<waizant-support-flow
      flow=${flow}
      lang=${lang}
      handoff-poll-ms="40"
      session-poll-ms="50"
      .services=${services}
    ></waizant-support-flow>`,
  );
}

export function heading(el: Element): string {
  return text($(el, '[data-step-heading]'));
}

export async function waitForHeading(el: Element, wanted: string): Promise<void> {
  await waitFor(el, '[data-step-heading]', (h) => text(h) === wanted, `heading "${wanted}"`);
}

export async function searchEmail(el: WaizantSupportFlow, email: string): Promise<void> {
  type($<HTMLInputElement>(el, '#email'), email);
  $(el, '[data-action="search"]').click();
  await waitFor(el, '[data-user-name], [data-not-found]');
}

export async function start(el: WaizantSupportFlow): Promise<void> {
  (await waitFor(el, '[data-action="start"]', (b) => !(b as HTMLButtonElement).disabled)).click();
}

export async function chooseEcosystem(el: WaizantSupportFlow, ecosystemId: string): Promise<void> {
  const select = await waitFor<HTMLSelectElement>(el, '#ecosystem', (s) => !s.disabled);
  select.value = ecosystemId;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  $(el, '[data-action="select-ecosystem"]').click();
}

export async function sendCode(el: WaizantSupportFlow): Promise<void> {
  (await waitFor(el, '[data-action="send-code"]', (b) => !(b as HTMLButtonElement).disabled)).click();
  await waitFor(el, '#code');
}

export async function enterCode(
  el: WaizantSupportFlow,
  services: FakeSupportServices,
  purpose: CodePurpose,
  code?: string,
): Promise<void> {
  const input = await waitFor<HTMLInputElement>(el, '#code', (i) => !i.disabled);
  type(input, code ?? services.lastCode(purpose));
  $(el, '[data-action="verify"]').click();
}

/** Technical Assistance up to the destinations, through the DOM. */
export async function verifyForAssistance(
  el: WaizantSupportFlow,
  services: FakeSupportServices,
  user: FakeUser,
  ecosystemId: string,
): Promise<void> {
  await searchEmail(el, user.email);
  await start(el);
  await waitForHeading(el, 'Select the ecosystem');
  await chooseEcosystem(el, ecosystemId);
  await waitForHeading(el, 'Internal verification');
  await sendCode(el);
  await enterCode(el, services, 'agent');
  await waitForHeading(el, 'User verification');
  await sendCode(el);
  await enterCode(el, services, 'user');
  await waitForHeading(el, 'Verified: choose where to help');
}
