import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/components/successor-activity/successor-activity.js';
import { FakeSupportServices } from '@waizant/support-core/testing';
import type { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import { people } from './fixtures.js';
import { $, $all, deepActiveElement, text, tolerateResizeObserverLoop, waitFor } from './helpers.js';

const signal = () => new AbortController().signal;

/** A verified Ecosystem Admin session, driven through the fake's contract like the flow would. */
async function verifiedSuccessorSession(fake: FakeSupportServices, userId: string, ecosystemId: string) {
  const session = await fake.createSession({ flow: 'ecosystem-admin', userId }, { signal: signal() });
  await fake.sendCode(session.id, 'user', { signal: signal() });
  await fake.verifyCode(session.id, 'user', fake.lastCode('user'), { signal: signal() });
  await fake.selectEcosystem(session.id, ecosystemId, { signal: signal() });
  await fake.sendCode(session.id, 'agent', { signal: signal() });
  const verified = await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), { signal: signal() });
  expect(verified.step).to.equal('verified');
  return verified;
}

describe('<successor-activity> standalone', () => {
  let restore: () => void = () => {};
  before(() => {
    restore = tolerateResizeObserverLoop();
  });
  after(() => restore());

  it('loads the session fields and the first page, and refuses to work on an unverified session', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], latencyMs: 1 });
    const unverified = await fake.createSession(
      { flow: 'ecosystem-admin', userId: successor.id },
      { signal: signal() },
    );
    const el = await fixture<SuccessorActivity>(
      html`<successor-activity .services=${fake} session-id=${unverified.id}></successor-activity>`,
    );
    await waitFor(el, '[data-count]', () => el.phase === 'loadFailed');
    expect(text($(el, '.error'))).to.equal('The request moved on elsewhere; showing its current step.');
  });

  it('moved while it loads, it loads again where it lands', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], latencyMs: 50 });
    const ecosystemId = successor.ecosystems[0]!.id;
    fake.seedProcesses(successor.id, ecosystemId, 3);
    const session = await verifiedSuccessorSession(fake, successor.id, ecosystemId);
    const el = await fixture<SuccessorActivity>(
      html`<successor-activity .services=${fake} session-id=${session.id}></successor-activity>`,
    );
    expect(el.phase).to.equal('loading');
    const parent = el.parentElement as HTMLElement;
    el.remove();
    parent.append(el);
    await waitFor(el, '.row', () => el.phase === 'ready');
    expect($all(el, '.row')).to.have.length(3);
  });

  it('renders only a window of 10,000 processes and pages from the server by cursor', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], pageSize: 100, latencyMs: 1 });
    const eco = successor.ecosystems[0]!;
    fake.seedProcesses(successor.id, eco.id, 10_000);
    const session = await verifiedSuccessorSession(fake, successor.id, eco.id);
    fake.calls.length = 0;

    const el = await fixture<SuccessorActivity>(
      html`<successor-activity
        .services=${fake}
        session-id=${session.id}
        style="--waizant-activity-list-height: 400px"
      ></successor-activity>`,
    );
    await waitFor(el, '.row');
    expect(text($(el, '[data-field="user"]'))).to.equal('Sofía Gómez');
    expect(text($(el, '[data-field="email"]'))).to.equal(successor.email);
    expect($<HTMLSelectElement>(el, '#ecosystem').value).to.equal(eco.id);
    expect(text($(el, '[data-field="role"]'))).to.equal('Administrator');
    await waitFor(el, '[data-count]', (p) => text(p) === '100 of 10000 processes');
    const rendered = $all(el, '.row').length;
    expect(rendered).to.be.greaterThan(5);
    expect(rendered).to.be.lessThan(60);
    expect(fake.calls.filter((c) => c.startsWith('listProcesses'))).to.deep.equal(['listProcesses:first']);

    // Scrolling to the end of the loaded rows fetches the next page by cursor (the agent keeps scrolling).
    const list = $(el, '.list');
    const scrollToEnd = () => {
      list.scrollTop = list.scrollHeight;
      list.dispatchEvent(new Event('scroll'));
    };
    await waitFor(
      el,
      '[data-count]',
      (p) => {
        scrollToEnd();
        return text(p) === '200 of 10000 processes';
      },
      'second page',
    );
    expect(fake.calls).to.include('listProcesses:o100');
    await waitFor(
      el,
      '[data-count]',
      (p) => {
        scrollToEnd();
        return text(p) === '300 of 10000 processes';
      },
      'third page',
    );
    expect(fake.calls).to.include('listProcesses:o200');
    await waitFor(el, '.row', () =>
      $all(el, '.row').some((r) => text(r.querySelector('.title')).startsWith('Process 2')),
    );
    expect($all(el, '.row').length).to.be.lessThan(60);
    const titles = $all(el, '.row').map((r) => text(r.querySelector('.title')));
    expect(titles).not.to.include('Process 1: designation');
  });

  it('opens See details in a modal and returns focus to the row button on close', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], latencyMs: 1 });
    const eco = successor.ecosystems[0]!;
    fake.seedProcesses(successor.id, eco.id, 5);
    const session = await verifiedSuccessorSession(fake, successor.id, eco.id);
    const el = await fixture<SuccessorActivity>(
      html`<successor-activity .services=${fake} session-id=${session.id}></successor-activity>`,
    );
    const row = await waitFor(el, '.row');
    const button = row.querySelector<HTMLButtonElement>('[part="details-button"]')!;
    expect(text(button)).to.contain('See details');
    button.focus();
    const opened = oneEvent(el, 'successor-activity-open-process');
    button.click();
    await opened;
    const dialog = await waitFor<HTMLDialogElement>(el, 'dialog', (d) => d.open);
    await waitFor(el, '[data-detail="status"]');
    expect(text($(el, '#detail-heading'))).to.equal('Process 1: designation');
    expect(text($(el, '[data-detail="status"]'))).to.equal('Pending');
    expect(text($(el, '[data-detail="reason"]'))).to.equal('—');
    $(el, '[data-action="close-detail"]').click();
    await waitFor(el, 'dialog', () => !dialog.open);
    expect(deepActiveElement()).to.equal(button);
  });

  it('reloads when the agent switches to another inherited ecosystem', async () => {
    const { successor } = people();
    const fake = new FakeSupportServices({ users: [successor], latencyMs: 1 });
    const [first, second] = successor.ecosystems;
    fake.seedProcesses(successor.id, first!.id, 4);
    fake.seedProcesses(successor.id, second!.id, 2);
    const session = await verifiedSuccessorSession(fake, successor.id, first!.id);
    const el = await fixture<SuccessorActivity>(
      html`<successor-activity .services=${fake} session-id=${session.id} lang="es"></successor-activity>`,
    );
    await waitFor(el, '[data-count]', (p) => text(p) === '4 de 4 procesos');
    // Only inherited ecosystems are offered (the third membership is not inherited).
    expect($all<HTMLOptionElement>(el, '#ecosystem option').map((o) => o.value)).to.deep.equal([
      first!.id,
      second!.id,
    ]);
    const select = $<HTMLSelectElement>(el, '#ecosystem');
    select.value = second!.id;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(el, '[data-count]', (p) => text(p) === '2 de 2 procesos');
    expect(text($(el, '[data-field="role"]'))).to.equal('Usuario administrado');
    expect(text($(el, 'dt:first-child'))).to.equal('Usuario');
  });
});
