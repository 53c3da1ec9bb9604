import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import { backButton, countdown, finishButton, heading, type ViewContext } from './context.js';

/** The one-time link into the user's Waizant Web or Store, until it expires. */
export function handoffView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const handoff = s.handoff;
  const expiresAt = s.deadlines.handoffExpiresAt;
  const expired = expiresAt !== null && expiresAt <= ctx.now;
  return html`
    ${heading(t('handoff.heading'))}
    ${
      handoff && !expired
        ? html`<p>
              <a
                class="button primary"
                part="handoff-link"
                href=${handoff.link}
                target="_blank"
                rel="noopener noreferrer"
                data-handoff-link
                >${t('handoff.open', { destination: t(`destination.${handoff.destination}`) })}</a
              >
            </p>
            <p class="muted">${t('handoff.hint')}</p>
            ${countdown(ctx, expiresAt, 'handoff.expiresIn')}`
        : html`<p class="error">${t('handoff.expired')}</p>`
    }
    <div class="actions">${backButton(ctx)} ${finishButton(s, ctx)}</div>
  `;
}
