/** The demo's stand-in for the back office's own sign-in: the chosen agent lives in sessionStorage. */
export interface DemoAgent {
  id: string;
  name: string;
  email: string;
}

const KEY = 'waizant-demo-agent';

export function currentAgent(): DemoAgent | null {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as DemoAgent) : null;
}

export function chooseAgent(agent: DemoAgent): void {
  sessionStorage.setItem(KEY, JSON.stringify(agent));
  cachedToken = null;
}

let cachedToken: { token: string; at: number } | null = null;

/** A fresh agent token for each call after a minute: the element asks per request. */
export async function agentToken(): Promise<string> {
  const agent = currentAgent();
  if (!agent) throw new Error('No agent chosen');
  if (cachedToken && Date.now() - cachedToken.at < 60_000) return cachedToken.token;
  const response = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agentId: agent.id }),
  });
  if (!response.ok) throw new Error('Could not sign in the agent');
  const { token } = (await response.json()) as { token: string };
  cachedToken = { token, at: Date.now() };
  return token;
}

export function showAgentBadge(): void {
  const badge = document.getElementById('agent-badge');
  const agent = currentAgent();
  if (badge) badge.textContent = agent ? `Signed in as ${agent.name}` : 'No agent chosen';
}

/** Renders a cell as text: user data never goes through innerHTML. */
export function cell(row: HTMLTableRowElement, text: string, pre = false): void {
  const td = row.insertCell();
  if (pre) {
    const block = document.createElement('pre');
    block.textContent = text;
    td.append(block);
  } else td.textContent = text;
}
