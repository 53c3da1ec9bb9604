/**
 * End to end, the App link by e-mail: on the QR step the agent sends it to the user; the user
 * opens the mailbox in their own browser, the picture encodes the same link, opening it signs
 * the phone in, and the agent's view shows the QR claimed. Debian's Chromium via playwright-core.
 */
import { type Lang, loadMessages, type Messages } from '@waizant/support-elements';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  AGENT,
  chooseEcosystem,
  enterCode,
  flowEl,
  lastCode,
  locale,
  lookup,
  readCode,
  signedInContext,
  useDemo,
} from './e2e-support.js';

const USER = { email: 'pedro.managed@example.com', masked: 'p***d@example.com' };

const env = useDemo();

/** Signed in as the agent, Technical Assistance for the managed user up to the QR. */
async function toQr(lang: Lang, t: Messages): Promise<Page> {
  const { context, page } = await signedInContext(env, lang);
  await lookup(env, page, t, lang, 'technical-assistance', USER.email);
  const el = flowEl(page);
  await el.getByRole('button', { name: t['lookup.start'] }).click();
  await chooseEcosystem(page, 'Familia Pérez');
  await el.locator('form button[type="submit"]').first().click();
  await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
  await enterCode(page, await readCode(env, context, AGENT.email));
  await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['userCode.heading']);
  const previous = await lastCode(env, USER.email);
  await el.getByRole('button', { name: t['userCode.send'] }).click();
  await enterCode(page, await readCode(env, context, USER.email, previous));
  await el.locator('[part~="destination"]').filter({ hasText: t['destination.app'] }).click();
  await expect.poll(() => el.locator('img[part~="qr"]').count()).toBe(1);
  return page;
}

describe.each<Lang>(['en', 'es'])('the QR by e-mail in %s', (lang) => {
  it('the agent sends it; opened from the mailbox in a second browser context, it shows as claimed', async () => {
    const t = await loadMessages(lang);
    const page = await toQr(lang, t);
    const el = flowEl(page);
    await el.getByRole('button', { name: t['qr.email'] }).click();
    await expect
      .poll(() => el.locator('[data-qr-emailed]').textContent(), { timeout: 15_000 })
      .toContain(t['qr.emailed'].replace('{to}', USER.masked));
    expect(await el.getByRole('button', { name: t['qr.email'] }).count()).toBe(0);

    // The user's own browser: the newest App-link e-mail, its link and its inline picture.
    const user = await env.browser.newContext({ locale: locale(lang) });
    const mailbox = await user.newPage();
    await mailbox.goto(`${env.demo.url}/mailbox`);
    const row = mailbox.locator('#messages tr[data-kind="handoff_qr"]', { hasText: USER.email }).first();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    const href = (await row.locator('a[href*="/app#token="]').first().getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^${env.demo.url}/app#token=[A-Za-z0-9_-]{22,}$`));
    const src = (await row.locator('img[data-inline]').getAttribute('src')) ?? '';
    const png = PNG.sync.read(Buffer.from(src.split(',')[1] ?? '', 'base64'));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(href);

    const phone = await user.newPage();
    await phone.goto(href);
    await expect
      .poll(() => phone.locator('#status').textContent(), { timeout: 15_000 })
      .toBe('Signed in as Pedro Managed, assisted by Ana Agent.');
    // The same handoff: the agent's handoff watch shows it claimed.
    await expect
      .poll(() => el.locator('[data-qr-claimed]').textContent(), { timeout: 20_000 })
      .toBe(t['qr.claimed']);
    await el.locator('button[data-action="finish"]').click();
    await user.close();
    await page.context().close();
  });
});
