import { CANCEL_REASON_MAX, CANCEL_REASON_MIN, type SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import type { ViewContext } from './context.js';
import { inactivityView } from './inactivity.js';

/**
 * The cancel modal: a reason is required. It stays in the DOM; the modal controller opens and
 * closes it with the flow's state. The inactivity warning moves inside while it is open.
 */
export function cancelDialogView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t, errors } = ctx;
  const submitting = s.cancelModal.submitting;
  return html`
    <dialog
      class="cancel"
      part="cancel-dialog"
      aria-labelledby="cancel-heading"
      @cancel=${(event: Event) => onEscape(event, ctx)}
    >
      ${s.inactivityWarning && s.cancelModal.open ? inactivityView(s, ctx) : nothing}
      <form @submit=${ctx.on.confirmCancel} novalidate>
        <h2 id="cancel-heading">${t('cancel.heading')}</h2>
        <div class="field">
          <label for="cancel-reason">${t('cancel.reason')}</label>
          <textarea
            id="cancel-reason"
            name="reason"
            required
            aria-invalid=${errors.cancel ? 'true' : 'false'}
            aria-describedby="cancel-hint cancel-error"
            ?disabled=${submitting}
          ></textarea>
          <p id="cancel-hint" class="muted">
            ${t('cancel.hint', { min: CANCEL_REASON_MIN, max: CANCEL_REASON_MAX })}
          </p>
          <p id="cancel-error" class="error" aria-live="polite">${errors.cancel}</p>
        </div>
        <div class="actions">
          <button
            type="button"
            data-action="dismiss-cancel"
            ?disabled=${submitting}
            @click=${() => ctx.api?.dismissCancel()}
          >
            ${t('cancel.dismiss')}
          </button>
          <button type="submit" class="primary danger-fill" data-action="confirm-cancel" ?disabled=${submitting}>
            ${t('cancel.ok')}
          </button>
        </div>
      </form>
    </dialog>
  `;
}

/** Escape dismisses like **Back to the request**, and only when that is allowed (not while it sends). */
function onEscape(event: Event, ctx: ViewContext): void {
  event.preventDefault();
  if (ctx.api?.state.allowed.has('dismissCancel')) ctx.api.dismissCancel();
}
