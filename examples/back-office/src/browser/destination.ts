/**
 * Stand-in for a Waizant destination (Web home, My Ecosystem, Store, the app's QR landing):
 * it redeems the one-time token from the URL fragment and shows whose account it is and
 * which agent is assisting.
 */
import type { AssistedSession } from '@waizant/support-core';

const TITLES: Record<string, string> = {
  'web-home': 'Waizant Web · Home',
  'web-my-ecosystem': 'Waizant Web · My Ecosystem',
  store: 'Waizant Store',
  app: 'Waizant App',
};

async function main() {
  const page = document.body.dataset.page ?? '';
  const text = (id: string, value: string) => {
    const element = document.getElementById(id);
    if (element) element.textContent = value;
  };
  text('title', TITLES[page] ?? 'Waizant');
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  // The token must not linger in the address bar, history or a later Referer.
  history.replaceState(null, '', location.pathname);
  if (!token) return text('status', 'This link has no token.');
  const response = await fetch('/api/handoffs/redeem', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    return text('status', `This link cannot be used: ${body?.error?.message ?? response.statusText}`);
  }
  const session = (await response.json()) as AssistedSession;
  text('status', `Signed in as ${session.user.name}, assisted by ${session.assistedBy.name}.`);
  text('user', `${session.user.name} <${session.user.email}>`);
  text('ecosystem', session.ecosystem.name);
  text('role', session.role);
  text('page', session.page);
  text('agent', `${session.assistedBy.name} <${session.assistedBy.email}>`);
  text('expires', new Date(session.expiresAt).toLocaleString());
  document.getElementById('assisted')?.removeAttribute('hidden');
}

void main();
