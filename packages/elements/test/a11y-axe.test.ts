import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { SupportFlowState } from '@waizant/support-core';
import type { FakeSupportServices } from '@waizant/support-core/testing';
import type { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';
import { chooseEcosystem, enterCode, fakeWith, mountFlow, people, sendCode, start } from './fixtures.js';
import { $, $all, tolerateResizeObserverLoop, type, waitFor } from './helpers.js';

/**
 * axe-core (through chai-a11y-axe, which @open-wc/testing registers) over every view of both
 * elements, in English and Spanish. axe.run(host) walks into open shadow roots, so the
 * elements' Shadow DOM (and the nested <successor-activity>) is checked, including open
 * modal dialogs. No rule is disabled.
 */
async function expectNoViolations(el: Element, view: string): Promise<void> {
  const elements = [el, ...$all(el, 'successor-activity')] as Array<
    Element & { updateComplete?: Promise<unknown> }
  >;
  for (const e of elements) await e.updateComplete;
  try {
    await expect(el).to.be.accessible();
  } catch (error) {
    throw new Error(`axe violations in "${view}":\n${(error as Error).message}`);
  }
}

/** Waits until the flow's state satisfies `check` and the DOM shows it. */
async function until(
  el: WaizantSupportFlow,
  check: (s: SupportFlowState) => boolean,
  what: string,
): Promise<void> {
  await waitUntil(() => el.state !== null && check(el.state), what, { timeout: 8000, interval: 20 });
  await el.updateComplete;
}

async function search(el: WaizantSupportFlow, email: string): Promise<void> {
  type($<HTMLInputElement>(el, '#email'), email);
  $(el, '[data-action="search"]').click();
  await until(el, (s) => !s.pending && (s.lookupPhase === 'found' || s.lookupPhase === 'notFound'), email);
}

async function openCancel(el: WaizantSupportFlow): Promise<void> {
  (await waitFor(el, '[data-action="cancel"]', (b) => !(b as HTMLButtonElement).disabled)).click();
  await waitFor(el, 'dialog.cancel', (d) => (d as HTMLDialogElement).open);
}

/** Technical Assistance from the lookup to the code the agent is waiting for. */
async function toAgentCode(el: WaizantSupportFlow, email: string, ecosystemId: string): Promise<void> {
  await search(el, email);
  await start(el);
  await until(el, (s) => s.view === 'ecosystem' && !s.pending, 'ecosystem view');
  await chooseEcosystem(el, ecosystemId);
  await until(el, (s) => s.view === 'agentCode' && s.codePhase === 'prompt', 'agent code prompt');
  await sendCode(el);
  await until(el, (s) => s.codePhase === 'awaiting', 'agent code sent');
}

async function toDestinations(
  el: WaizantSupportFlow,
  fake: FakeSupportServices,
  email: string,
  ecosystemId: string,
): Promise<void> {
  await toAgentCode(el, email, ecosystemId);
  await enterCode(el, fake, 'agent');
  await until(el, (s) => s.view === 'userCode' && s.codePhase === 'prompt', 'user code prompt');
  await sendCode(el);
  await enterCode(el, fake, 'user');
  await until(el, (s) => s.view === 'destinations' && !s.pending, 'destinations');
}

for (const lang of ['en', 'es'] as const) {
  describe(`axe: no violations (lang="${lang}")`, () => {
    let restore: () => void = () => {};
    before(() => {
      restore = tolerateResizeObserverLoop();
    });
    after(() => restore());

    it('lookup: empty, not found, found but not eligible, found and eligible', async () => {
      const { admin, disabled } = people();
      const el = await mountFlow(fakeWith([admin, disabled]), 'technical-assistance', lang);
      await until(el, (s) => s.view === 'lookup', 'lookup');
      await expectNoViolations(el, 'lookup (empty)');
      await search(el, 'nobody@example.com');
      await waitFor(el, '[data-not-found]');
      await expectNoViolations(el, 'lookup (not found)');
      await search(el, disabled.email);
      await waitFor(el, '[data-ineligible]');
      await expectNoViolations(el, 'lookup (found, not eligible)');
      await search(el, admin.email);
      await waitFor(el, '[data-action="start"]', (b) => !(b as HTMLButtonElement).disabled);
      await expectNoViolations(el, 'lookup (found, eligible)');
    });

    it('verification: ecosystem, agent code (prompt, awaiting, wrong), user code (prompt, awaiting)', async () => {
      const { admin } = people();
      const fake = fakeWith([admin]);
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await search(el, admin.email);
      await start(el);
      await until(el, (s) => s.view === 'ecosystem' && !s.pending, 'ecosystem view');
      await expectNoViolations(el, 'ecosystem');
      await chooseEcosystem(el, admin.ecosystems[0]!.id);
      await until(el, (s) => s.view === 'agentCode' && s.codePhase === 'prompt', 'agent code prompt');
      await expectNoViolations(el, 'agent code (prompt)');
      await sendCode(el);
      await until(el, (s) => s.codePhase === 'awaiting', 'agent code sent');
      await expectNoViolations(el, 'agent code (awaiting)');
      await enterCode(el, fake, 'agent', fake.wrongCode('agent'));
      await until(el, (s) => s.error?.code === 'code_invalid' && s.codePhase === 'awaiting', 'wrong code');
      await expectNoViolations(el, 'agent code (wrong code)');
      await enterCode(el, fake, 'agent');
      await until(el, (s) => s.view === 'userCode' && s.codePhase === 'prompt', 'user code prompt');
      await expectNoViolations(el, 'user code (prompt)');
      await sendCode(el);
      await until(el, (s) => s.codePhase === 'awaiting', 'user code sent');
      await expectNoViolations(el, 'user code (awaiting)');
    });

    it('administrator: destinations (3), Web link ready, QR waiting and claimed, cancel modal, completed', async () => {
      const { admin } = people();
      const fake = fakeWith([admin]);
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await toDestinations(el, fake, admin.email, admin.ecosystems[0]!.id);
      expect($all(el, '[data-destination]')).to.have.length(3);
      await expectNoViolations(el, 'destinations (3 buttons)');

      $(el, '[data-destination="web"]').click();
      await waitFor(el, '[data-handoff-link]');
      await expectNoViolations(el, 'Web link ready');

      $(el, '[data-action="back"]').click();
      await until(el, (s) => s.view === 'destinations' && !s.pending, 'back to destinations');
      $(el, '[data-destination="app"]').click();
      await waitFor(el, 'img[part="qr"]');
      await expectNoViolations(el, 'QR (waiting)');
      fake.claimHandoff();
      await waitFor(el, '[data-qr-claimed]');
      await expectNoViolations(el, 'QR (claimed)');

      await openCancel(el);
      await expectNoViolations(el, 'cancel modal open');
      $(el, '[data-action="dismiss-cancel"]').click();
      await waitFor(el, 'dialog.cancel', (d) => !(d as HTMLDialogElement).open);

      $(el, '[data-action="finish"]').click();
      await waitFor(el, '[data-final="completed"]');
      await expectNoViolations(el, 'completed');
    });

    it('managed user: destinations (2)', async () => {
      const { managed } = people();
      const fake = fakeWith([managed]);
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await toDestinations(el, fake, managed.email, managed.ecosystems[0]!.id);
      expect($all(el, '[data-destination]')).to.have.length(2);
      await expectNoViolations(el, 'destinations (2 buttons)');
    });

    it('inactivity warning, then expired', async () => {
      const { admin } = people();
      // The warning comes 0.5 s after the last activity, the expiry 2.5 s later.
      const fake = fakeWith([admin], { idleMs: 3_000, warnBeforeMs: 2_500 });
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await search(el, admin.email);
      await start(el);
      await waitFor(el, '[data-inactivity]');
      await expectNoViolations(el, 'inactivity warning');
      await waitFor(el, '[data-final="expired"]');
      await expectNoViolations(el, 'expired');
    });

    it('ended by the user (the session watcher saw the session closed)', async () => {
      const { admin } = people();
      const fake = fakeWith([admin]);
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await toDestinations(el, fake, admin.email, admin.ecosystems[0]!.id);
      fake.endByUser(el.state?.session?.id ?? '');
      await waitFor(el, '[data-final="endedByUser"]');
      await expectNoViolations(el, 'ended by the user');
    });

    it('cancelled and locked out', async () => {
      const { admin } = people();
      const fake = fakeWith([admin]);
      const el = await mountFlow(fake, 'technical-assistance', lang);
      await toAgentCode(el, admin.email, admin.ecosystems[0]!.id);
      await openCancel(el);
      type($<HTMLTextAreaElement>(el, '#cancel-reason'), 'The user hung up the call');
      $(el, '[data-action="confirm-cancel"]').click();
      await waitFor(el, '[data-final="cancelled"]');
      await expectNoViolations(el, 'cancelled');

      const otherFake = fakeWith([admin]);
      const other = await mountFlow(otherFake, 'technical-assistance', lang);
      await toAgentCode(other, admin.email, admin.ecosystems[0]!.id);
      for (let i = 0; i < 5; i++) {
        await enterCode(other, otherFake, 'agent', otherFake.wrongCode('agent'));
        await until(
          other,
          (s) => s.view === 'lockedOut' || (s.codePhase === 'awaiting' && !s.pending),
          'code checked',
        );
      }
      await waitFor(other, '[data-final="lockedOut"]');
      await expectNoViolations(other, 'locked out');
    });

    it('Ecosystem Admin: successor activity and its details modal', async () => {
      const { successor } = people();
      const fake = fakeWith([successor]);
      const eco = successor.ecosystems[0]!;
      fake.seedProcesses(successor.id, eco.id, 30);
      const el = await mountFlow(fake, 'ecosystem-admin', lang);
      await search(el, successor.email);
      await start(el);
      await until(el, (s) => s.view === 'userCode' && s.codePhase === 'prompt', 'user code prompt');
      await sendCode(el);
      await enterCode(el, fake, 'user');
      // Ecosystem Admin asks for the ecosystem with the agent's code step.
      await until(el, (s) => s.view === 'ecosystem' && !s.pending, 'ecosystem (internal verification)');
      await chooseEcosystem(el, eco.id);
      await waitFor(el, '#code');
      await enterCode(el, fake, 'agent');
      await until(el, (s) => s.view === 'activity' && s.activityPhase === 'ready', 'activity');
      const activity = $(el, 'successor-activity');
      const row = await waitFor(activity, '.row');
      await expectNoViolations(el, 'successor activity');
      row.querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
      await waitFor(activity, '[data-detail="status"]');
      await waitFor(activity, 'dialog', (d) => (d as HTMLDialogElement).open);
      await expectNoViolations(el, 'successor activity (details modal)');
    });

    it('<successor-activity> standalone: list and details modal', async () => {
      const { successor } = people();
      const fake = fakeWith([successor], { latencyMs: 1 });
      const eco = successor.ecosystems[0]!;
      fake.seedProcesses(successor.id, eco.id, 30);
      const signal = new AbortController().signal;
      const session = await fake.createSession({ flow: 'ecosystem-admin', userId: successor.id }, { signal });
      await fake.sendCode(session.id, 'user', { signal });
      await fake.verifyCode(session.id, 'user', fake.lastCode('user'), { signal });
      await fake.selectEcosystem(session.id, eco.id, { signal });
      await fake.sendCode(session.id, 'agent', { signal });
      await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), { signal });
      const el = await fixture<SuccessorActivity>(
        html`<successor-activity .services=${fake} session-id=${session.id} lang=${lang}></successor-activity>`,
      );
      const row = await waitFor(el, '.row');
      await expectNoViolations(el, '<successor-activity> list');
      row.querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
      await waitFor(el, '[data-detail="status"]');
      await expectNoViolations(el, '<successor-activity> details modal');
    });
  });
}
