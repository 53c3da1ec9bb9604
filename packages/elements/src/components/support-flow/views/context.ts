import type { SupportFlow } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import type { Translate } from '../../../base-element.js';
import type { PasskeyListController } from '../../../controllers/passkeys.js';
import type { Lang } from '../../../i18n/index.js';
import { formatDuration } from '../../../i18n/index.js';

/**
 * What a view needs besides the facade's state. Handlers are the element's own methods: Lit
 * calls event listeners with the element as `this`.
 */
export interface ViewContext {
  readonly t: Translate;
  readonly lang: Lang;
  /** The flow's commands; null until the statechart runs (until then nothing is sent). */
  readonly api: SupportFlow | null;
  /** The clock the countdowns are painted against. */
  readonly now: number;
  /** Messages of the element's own input checks, by field. */
  readonly errors: { readonly email: string; readonly code: string; readonly cancel: string };
  /** The QR picture of the current link (data URL), null while it renders. */
  readonly qr: string | null;
  /** The reason of the last confirmed cancel (plain text, rendered escaped). */
  readonly lastReason: string;
  readonly on: ViewHandlers;
  /** The agent's "Your passkeys" list (open over the step while shown). */
  readonly passkeyList: PasskeyListController;
}

/** The element's handlers of what it checks itself before sending (the views own the rest). */
export interface ViewHandlers {
  lookup(event: SubmitEvent): void;
  submitCode(event: SubmitEvent): void;
  confirmCancel(event: SubmitEvent): void;
  enrolPasskey(event: SubmitEvent): void;
  restart(): void;
}

export type CountdownKey = 'code.resendIn' | 'code.expiresIn' | 'handoff.expiresIn' | 'qr.expiresIn';

/** The step's heading; focused when the step changes. */
export function heading(text: string): TemplateResult {
  return html`<h2 part="heading" tabindex="-1" data-step-heading>${text}</h2>`;
}

export function countdown(ctx: ViewContext, deadline: number | null, key: CountdownKey) {
  if (deadline === null) return nothing;
  return html`<p part="countdown" class="muted countdown" data-countdown=${key} aria-live="polite">
    ${ctx.t(key, { time: formatDuration(deadline - ctx.now) })}
  </p>`;
}

export function backButton(ctx: ViewContext): TemplateResult {
  return html`<button type="button" data-action="back" @click=${() => ctx.api?.back()}>${ctx.t('common.back')}</button>`;
}

/** **Finish** closes the session (every view after verification has it). */
export function finishButton(allowed: ReadonlySet<string>, ctx: ViewContext): TemplateResult {
  return html`<button type="button" data-action="finish" ?disabled=${!allowed.has('finish')} @click=${() => ctx.api?.finish()}>
    ${ctx.t('common.finish')}
  </button>`;
}
