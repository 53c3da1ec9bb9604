import '@waizant/support-elements/define';
import type { WaizantSupportFlow } from '@waizant/support-elements';
import { agentToken, currentAgent, showAgentBadge } from './agent.js';

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
  element.apiBase = '/api';
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
