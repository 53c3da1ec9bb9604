/**
 * End to end, the App link by e-mail: on the QR step the agent sends it to the user; the user
 * opens the mailbox in their own browser, the picture encodes the same link, opening it signs
 * the phone in, and the agent's view shows the QR claimed. Debian's Chromium via playwright-core.
 */
import { type Lang, loadMessages, type Messages } from '@waizant/support-elements';
import jsQR from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../tools/chromium.mjs';
import { type RunningDemo, startDemo } from '../src/demo.js';

const AGENT = 'Ana Agent';
const USER = { email: 'pedro.managed@example.com', masked: 'p***d@example.com' };

let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo({ port: 0, dataDir: null, testControls: true });
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const flowEl = (page: Page) => page.locator('waizant-support-flow');
const locale = (lang: Lang) => (lang === 'es' ? 'es-ES' : 'en-US');

/** Reads the newest code for `to` from the mailbox page, as a person would. */
async function readCode(page: Page, to: string, notBefore = ''): Promise<string> {
  const mailbox = await page.context().newPage();
  await mailbox.goto(`${demo.url}/mailbox`);
  let code = '';
  await expect
    .poll(
      async () => {
        code =
          (await mailbox
            .locator('#messages tr[data-code]', { hasText: to })
            .first()
            .getAttribute('data-code')) ?? '';
        return code !== notBefore ? code : '';
      },
      { timeout: 15_000 },
    )
    .toMatch(/^\d{6}$/);
  await mailbox.close();
  return code;
}

async function enterCode(page: Page, code: string) {
  const input = flowEl(page).locator('input[autocomplete="one-time-code"]');
  await input.fill(code);
  await input.press('Enter');
}

/** Signed in as the agent, Technical Assistance for the managed user up to the QR. */
async function toQr(lang: Lang, t: Messages): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: locale(lang) });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${demo.url}/`);
  await page.getByRole('button', { name: new RegExp(AGENT) }).click();
  await expect.poll(() => page.locator('#agent-badge').textContent()).toContain(AGENT);
  await page.goto(`${demo.url}/technical-assistance`);
  await page.locator('#lang').selectOption(lang);
  const el = flowEl(page);
  await el.getByLabel(t['lookup.email']).fill(USER.email);
  await el.locator('form button[type="submit"]').first().click();
  const start = el.getByRole('button', { name: t['lookup.start'] });
  await expect.poll(() => start.isEnabled()).toBe(true);
  await start.click();
  const select = el.locator('select').first();
  const value = await select.locator('option', { hasText: 'Familia Pérez' }).first().getAttribute('value');
  await select.selectOption(value ?? '');
  await el.locator('form button[type="submit"]').first().click();
  await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
  await enterCode(page, await readCode(page, 'ana.agent@support.waizant.local'));
  await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['userCode.heading']);
  const previous = (await demo.support.outbox(USER.email)).filter((m) => m.code).at(-1)?.code ?? '';
  await el.getByRole('button', { name: t['userCode.send'] }).click();
  await enterCode(page, await readCode(page, USER.email, previous));
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
    const user = await browser.newContext({ locale: locale(lang) });
    const mailbox = await user.newPage();
    await mailbox.goto(`${demo.url}/mailbox`);
    const row = mailbox.locator('#messages tr[data-kind="handoff_qr"]', { hasText: USER.email }).first();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    const href = (await row.locator('a[href*="/app#token="]').first().getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^${demo.url}/app#token=[A-Za-z0-9_-]{22,}$`));
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
