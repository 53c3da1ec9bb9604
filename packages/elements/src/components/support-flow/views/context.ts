import type { SupportCommand, SupportFlow, SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
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

/** One text input of a form: what differs between the kit's inputs. */
export interface TextInput {
  readonly id: string;
  readonly label: string;
  readonly type: 'email' | 'text';
  readonly autocomplete: string;
  /** The element's own check of this input (empty when fine): shown live and marks it invalid. */
  readonly error: string;
  readonly required?: boolean;
  readonly maxlength?: number;
  readonly placeholder?: string;
  readonly inputmode?: 'numeric';
  readonly pattern?: string;
  readonly part?: string;
  readonly className?: string;
  readonly disabled?: boolean;
  /** Ids of more lines that describe the input, besides its error line. */
  readonly describedBy?: string;
  readonly onInput?: (event: InputEvent) => void;
  /** What follows the error line inside the field (hints, counters). */
  readonly after?: TemplateResult;
}

/** A labelled text input with its live error line (`<id>-error`). */
export function textField(input: TextInput): TemplateResult {
  const describedBy = [`${input.id}-error`, input.describedBy].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for=${input.id}>${input.label}</label>
    <input
      id=${input.id}
      name=${input.id}
      part=${ifDefined(input.part)}
      class=${ifDefined(input.className)}
      type=${input.type}
      inputmode=${ifDefined(input.inputmode)}
      autocomplete=${input.autocomplete}
      pattern=${ifDefined(input.pattern)}
      maxlength=${ifDefined(input.maxlength)}
      placeholder=${ifDefined(input.placeholder)}
      spellcheck="false"
      ?required=${input.required === true}
      aria-invalid=${input.error ? 'true' : 'false'}
      aria-describedby=${describedBy}
      ?disabled=${input.disabled === true}
      @input=${input.onInput}
    />
    <p id="${input.id}-error" class="error" aria-live="polite">${input.error}</p>
    ${input.after ?? nothing}
  </div>`;
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

/** The facade's commands that take no argument. */
type PlainCommand = {
  [K in SupportCommand]: K extends keyof SupportFlow
    ? SupportFlow[K] extends () => void
      ? K
      : never
    : never;
}[SupportCommand];

/**
 * A button that sends one command, enabled only while the flow allows it (`idle`: also
 * disabled while a request is pending; `disabled`: the view's own reason to wait). `action` names it for tests and hosts (`data-action`).
 */
export function commandButton(
  s: Pick<SupportFlowState, 'allowed' | 'pending'>,
  ctx: ViewContext,
  command: PlainCommand,
  action: string,
  label: string,
  style: { primary?: boolean; idle?: boolean; disabled?: boolean } = {},
): TemplateResult {
  const disabled = !s.allowed.has(command) || (style.idle === true && s.pending) || style.disabled === true;
  return html`<button
    type="button"
    class=${style.primary ? 'primary' : nothing}
    data-action=${action}
    ?disabled=${disabled}
    @click=${() => ctx.api?.[command]()}
  >
    ${label}
  </button>`;
}

/** **Finish** closes the session (every view after verification has it). */
export function finishButton(
  s: Pick<SupportFlowState, 'allowed' | 'pending'>,
  ctx: ViewContext,
): TemplateResult {
  return commandButton(s, ctx, 'finish', 'finish', ctx.t('common.finish'));
}
