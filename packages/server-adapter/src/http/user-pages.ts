import { createHash } from 'node:crypto';
import { END_PAGE_PATH, EndSessionForm, SupportError } from '@waizant/support-core';
import type { Hono } from 'hono';
import type { Logger } from '../ports/index.js';
import type { ServiceContext } from '../services/context.js';
import { type UserLocale, userLocale, utcTime } from '../services/messages.js';
import { endByUser, hitEndLinkLimits, previewEndLink } from '../services/user-control.js';
import type { MethodTable } from './allow.js';
import { readBody } from './body.js';
import type { AppEnv } from './middleware/env.js';
import { SECURITY_HEADERS } from './respond.js';

/**
 * The end user's page (docs/embedding.md, "The end user's page"): plain HTML of the kit, no
 * agent sign-in, no third-party resource. The e-mail's link carries its token in the URL
 * fragment, which browsers never send to a server (so it is in no access log and no Referer);
 * the page's script moves it into a form that it POSTs (`preview`), and only the user's click
 * (`confirm`) ends the session, so link scanners that follow or even run e-mail links end nothing.
 */

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}' +
  'button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #8a1c1c;background:#b42318;color:#fff;cursor:pointer}' +
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:600}';

// Reads the token from the fragment, removes it from the address bar and history, and asks for the preview.
const SCRIPT =
  "(function(){var m=/^#t=([A-Za-z0-9_-]{22,128})$/.exec(location.hash);var f=document.getElementById('go');" +
  "if(!m||!f){var n=document.getElementById('none');if(n)n.hidden=false;return}" +
  "history.replaceState(null,'',location.pathname+location.search);f.elements.token.value=m[1];f.submit()})();";

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha(STYLE)}`,
  `script-src ${sha(SCRIPT)}`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TEXT = {
  en: {
    title: 'Waizant support',
    opening: 'Opening your link…',
    noScript: 'This page needs JavaScript to read your link.',
    neutral:
      'This link cannot be used. It may have been used already, or the support session has already ended. If something looks wrong, contact Waizant support.',
    confirmTitle: 'End the assisted session?',
    agent: 'Agent',
    ecosystem: 'Ecosystem',
    until: 'Ends at the latest',
    confirmHint:
      'Ending it closes the whole support session at once: the agent can no longer act in your account.',
    confirm: 'End this assisted session now',
    ended: 'The support session has ended. The agent can no longer act in your account.',
    limited: 'Too many attempts. Try again in a few minutes.',
  },
  es: {
    title: 'Soporte de Waizant',
    opening: 'Abriendo tu enlace…',
    noScript: 'Esta página necesita JavaScript para leer tu enlace.',
    neutral:
      'Este enlace no se puede usar. Puede que ya se haya usado o que la sesión de soporte ya haya terminado. Si algo no cuadra, contacta con el soporte de Waizant.',
    confirmTitle: '¿Terminar la sesión asistida?',
    agent: 'Agente',
    ecosystem: 'Ecosistema',
    until: 'Termina a más tardar',
    confirmHint:
      'Al terminarla se cierra toda la sesión de soporte: el agente ya no puede actuar en tu cuenta.',
    confirm: 'Terminar esta sesión asistida ahora',
    ended: 'La sesión de soporte terminó. El agente ya no puede actuar en tu cuenta.',
    limited: 'Demasiados intentos. Vuelve a intentarlo en unos minutos.',
  },
} as const;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function page(locale: UserLocale, body: string, status = 200, script = false): Response {
  const t = TEXT[locale];
  const html =
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex">' +
    `<title>${t.title}</title><style>${STYLE}</style></head><body><h1>${t.title}</h1>${body}` +
    (script ? `<script>${SCRIPT}</script>` : '') +
    '</body></html>';
  return new Response(html, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_CSP,
    },
  });
}

const neutral = (locale: UserLocale) => page(locale, `<p id="neutral">${TEXT[locale].neutral}</p>`);

/** The page's language: the browser's first preference (Spanish for `es…`), English otherwise. */
function localeOf(req: Request): UserLocale {
  return userLocale((req.headers.get('accept-language') ?? '').split(',')[0]?.split(';')[0] ?? null);
}

export interface UserPagesOptions {
  readonly context: ServiceContext;
  readonly logger: Logger;
  /** The client's address as the host knows it (e.g. from its proxy), for the per-address limit. */
  readonly clientAddress?: (req: Request) => string | null;
}

/** Mounts `GET /end` and `POST /end` on the handler's router. */
export function mountUserPages(app: Hono<AppEnv>, methods: MethodTable, options: UserPagesOptions): void {
  const { context, logger } = options;
  methods.add(END_PAGE_PATH, 'GET');
  methods.add(END_PAGE_PATH, 'POST');

  app.get(END_PAGE_PATH, (c) => {
    const t = TEXT[localeOf(c.req.raw)];
    return page(
      localeOf(c.req.raw),
      `<p>${t.opening}</p><p id="none" hidden>${t.neutral}</p><noscript><p>${t.noScript}</p></noscript>` +
        '<form id="go" method="post"><input type="hidden" name="token" value="">' +
        '<input type="hidden" name="action" value="preview"></form>',
      200,
      true,
    );
  });

  app.post(END_PAGE_PATH, async (c) => {
    const req = c.req.raw;
    const locale = localeOf(req);
    const t = TEXT[locale];
    try {
      // Only the page itself posts here: a form from another site gets the neutral page.
      const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (req.headers.get('sec-fetch-site') === 'cross-site' || type !== 'application/x-www-form-urlencoded')
        return neutral(locale);
      const form = EndSessionForm.safeParse(
        Object.fromEntries(new URLSearchParams(await readBody(req, 1024))),
      );
      if (!form.success) return neutral(locale);
      const { token, action } = form.data;
      await hitEndLinkLimits(context, options.clientAddress?.(req) ?? null, token);
      if (action === 'confirm') {
        const ended = await endByUser(context, token);
        return ended ? page(locale, `<p id="ended">${t.ended}</p>`) : neutral(locale);
      }
      const preview = await previewEndLink(context, token);
      if (!preview) return neutral(locale);
      return page(
        locale,
        `<h2>${t.confirmTitle}</h2><dl>` +
          `<dt>${t.agent}</dt><dd id="agent">${escapeHtml(preview.agentName)}</dd>` +
          (preview.ecosystemName
            ? `<dt>${t.ecosystem}</dt><dd id="ecosystem">${escapeHtml(preview.ecosystemName)}</dd>`
            : '') +
          `<dt>${t.until}</dt><dd id="until">${utcTime(new Date(preview.endsAt))}</dd></dl>` +
          `<p>${t.confirmHint}</p><form method="post">` +
          `<input type="hidden" name="token" value="${escapeHtml(token)}">` +
          `<input type="hidden" name="action" value="confirm">` +
          `<button id="confirm" type="submit">${t.confirm}</button></form>`,
      );
    } catch (error) {
      if (error instanceof SupportError && error.code === 'rate_limited') {
        const retry = error.details?.retryAfterSeconds;
        const response = page(locale, `<p id="limited">${t.limited}</p>`, 429);
        if (retry !== undefined) response.headers.set('Retry-After', String(retry));
        return response;
      }
      if (error instanceof SupportError) return neutral(locale);
      logger.error('end page failed', { error: error instanceof Error ? error.name : 'unknown' });
      return neutral(locale);
    }
  });
}
