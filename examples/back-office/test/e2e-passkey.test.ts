/**
 * End to end, the agent's passkey step-up under `agentStepUp: 'passkey-or-email'`: the agent
 * passes the e-mailed code once and sets a passkey up from the element, then passes a later
 * session with it alone; the e-mailed code stays a fallback. Chromium's virtual authenticator
 * (over the page's DevTools session) stands in for the device's platform authenticator.
 */
import { type Lang, loadMessages, type Messages } from '@waizant/support-elements';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVirtualAuthenticator } from '../../../tools/virtual-authenticator.mjs';
import {
  AGENT,
  chooseEcosystem,
  enterCode,
  flowEl,
  lastCode,
  lookup,
  readCode,
  shot,
  signedInContext,
  useDemo,
} from './e2e-support.js';

const env = useDemo({ agentStepUp: 'passkey-or-email' });
const heading = (page: Page) => flowEl(page).locator('h2').first().textContent();

async function agentId(): Promise<string> {
  const { rows } = await env.demo.support.database.query<{ id: string }>(
    'SELECT id FROM core_agents WHERE email = $1',
    [AGENT.email],
  );
  return rows[0]?.id ?? '';
}

/** Up to the agent's step of Technical Assistance for María Admin. */
async function toAgentStep(page: Page, t: Messages, lang: Lang) {
  const el = flowEl(page);
  await lookup(env, page, t, lang, 'technical-assistance', 'maria.admin@example.com');
  await el.getByRole('button', { name: t['lookup.start'] }).click();
  await chooseEcosystem(page, 'Familia Pérez');
  await el.locator('form button[type="submit"]').first().click();
  await expect.poll(() => heading(page)).toBe(t['agentCode.heading']);
}

/** From the user's code prompt to the destinations, then **Finish support**. */
async function passUserCodeAndFinish(context: BrowserContext, page: Page, t: Messages, email: string) {
  const el = flowEl(page);
  await expect.poll(() => heading(page)).toBe(t['userCode.heading']);
  const previous = await lastCode(env, email);
  await el.getByRole('button', { name: t['userCode.send'] }).click();
  await enterCode(page, await readCode(env, context, email, previous));
  await expect.poll(() => el.locator('[part~="destination"]').count()).toBeGreaterThan(0);
  await el.locator('button[data-action="finish"]').click();
  await expect.poll(() => heading(page)).toBe(t['final.completed.heading']);
}

describe.each<Lang>(['en', 'es'])('the passkey step-up in %s', (lang) => {
  let t: Messages;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    t = await loadMessages(lang);
    // Each language starts with an agent who has no passkey yet.
    const id = await agentId();
    for (const p of (await env.demo.support.passkeys.list({ agentId: id })).items)
      await env.demo.support.passkeys.remove({ agentId: id }, p.id);
    ({ context, page } = await signedInContext(env, lang));
    // The authenticator lives with this page: the later sessions run in it.
    await addVirtualAuthenticator(await context.newCDPSession(page));
  });

  afterAll(async () => {
    await context?.close();
  });

  it('passes the e-mailed code, sets a passkey up when offered, and completes Technical Assistance', async () => {
    const el = flowEl(page);
    await toAgentStep(page, t, lang);
    expect(await el.locator('[data-choose]').textContent()).toBe(t['stepUp.choose']);
    await shot(page, lang, '30-step-up-choice');
    await el.getByRole('button', { name: t['stepUp.useEmailCode'] }).click();
    const previous = await lastCode(env, AGENT.email);
    await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
    await enterCode(page, await readCode(env, context, AGENT.email, previous));
    await expect.poll(() => heading(page)).toBe(t['passkeySetup.heading']);
    await shot(page, lang, '31-passkey-setup');
    await el.getByLabel(t['passkeySetup.name']).fill(`Work laptop (${lang})`);
    await el.getByRole('button', { name: t['passkeySetup.setUp'] }).click();
    await passUserCodeAndFinish(context, page, t, 'maria.admin@example.com');
    const { rows } = await env.demo.support.database.query<{ name: string }>(
      'SELECT name FROM support_passkeys WHERE agent_id = $1',
      [await agentId()],
    );
    expect(rows.map((r) => r.name)).toEqual([`Work laptop (${lang})`]);
  });

  it('a new session: the agent passes with the passkey alone (no e-mail) and completes Ecosystem Admin', async () => {
    const el = flowEl(page);
    await lookup(env, page, t, lang, 'ecosystem-admin', 'sofia.successor@example.com');
    await el.getByRole('button', { name: t['lookup.start'] }).click();
    const previous = await lastCode(env, 'sofia.successor@example.com');
    await el.getByRole('button', { name: t['userCode.send'] }).click();
    await enterCode(page, await readCode(env, context, 'sofia.successor@example.com', previous));
    await chooseEcosystem(page, 'Herencia López');
    const agentMail = (await env.demo.support.outbox(AGENT.email)).length;
    await el.getByRole('button', { name: t['ecosystem.sendCode'] }).click();
    await expect.poll(() => el.locator('[data-choose]').textContent()).toBe(t['stepUp.choose']);
    await el.getByRole('button', { name: t['stepUp.usePasskey'] }).click();
    await expect.poll(() => el.locator('[data-passkey-prompt]').textContent()).toBe(t['passkey.prompt']);
    await shot(page, lang, '32-passkey-prompt');
    await el.locator('button[data-action="use-passkey"]').click();
    const activity = el.locator('successor-activity');
    await expect.poll(() => activity.count(), { timeout: 15_000 }).toBe(1);
    await shot(page, lang, '33-passkey-passed');
    expect(await env.demo.support.outbox(AGENT.email)).toHaveLength(agentMail);
    const { rows } = await env.demo.support.database.query<{ detail: { method?: string } }>(
      `SELECT detail FROM support_audit WHERE action = 'code.verify.agent' AND outcome = 'ok'
       ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]?.detail.method).toBe('passkey');
    await el.locator('button[data-action="finish"]').click();
    await expect.poll(() => heading(page)).toBe(t['final.completed.heading']);
  });

  it('the fallback: after choosing the passkey, "use the e-mailed code instead" still passes', async () => {
    const el = flowEl(page);
    await toAgentStep(page, t, lang);
    await el.getByRole('button', { name: t['stepUp.usePasskey'] }).click();
    await el.getByRole('button', { name: t['passkey.useEmailInstead'] }).click();
    const previous = await lastCode(env, AGENT.email);
    await el.getByRole('button', { name: t['agentCode.send'], exact: true }).click();
    await enterCode(page, await readCode(env, context, AGENT.email, previous));
    // The agent already holds a passkey: no offer to set another up.
    await passUserCodeAndFinish(context, page, t, 'maria.admin@example.com');
  });

  it('the demo setting "Passkey only": the e-mailed agent code is neither offered nor accepted', async () => {
    const el = flowEl(page);
    await page.goto(`${env.demo.url}/technical-assistance`);
    // Changing the setting reloads the page with the element on the other server.
    await Promise.all([page.waitForEvent('load'), page.locator('#step-up').selectOption('passkey')]);
    expect(await page.locator('#step-up').inputValue()).toBe('passkey');
    await toAgentStep(page, t, lang);
    await expect.poll(() => el.locator('[data-passkey-prompt]').textContent()).toBe(t['passkey.prompt']);
    for (const offer of [t['stepUp.useEmailCode'], t['passkey.useEmailInstead'], t['agentCode.send']])
      expect(await el.getByRole('button', { name: offer, exact: true }).count()).toBe(0);
    await shot(page, lang, '34-passkey-only');
    // The server behind the setting refuses the e-mailed code outright, and sends nothing.
    const { rows } = await env.demo.support.database.query<{ id: string }>(
      'SELECT id FROM support_sessions WHERE agent_id = $1 ORDER BY created_at DESC LIMIT 1',
      [await agentId()],
    );
    const agentMail = (await env.demo.support.outbox(AGENT.email)).length;
    const refused = await page.evaluate(async (sessionId) => {
      const { token } = await (
        await fetch('/demo/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            agentId: JSON.parse(sessionStorage.getItem('waizant-demo-agent') ?? '{}').id,
          }),
        })
      ).json();
      const response = await fetch(`/demo-api/passkey/sessions/${sessionId}/agent-code`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      return { status: response.status, body: await response.json() };
    }, rows[0]?.id ?? '');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('step_up_not_allowed');
    expect(await env.demo.support.outbox(AGENT.email)).toHaveLength(agentMail);
    // The passkey set up under "Passkey or e-mailed code" passes here: the servers share one database.
    await el.locator('button[data-action="use-passkey"]').click();
    await passUserCodeAndFinish(context, page, t, 'maria.admin@example.com');
    await Promise.all([page.waitForEvent('load'), page.locator('#step-up').selectOption('')]);
  });
});
