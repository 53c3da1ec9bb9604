/**
 * End to end, as a person would: the demo back office on its embedded defaults, driven in
 * Debian's Chromium through playwright-core. Codes are read from the dev mailbox page; the
 * QR is decoded from the picture the agent sees and opened in a second tab (the phone).
 */
import { type Lang, loadMessages, type Messages } from '@waizant/support-elements';
import jsQR from 'jsqr';
import type { BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT,
  chooseEcosystem,
  enterCode,
  flowEl,
  lookup as lookupIn,
  readCode as readMailbox,
  shot,
  signedInContext as signIn,
  useDemo,
} from './e2e-support.js';

const env = useDemo();
const signedInContext = (lang: Lang = 'en') => signIn(env, lang);
const readCode = (context: BrowserContext, to: string, notBefore = '') =>
  readMailbox(env, context, to, notBefore);
const lookup = (
  page: Page,
  t: Messages,
  lang: Lang,
  flow: 'technical-assistance' | 'ecosystem-admin',
  email: string,
) => lookupIn(env, page, t, lang, flow, email);

/** Lifetime line of the stand-in destination pages, in the browser's language. */
const LIFETIME: Record<Lang, { active: string; ended: string }> = {
  en: { active: 'Assisted session active', ended: 'Assisted session ended' },
  es: { active: 'Sesión asistida activa', ended: 'Sesión asistida finalizada' },
};

/** Technical Assistance up to the destinations; screenshots on the way. */
async function verifyForAssistance(
  context: BrowserContext,
  page: Page,
  t: Messages,
  lang: Lang,
  user: { email: string; ecosystem: string },
) {
  const el = flowEl(page);
  await lookup(page, t, lang, 'technical-assistance', user.email);
  await shot(page, lang, '01-lookup-found');
  await el.getByRole('button', { name: t['lookup.start'] }).click();
  await chooseEcosystem(page, user.ecosystem);
  await shot(page, lang, '02-ecosystem');
  await el.locator('form button[type="submit"]').first().click();
  // Internal verification: the agent's own code.
  await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
  await shot(page, lang, '03-agent-code');
  await enterCode(page, await readCode(context, AGENT.email));
  // "A verification code will be sent to NAME", then the user's code.
  await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['userCode.heading']);
  await shot(page, lang, '04-user-code-prompt');
  await el.getByRole('button', { name: t['userCode.send'] }).click();
  await enterCode(page, await readCode(context, user.email));
}

/** Technical Assistance for María Admin up to the agent's code prompt. */
async function toAgentCode(page: Page, t: Messages, lang: Lang) {
  const el = flowEl(page);
  await lookup(page, t, lang, 'technical-assistance', 'maria.admin@example.com');
  await el.getByRole('button', { name: t['lookup.start'] }).click();
  await chooseEcosystem(page, 'Familia Pérez');
  await el.locator('form button[type="submit"]').first().click();
}

function destinationButtons(page: Page) {
  return flowEl(page).locator('[part~="destination"]');
}
const destinationNames = (page: Page) => destinationButtons(page).locator('strong').allTextContents();

describe.each<Lang>(['en', 'es'])('the demo back office in %s', (lang) => {
  let t: Messages;
  beforeAll(async () => {
    t = await loadMessages(lang);
  });

  it('Technical Assistance: an administrator gets three destinations, Waizant Web shows the assisted session, and shows it ended within 5 s after the agent cancels', async () => {
    const { context, page } = await signedInContext(lang);
    await verifyForAssistance(context, page, t, lang, {
      email: 'maria.admin@example.com',
      ecosystem: 'Familia Pérez',
    });
    await expect
      .poll(() => destinationNames(page))
      .toEqual([t['destination.store'], t['destination.web'], t['destination.app']]);
    await shot(page, lang, '05-destinations-administrator');
    await destinationButtons(page).filter({ hasText: t['destination.web'] }).click();
    const link = flowEl(page).locator('[data-handoff-link]');
    await expect.poll(() => link.getAttribute('href')).toMatch(/\/web\/home#token=/);
    await shot(page, lang, '06-web-link-ready');
    const [destination] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await destination.waitForLoadState();
    await expect
      .poll(() => destination.locator('#status').textContent(), { timeout: 15_000 })
      .toBe('Signed in as María Admin, assisted by Ana Agent.');
    expect(await destination.locator('#page').textContent()).toBe('web-home');
    expect(destination.url()).not.toContain('token=');
    await expect.poll(() => destination.locator('#lifetime').textContent()).toBe(LIFETIME[lang].active);
    await shot(destination, lang, '07-destination-web-home');
    // The agent cancels: the destination's next introspection (every 2 s) says it ended.
    const el = flowEl(page);
    await el.getByRole('button', { name: t['common.cancel'] }).first().click();
    await el.getByLabel(t['cancel.reason']).fill('The user has what they needed');
    await el.getByRole('button', { name: t['cancel.ok'] }).click();
    await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['final.cancelled.heading']);
    await expect
      .poll(() => destination.locator('#lifetime').textContent(), { timeout: 5_000, interval: 100 })
      .toBe(LIFETIME[lang].ended);
    await shot(destination, lang, '07b-destination-ended');
    await context.close();
  });

  it("the user ends the support session from the e-mail's link on the kit's page; a receipt follows", async () => {
    const { context, page } = await signedInContext(lang);
    await verifyForAssistance(context, page, t, lang, {
      email: 'maria.admin@example.com',
      ecosystem: 'Familia Pérez',
    });
    await destinationButtons(page).filter({ hasText: t['destination.web'] }).click();
    const link = flowEl(page).locator('[data-handoff-link]');
    await expect.poll(() => link.getAttribute('href')).toMatch(/#token=/);
    const [destination] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await expect
      .poll(() => destination.locator('#status').textContent(), { timeout: 15_000 })
      .toBe('Signed in as María Admin, assisted by Ana Agent.');
    // The agent stays on the destinations view, page open, while the user acts.
    await flowEl(page).locator('[data-action="back"]').click();
    await expect.poll(() => destinationButtons(page).count()).toBeGreaterThan(0);

    // The user, in their own browser and language, follows the link of the newest notice.
    const user = await env.browser.newContext({ locale: lang === 'es' ? 'es-ES' : 'en-US' });
    const mailbox = await user.newPage();
    await mailbox.goto(`${env.demo.url}/mailbox`);
    const endLinks = mailbox
      .locator('#messages tr', { hasText: 'maria.admin@example.com' })
      .locator('a[href*="/api/end#t="]');
    await expect.poll(() => endLinks.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const href = (await endLinks.first().getAttribute('href')) ?? '';
    const endPage = await user.newPage();
    await endPage.goto(href);
    await expect.poll(() => endPage.locator('#agent').textContent(), { timeout: 15_000 }).toBe('Ana Agent');
    expect(await endPage.locator('#ecosystem').textContent()).toBe('Familia Pérez');
    expect(endPage.url()).not.toContain('#t=');
    await shot(endPage, lang, '20-end-page-confirm');
    await endPage.locator('#confirm').click();
    await expect.poll(() => endPage.locator('#ended').count(), { timeout: 15_000 }).toBe(1);
    expect(await endPage.locator('html').getAttribute('lang')).toBe(lang);
    await shot(endPage, lang, '21-end-page-ended');
    // The agent's flow re-reads its session and shows that the user ended it (next poll, 5 s).
    await expect
      .poll(() => flowEl(page).locator('[data-final="endedByUser"] p').textContent(), { timeout: 10_000 })
      .toBe(t['final.endedByUser']);
    await shot(page, lang, '22-agent-ended-by-user');
    await context.close();
    const { rows } = await env.demo.support.database.query<{ step: string }>(
      `SELECT s.step FROM support_sessions s JOIN core_users u ON u.id = s.user_id
       WHERE u.email = $1 ORDER BY s.created_at DESC LIMIT 1`,
      ['maria.admin@example.com'],
    );
    expect(rows[0]?.step).toBe('ended_by_user');
    const latest = (await env.demo.support.outbox('maria.admin@example.com')).at(-1);
    expect(latest?.kind).toBe('assisted_session_receipt');
    expect(latest?.text).toContain('How it ended: You ended it.');
    // The link is single use: opening it again shows the neutral page.
    const again = await user.newPage();
    await again.goto(href);
    await expect.poll(() => again.locator('#neutral').count(), { timeout: 15_000 }).toBe(1);
    await user.close();
  });

  it('Technical Assistance: a managed user gets two destinations; the QR opened in a second tab shows as claimed and ends when the agent finishes', async () => {
    const { context, page } = await signedInContext(lang);
    await verifyForAssistance(context, page, t, lang, {
      email: 'pedro.managed@example.com',
      ecosystem: 'Familia Pérez',
    });
    await expect.poll(() => destinationNames(page)).toEqual([t['destination.web'], t['destination.app']]);
    await shot(page, lang, '08-destinations-managed');
    await destinationButtons(page).filter({ hasText: t['destination.app'] }).click();
    const qr = flowEl(page).locator('img[part~="qr"]');
    await expect.poll(() => qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await shot(page, lang, '09-qr');
    // The phone: scan the picture, open what it encodes.
    const png = PNG.sync.read(
      Buffer.from(((await qr.getAttribute('src')) ?? '').split(',')[1] ?? '', 'base64'),
    );
    const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(scanned?.data).toMatch(new RegExp(`^${env.demo.url}/app#token=[A-Za-z0-9_-]{22,}$`));
    const phone = await context.newPage();
    await phone.goto(scanned?.data ?? '');
    await expect
      .poll(() => phone.locator('#status').textContent(), { timeout: 15_000 })
      .toBe('Signed in as Pedro Managed, assisted by Ana Agent.');
    await expect
      .poll(() => flowEl(page).locator('[data-qr-claimed]').textContent(), { timeout: 20_000 })
      .toBe(t['qr.claimed']);
    await shot(page, lang, '10-qr-claimed');
    // A second scan of the same QR is refused.
    const again = await context.newPage();
    await again.goto(scanned?.data ?? '');
    await expect.poll(() => again.locator('#status').textContent()).toMatch(/cannot be used/);
    expect(await phone.locator('#lifetime').textContent()).toBe(LIFETIME[lang].active);
    await flowEl(page).locator('button[data-action="finish"]').click();
    await expect
      .poll(() => phone.locator('#lifetime').textContent(), { timeout: 5_000, interval: 100 })
      .toBe(LIFETIME[lang].ended);
    await context.close();
  });

  it('Technical Assistance: cancel with a reason from the middle of the flow; the audit shows it', async () => {
    const { context, page } = await signedInContext();
    const el = flowEl(page);
    await toAgentCode(page, t, lang);
    await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
    await el.getByRole('button', { name: t['common.cancel'] }).first().click();
    const reason = `The user hung up (${lang}) <img src=x onerror=alert(1)>`;
    await el.getByLabel(t['cancel.reason']).fill(reason);
    await shot(page, lang, '11-cancel-modal');
    await el.getByRole('button', { name: t['cancel.ok'] }).click();
    await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['final.cancelled.heading']);
    await shot(page, lang, '12-cancelled');
    await page.goto(`${env.demo.url}/audit`);
    const row = page.locator('#rows tr', { hasText: 'session.cancel' }).first();
    await expect.poll(() => row.textContent()).toContain(reason);
    await shot(page, lang, '13-audit');
    await context.close();
  });

  it("Ecosystem Admin: verifies the successor, then shows their processes and the rejected process's details", async () => {
    const { context, page } = await signedInContext();
    const el = flowEl(page);
    await lookup(page, t, lang, 'ecosystem-admin', 'sofia.successor@example.com');
    await el.getByRole('button', { name: t['lookup.start'] }).click();
    await el.getByRole('button', { name: t['userCode.send'] }).click();
    await enterCode(page, await readCode(context, 'sofia.successor@example.com'));
    await chooseEcosystem(page, 'Herencia López');
    await shot(page, lang, '14-admin-ecosystem');
    await el.getByRole('button', { name: t['ecosystem.sendCode'] }).click();
    await enterCode(page, await readCode(context, AGENT.email));
    const activity = el.locator('successor-activity');
    const rejected = activity.locator('[role="listitem"], li, tr', {
      hasText: 'The validation process for The Successor was rejected by Waizant',
    });
    await expect.poll(() => rejected.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await shot(page, lang, '15-successor-activity');
    await rejected.first().getByRole('button', { name: t['activity.seeDetails'] }).click();
    const dialog = activity.locator('dialog[open]');
    await expect.poll(() => dialog.textContent()).toContain(t['processStatus.rejected']);
    await shot(page, lang, '16-process-details');
    await context.close();
  });

  it('Inactivity: after the server clock passes 15 idle minutes the view shows expired and the server refuses', async () => {
    const { context, page } = await signedInContext();
    const el = flowEl(page);
    await toAgentCode(page, t, lang);
    const advanced = await page.evaluate(async () => {
      const response = await fetch('/demo/clock/advance', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ seconds: 15 * 60 + 1 }),
      });
      return response.json();
    });
    expect(advanced.closed).toBeGreaterThanOrEqual(1);
    const sentBefore = (await env.demo.support.outbox(AGENT.email)).length;
    await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
    await expect.poll(() => el.locator('h2').first().textContent()).toBe(t['final.expired.heading']);
    await shot(page, lang, '17-expired');
    // The server refused the step: no code went out.
    expect(await env.demo.support.outbox(AGENT.email)).toHaveLength(sentBefore);
    await context.close();
  });
});

describe('React host', () => {
  it('renders the same element inside React 19 and runs a lookup through the shared server', async () => {
    const { context, page } = await signedInContext();
    await page.goto(`${env.demo.url}/react`);
    const el = flowEl(page);
    await el.getByLabel('User email').fill('jorge.disabled@example.com');
    await el.locator('form button[type="submit"]').first().click();
    // The disabled user is found and cannot be assisted: the element talked to the server.
    await expect
      .poll(() => el.getByText('the account is disabled', { exact: false }).count())
      .toBeGreaterThan(0);
    expect(await el.getByRole('button', { name: 'Start Verification Process' }).isDisabled()).toBe(true);
    // Switching the module in React remounts the element in the other flow.
    await page.locator('select').first().selectOption('ecosystem-admin');
    await expect.poll(() => el.getAttribute('flow')).toBe('ecosystem-admin');
    await shot(page, 'en', '18-react-host');
    await context.close();
  });
});
