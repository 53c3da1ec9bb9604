import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import { formatDuration } from '../../../i18n/index.js';
import { commandButton, type ViewContext } from './context.js';

/** The warning before 15 idle minutes close the session, with **I'm still here**. */
export function inactivityView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t, now } = ctx;
  const at = s.deadlines.sessionExpiresAt;
  return html`<div part="inactivity" class="inactivity" data-inactivity>
    <p aria-live="polite">${t('idle.warning', { time: formatDuration((at ?? now) - now) })}</p>
    ${commandButton(s, ctx, 'stillHere', 'still-here', t('idle.stillHere'), { primary: true })}
  </div>`;
}
