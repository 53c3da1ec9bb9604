import '@waizant/support-elements/define';
import type { WaizantSupportFlow } from '@waizant/support-elements';
import { agentToken, currentAgent, showAgentBadge } from './agent.js';

const STEP_UP_KEY = 'waizant-demo-step-up';
const STEP_UP_MODES = ['email-code', 'passkey-or-email', 'passkey'];

/** The demo setting "Agent step-up": '' is the server's default mode at /api. */
function apiBase(): string {
  const select = document.getElementById('step-up') as HTMLSelectElement;
  const saved = localStorage.getItem(STEP_UP_KEY) ?? '';
  const mode = STEP_UP_MODES.includes(saved) ? saved : '';
  select.value = mode;
  // A new mode needs a new element: the page starts over with the other server.
  select.addEventListener('change', () => {
    localStorage.setItem(STEP_UP_KEY, select.value);
    location.reload();
  });
  void showDefaultMode(select);
  return mode ? `/demo-api/${mode}` : '/api';
}

async function showDefaultMode(select: HTMLSelectElement) {
  const { agentStepUp } = (await (await fetch('/demo/directory')).json()) as { agentStepUp: string };
  const option = select.querySelector('option[value=""]');
  if (option) option.textContent = `Server default (${agentStepUp})`;
}

function main() {
  showAgentBadge();
  const host = document.getElementById('host') as HTMLDivElement;
  if (!currentAgent()) {
    const note = document.createElement('p');
    note.textContent = 'Choose an agent first (Agent, top left).';
    host.append(note);
    return;
  }
  const element = document.createElement('waizant-support-flow') as WaizantSupportFlow;
  element.flow = host.dataset.flow === 'ecosystem-admin' ? 'ecosystem-admin' : 'technical-assistance';
  element.apiBase = apiBase();
  element.tokenProvider = agentToken;
  const lang = document.getElementById('lang') as HTMLSelectElement;
  const saved = sessionStorage.getItem('waizant-demo-lang');
  if (saved === 'es' || saved === 'en') lang.value = saved;
  element.lang = lang.value;
  lang.addEventListener('change', () => {
    element.lang = lang.value;
    sessionStorage.setItem('waizant-demo-lang', lang.value);
  });
  host.append(element);

  const events = document.getElementById('events') as HTMLOListElement;
  for (const type of [
    'waizant-support-handoff',
    'waizant-support-cancelled',
    'waizant-support-expired',
    'waizant-support-completed',
  ] as const) {
    element.addEventListener(type, (event) => {
      const item = document.createElement('li');
      item.textContent = `${new Date().toLocaleTimeString()} ${type} ${JSON.stringify((event as CustomEvent).detail)}`;
      events.prepend(item);
    });
  }
}

main();
