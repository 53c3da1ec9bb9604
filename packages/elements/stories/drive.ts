/**
 * Drives the elements the way an agent would: through their shadow DOM (type, click), reading
 * the codes from the fake server's outbox like a mailbox. Each step is written once here and
 * the stories' play functions chain them.
 */
import type { CodePurpose, Destination, SupportFlowState } from '@waizant/support-core';
import type { FakeSupportServices } from '@waizant/support-core/testing';
import type { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import type { WaizantSupportFlow } from '../src/components/support-flow/support-flow.component.js';

const TIMEOUT_MS = 15_000;
const POLL_MS = 25;

/** What a play function drives: the element on the canvas and the fake it talks to. */
export interface Drive {
  readonly el: WaizantSupportFlow;
  readonly fake: FakeSupportServices;
  /** Aborted when Storybook leaves the story; pending waits then stop. */
  readonly signal?: AbortSignal;
}

function shadow(host: Element): ShadowRoot {
  if (!host.shadowRoot) throw new Error(`<${host.localName}> has no shadow root`);
  return host.shadowRoot;
}

/** Polls `probe` until it returns something truthy. */
export async function until<T>(
  probe: () => T | null | undefined | false,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = probe();
    if (found) return found;
    if (signal?.aborted) throw new DOMException(`Stopped waiting for ${what}`, 'AbortError');
    if (Date.now() - started > TIMEOUT_MS) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for `selector` in `host`'s shadow root (and, when given, for `check` to hold). */
export function find<T extends Element = HTMLElement>(
  host: Element,
  selector: string,
  check: (found: T) => boolean = () => true,
  signal?: AbortSignal,
): Promise<T> {
  return until(
    () => {
      const found = shadow(host).querySelector<T>(selector);
      return found && check(found) ? found : null;
    },
    `${selector} in <${host.localName}>`,
    signal,
  );
}

const enabled = (button: HTMLButtonElement) => !button.disabled;

/** Clicks `selector` as soon as it is enabled. */
export async function press(host: Element, selector: string, signal?: AbortSignal): Promise<void> {
  (await find<HTMLButtonElement>(host, selector, enabled, signal)).click();
}

/** Types like a user: sets the value and fires `input`. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value }));
}

/** Waits until the flow has no request in flight and `check` holds, then for the render. */
export async function settle(
  d: Drive,
  check: (s: SupportFlowState) => boolean,
  what: string,
): Promise<SupportFlowState> {
  const s = await until(
    () => (d.el.state && !d.el.state.pending && check(d.el.state) ? d.el.state : null),
    what,
    d.signal,
  );
  await d.el.updateComplete;
  return s;
}

// ── lookup ──

/** Types the email and presses **Search**; resolves on the status card, "not found" or the local error. */
export async function search(d: Drive, email: string): Promise<void> {
  type(await find<HTMLInputElement>(d.el, '#email', undefined, d.signal), email);
  await press(d.el, '[data-action="search"]', d.signal);
  await until(
    () =>
      shadow(d.el).querySelector('[data-user-name], [data-not-found]') ||
      shadow(d.el).querySelector('#email-error')?.textContent?.trim(),
    'the lookup result',
    d.signal,
  );
  await d.el.updateComplete;
}

/** **Start Verification Process**: resolves on the first verification step. */
export async function start(d: Drive): Promise<void> {
  await press(d.el, '[data-action="start"]', d.signal);
  await settle(d, (s) => s.view !== 'lookup', 'the first verification step');
}

// ── verification ──

/** Chooses an ecosystem and continues (Ecosystem Admin: this also sends the agent's code). */
export async function chooseEcosystem(d: Drive, ecosystemId: string): Promise<void> {
  const select = await find<HTMLSelectElement>(d.el, '#ecosystem', (s) => !s.disabled, d.signal);
  select.value = ecosystemId;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await press(d.el, '[data-action="select-ecosystem"]', d.signal);
  await settle(
    d,
    (s) => s.view !== 'ecosystem' && !(s.flow === 'ecosystem-admin' && s.codePhase !== 'awaiting'),
    'the step after the ecosystem',
  );
}

/** Presses **Send code** and waits for the code entry. */
export async function sendCode(d: Drive): Promise<void> {
  await press(d.el, '[data-action="send-code"]', d.signal);
  await find(d.el, '#code', undefined, d.signal);
  await settle(d, (s) => s.codePhase === 'awaiting', 'the code entry');
}

/** The code the fake mailed last for `purpose`, or (`wrong`) a well-formed one that is not it. */
export function codeFromOutbox(d: Drive, purpose: CodePurpose, wrong = false): string {
  return wrong ? d.fake.wrongCode(purpose) : d.fake.lastCode(purpose);
}

/** Types a code and presses **Verify**; resolves once the server answered. */
export async function enterCode(
  d: Drive,
  purpose: CodePurpose,
  options: { wrong?: boolean } = {},
): Promise<void> {
  const input = await find<HTMLInputElement>(d.el, '#code', (i) => !i.disabled, d.signal);
  const before = d.fake.calls.filter((c) => c === `verifyCode:${purpose}`).length;
  type(input, codeFromOutbox(d, purpose, options.wrong));
  await press(d.el, '[data-action="verify"]', d.signal);
  await until(
    () => d.fake.calls.filter((c) => c === `verifyCode:${purpose}`).length > before,
    'the code to reach the server',
    d.signal,
  );
  await settle(d, (s) => s.codePhase !== 'checking', 'the answer to the code');
}

/** Technical Assistance from the lookup to the destinations, both codes verified. */
export async function verifyForAssistance(d: Drive, email: string, ecosystemId: string): Promise<void> {
  await search(d, email);
  await start(d);
  await chooseEcosystem(d, ecosystemId);
  await sendCode(d);
  await enterCode(d, 'agent');
  await settle(d, (s) => s.view === 'userCode', 'the user verification');
  await sendCode(d);
  await enterCode(d, 'user');
  await settle(d, (s) => s.view === 'destinations', 'the destinations');
}

/** Ecosystem Admin from the lookup to the successor's activity: user code, ecosystem, agent code. */
export async function verifyForSuccessor(d: Drive, email: string, ecosystemId: string): Promise<void> {
  await search(d, email);
  await start(d);
  await sendCode(d);
  await enterCode(d, 'user');
  await settle(d, (s) => s.view === 'ecosystem', 'the internal verification');
  await chooseEcosystem(d, ecosystemId);
  await enterCode(d, 'agent');
  await settle(d, (s) => s.view === 'activity' && s.activityPhase === 'ready', 'the successor activity');
}

// ── destinations ──

/** Presses a destination button; resolves on the link (Store, Web) or the QR (App). */
export async function openDestination(d: Drive, destination: Destination): Promise<void> {
  await press(d.el, `[data-destination="${destination}"]`, d.signal);
  await settle(d, (s) => s.view === 'handoffReady' || s.view === 'qr', `the ${destination} handoff`);
  if (destination === 'app') await find(d.el, 'img[part="qr"]', undefined, d.signal);
}

/** The phone scans the QR (the fake's app redeems it); resolves once the flow has seen it. */
export async function claimQr(d: Drive): Promise<void> {
  d.fake.claimHandoff();
  await find(d.el, '[data-qr-claimed]', undefined, d.signal);
}

/** Waits, with no activity, for the QR to expire. */
export async function waitForQrExpiry(d: Drive): Promise<void> {
  await find(d.el, '[data-qr-expired]', undefined, d.signal);
}

/** **Finish**: closes the session as completed. */
export async function finish(d: Drive): Promise<void> {
  await press(d.el, '[data-action="finish"]', d.signal);
  await find(d.el, '[data-final="completed"]', undefined, d.signal);
}

/**
 * The user follows the end link of their e-mail (the fake ends the session as the server's end
 * page does); resolves once the flow's session watcher has seen it.
 */
export async function endByUser(d: Drive): Promise<void> {
  d.fake.endByUser(d.el.state?.session?.id ?? '');
  await find(d.el, '[data-final="endedByUser"]', undefined, d.signal);
}

// ── cancel, inactivity, lockout ──

/** Presses **Cancel**: the modal opens over the current step. */
export async function openCancel(d: Drive): Promise<HTMLDialogElement> {
  await press(d.el, '[data-action="cancel"]', d.signal);
  return find<HTMLDialogElement>(d.el, 'dialog.cancel', (dialog) => dialog.open, d.signal);
}

/** Types a reason and presses **OK**. A refused reason leaves the modal open with its error. */
export async function confirmCancel(d: Drive, reason: string): Promise<void> {
  type(await find<HTMLTextAreaElement>(d.el, '#cancel-reason', undefined, d.signal), reason);
  await press(d.el, '[data-action="confirm-cancel"]', d.signal);
  await until(
    () =>
      shadow(d.el).querySelector('[data-final="cancelled"]') ||
      shadow(d.el).querySelector('#cancel-error')?.textContent?.trim(),
    'the cancellation or its error',
    d.signal,
  );
  await d.el.updateComplete;
}

/** Waits, with no activity, for the inactivity warning. */
export async function waitForInactivityWarning(d: Drive): Promise<void> {
  await find(d.el, '[data-inactivity]', undefined, d.signal);
}

/** Waits, with no activity, for the session to close for inactivity. */
export async function waitForExpiry(d: Drive): Promise<void> {
  await find(d.el, '[data-final="expired"]', undefined, d.signal);
}

/** Wrong codes until the server locks the verification. */
export async function lockOut(d: Drive, purpose: CodePurpose): Promise<void> {
  while (d.el.state?.view !== 'lockedOut') await enterCode(d, purpose, { wrong: true });
  await find(d.el, '[data-final="lockedOut"]', undefined, d.signal);
}

// ── successor activity ──

/** Presses **See details** on the row titled `title` and waits for the filled modal. */
export async function openProcessDetails(
  activity: SuccessorActivity,
  title: string,
  signal?: AbortSignal,
): Promise<HTMLDialogElement> {
  const row = await find(
    activity,
    '.row',
    () =>
      [...shadow(activity).querySelectorAll('.row')].some(
        (r) => r.querySelector('.title')?.textContent === title,
      ),
    signal,
  );
  const match =
    [...shadow(activity).querySelectorAll<HTMLElement>('.row')].find(
      (r) => r.querySelector('.title')?.textContent === title,
    ) ?? row;
  match.querySelector<HTMLButtonElement>('[part="details-button"]')?.click();
  const dialog = await find<HTMLDialogElement>(activity, 'dialog', (d) => d.open, signal);
  await find(activity, '[data-detail="status"]', undefined, signal);
  return dialog;
}

/** Waits for the first rows of a `<successor-activity>`. */
export async function waitForRows(activity: SuccessorActivity, signal?: AbortSignal): Promise<void> {
  await find(activity, '.row', undefined, signal);
  await activity.updateComplete;
}
