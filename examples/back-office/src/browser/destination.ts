/**
 * Stand-in for a Waizant destination (Web home, My Ecosystem, Store, the app's QR landing):
 * it redeems the one-time token from the URL fragment and shows whose account it is and
 * which agent is assisting. Then, like a destination app honouring the assisted-session
 * lifetime, it asks its back end every 2 s whether the session is still active (introspection)
 * and refreshes the short access token before it expires; once the support session ends it
 * says so. Tokens stay in memory only.
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
  watchLifetime(session, (value) => text('lifetime', value));
}

const LIFETIME = {
  en: { active: 'Assisted session active', ended: 'Assisted session ended' },
  es: { active: 'Sesión asistida activa', ended: 'Sesión asistida finalizada' },
};

async function post<T>(path: string, body: unknown): Promise<T | null> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).catch(() => null);
  return response?.ok ? ((await response.json()) as T) : null;
}

function watchLifetime(session: AssistedSession, show: (text: string) => void) {
  const words = navigator.language.toLowerCase().startsWith('es') ? LIFETIME.es : LIFETIME.en;
  let access = session.accessToken;
  let refresh = session.refreshToken;
  let expiresAt = new Date(session.expiresAt).getTime();
  show(words.active);
  const timer = setInterval(async () => {
    // Refresh a minute before the short access token expires; a refusal means it ended.
    if (expiresAt - Date.now() < 60_000) {
      const next = await post<{
        ended: boolean;
        accessToken?: string;
        refreshToken?: string;
        expiresIn?: number;
      }>('/demo/assisted/refresh', { refreshToken: refresh });
      if (!next) return; // unreachable for now: ask again on the next tick
      if (next.ended || !next.accessToken || !next.refreshToken) return end();
      access = next.accessToken;
      refresh = next.refreshToken;
      expiresAt = Date.now() + (next.expiresIn ?? 0) * 1000;
      const expires = document.getElementById('expires');
      if (expires) expires.textContent = new Date(expiresAt).toLocaleString();
    }
    const state = await post<{ active: boolean }>('/demo/assisted/introspect', { token: access });
    if (state && !state.active) end();
  }, 2000);
  function end() {
    clearInterval(timer);
    show(words.ended);
  }
}

void main();
