import type { FinalView, SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { heading, type ViewContext } from './context.js';

/** How the request ended, and **New support request**. */
export function finalView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const view = s.view as FinalView;
  const reason = s.error?.ineligibleReason;
  const text =
    view !== 'ineligible'
      ? t(`final.${view}`)
      : reason
        ? t('final.ineligible', { reason: t(`ineligible.${reason}`) })
        : t('final.ineligible.noReason');
  return html`
    <div class="final ${view}" data-final=${view}>
      ${heading(t(`final.${view}.heading`))}
      <p>${text}</p>
      ${
        view === 'cancelled' && ctx.lastReason
          ? html`<p data-cancel-reason><strong>${t('cancel.reason')}:</strong> ${ctx.lastReason}</p>`
          : nothing
      }
      <button type="button" class="primary" data-action="new-request" @click=${ctx.on.restart}>
        ${t('common.newRequest')}
      </button>
    </div>
  `;
}
