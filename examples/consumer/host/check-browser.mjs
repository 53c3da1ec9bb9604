// Step: the esbuild and Vite bundles register both tags in Chromium, and one whole Technical
// Assistance flow runs on the esbuild page against the installed server (codes from the outbox).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadMessages } from '@waizant/support-elements';
import { chromium } from 'playwright-core';
// chromium.mjs is the workspace's tools/chromium.mjs, copied here by run.mjs.
import { chromiumLaunchOptions } from './chromium.mjs';
import { DEMO, startNodeHost } from './host.mjs';

const t = await loadMessages('en');
const host = await startNodeHost({
  pages: { esbuild: resolve('dist-esbuild'), vite: resolve('dist-vite') },
});
const browser = await chromium.launch(chromiumLaunchOptions());

async function until(what, probe, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The newest code e-mailed to `to` that is not `previous`, read from the embedded outbox. */
async function code(to, previous = '') {
  return until(`a code for ${to}`, async () => {
    const messages = await host.kit.outbox(to);
    const last = messages.at(-1)?.text ?? '';
    const found = /code is: (\d{6})/.exec(last)?.[1];
    return found && found !== previous ? found : null;
  });
}

try {
  for (const bundler of ['esbuild', 'vite']) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${host.origin}/${bundler}/`);
    const tags = await page.evaluate(async () => {
      await Promise.all(
        ['waizant-support-flow', 'successor-activity'].map((tag) => customElements.whenDefined(tag)),
      );
      return ['waizant-support-flow', 'successor-activity'].filter((tag) => customElements.get(tag));
    });
    assert.deepEqual(tags, ['waizant-support-flow', 'successor-activity'], `${bundler} page`);
    assert.deepEqual(errors, [], `${bundler} page errors`);
    console.log(`  ok ${bundler} bundle: both tags registered in Chromium`);
    await page.close();
  }

  const page = await browser.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${host.origin}/esbuild/`);
  const el = page.locator('waizant-support-flow');
  const user = DEMO.users.admin;
  await el.getByLabel(t['lookup.email']).fill(user.email);
  await el.locator('form button[type="submit"]').first().click();
  const start = el.getByRole('button', { name: t['lookup.start'] });
  await until('the user to be found', () => start.isEnabled());
  await start.click();
  const select = el.locator('select').first();
  const option = select.locator('option', { hasText: 'Familia Pérez' });
  await until('the ecosystem list', async () => (await option.count()) > 0);
  const value = await option.first().getAttribute('value');
  await select.selectOption(value ?? '');
  await el.locator('form button[type="submit"]').first().click();
  await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
  const input = el.locator('input[autocomplete="one-time-code"]');
  await input.fill(await code(DEMO.agents.ana.email));
  await input.press('Enter');
  await el.getByRole('button', { name: t['userCode.send'] }).click();
  await input.fill(await code(user.email));
  await input.press('Enter');
  await el.locator('[part~="destination"]', { hasText: t['destination.web'] }).click();
  const link = el.locator('[data-handoff-link]');
  await until('the handoff link', async () => /#token=/.test((await link.getAttribute('href')) ?? ''));
  await el.getByRole('button', { name: t['common.finish'] }).first().click();
  await until(
    'the completed view',
    async () => (await el.locator('h2').first().textContent()) === t['final.completed.heading'],
  );
  const events = await page.evaluate(() => window.hostEvents);
  assert.deepEqual(events, ['waizant-support-handoff', 'waizant-support-completed']);
  console.log(
    '  ok Chromium: lookup → agent code → user code → Waizant Web link → finished, with the host events',
  );
} finally {
  await browser.close();
  await host.close();
}
