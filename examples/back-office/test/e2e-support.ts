/**
 * What the end-to-end files share: the demo server and Chromium for one file, a signed-in
 * agent's browser context, the mailbox read as a person would, and the flow's common moves.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang, Messages } from '@waizant/support-elements';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromiumLaunchOptions } from '../../../tools/chromium.mjs';
import { type DemoOptions, REPO_ROOT, type RunningDemo, startDemo } from '../src/demo.js';

export const AGENT = { name: 'Ana Agent', email: 'ana.agent@support.waizant.local' };
const SHOTS = join(REPO_ROOT, '.artifacts', 'screenshots');

export interface E2e {
  readonly demo: RunningDemo;
  readonly browser: Browser;
}

/** One demo server (in memory, test controls on) and one Chromium for the calling file. */
export function useDemo(options: Pick<DemoOptions, 'agentStepUp'> = {}): E2e {
  const env = {} as { demo: RunningDemo; browser: Browser };
  beforeAll(async () => {
    const launch = chromiumLaunchOptions();
    env.demo = await startDemo({ port: 0, dataDir: null, testControls: true, ...options });
    env.browser = await chromium.launch(launch);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.demo?.close();
  });
  return env;
}

export const locale = (lang: Lang) => (lang === 'es' ? 'es-ES' : 'en-US');
export const flowEl = (page: Page) => page.locator('waizant-support-flow');

/** A fresh browser context signed in as Ana Agent on the demo's agent page. */
export async function signedInContext(
  env: E2e,
  lang: Lang = 'en',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({
    viewport: { width: 1100, height: 900 },
    locale: locale(lang),
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${env.demo.url}/`);
  await page.getByRole('button', { name: new RegExp(AGENT.name) }).click();
  // Playwright's own wait, not expect.poll: callers may run in a hook, outside a test.
  await page.locator('#agent-badge', { hasText: AGENT.name }).waitFor();
  return { context, page };
}

/** Opens the mailbox like a person would and reads the newest code sent to `to`. */
export async function readCode(
  env: E2e,
  context: BrowserContext,
  to: string,
  notBefore = '',
): Promise<string> {
  const mailbox = await context.newPage();
  try {
    await mailbox.goto(`${env.demo.url}/mailbox`);
    let code = '';
    await expect
      .poll(
        async () => {
          // Only code messages: the user's notices and receipts arrive in the same mailbox.
          const rows = mailbox.locator('#messages tr[data-code]', { hasText: to });
          if ((await rows.count()) === 0) return '';
          code = (await rows.first().getAttribute('data-code')) ?? '';
          return code !== notBefore ? code : '';
        },
        { timeout: 15_000 },
      )
      .toMatch(/^\d{6}$/);
    return code;
  } finally {
    await mailbox.close();
  }
}

/** The newest code already in the outbox for `to`, to wait for a newer one. */
export async function lastCode(env: E2e, to: string): Promise<string> {
  return (await env.demo.support.outbox(to)).filter((m) => m.code).at(-1)?.code ?? '';
}

export async function enterCode(page: Page, code: string) {
  const input = flowEl(page).locator('input[autocomplete="one-time-code"]');
  await input.fill(code);
  await input.press('Enter');
}

export async function chooseEcosystem(page: Page, name: string) {
  const select = flowEl(page).locator('select').first();
  const value = await select.locator('option', { hasText: name }).first().getAttribute('value');
  await select.selectOption(value ?? '');
}

/** Opens a flow's page in `lang`, looks `email` up and waits until the session can start. */
export async function lookup(
  env: E2e,
  page: Page,
  t: Messages,
  lang: Lang,
  flow: 'technical-assistance' | 'ecosystem-admin',
  email: string,
) {
  await page.goto(`${env.demo.url}/${flow}`);
  await page.locator('#lang').selectOption(lang);
  const el = flowEl(page);
  await el.getByLabel(t['lookup.email']).fill(email);
  await el.locator('form button[type="submit"]').first().click();
  const start = el.getByRole('button', { name: t['lookup.start'] });
  await expect.poll(() => start.isEnabled()).toBe(true);
}

export async function shot(page: Page, lang: string, name: string) {
  const dir = join(SHOTS, lang);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
