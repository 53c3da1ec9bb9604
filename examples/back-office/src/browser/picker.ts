import { chooseAgent, currentAgent, type DemoAgent, showAgentBadge } from './agent.js';

interface Directory {
  agents: DemoAgent[];
}

async function main() {
  showAgentBadge();
  const list = document.getElementById('agents') as HTMLUListElement;
  const current = document.getElementById('current') as HTMLParagraphElement;
  const { agents } = (await (await fetch('/demo/directory')).json()) as Directory;
  for (const agent of agents) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `${agent.name} <${agent.email}>`;
    button.addEventListener('click', () => {
      chooseAgent(agent);
      showAgentBadge();
      current.textContent = `Signed in as ${agent.name}. Open Technical Assistance or Ecosystem Admin above.`;
    });
    item.append(button);
    list.append(item);
  }
  const agent = currentAgent();
  if (agent) current.textContent = `Signed in as ${agent.name}.`;
}

void main();
