import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { commandButton, countdown, heading, textField, type ViewContext } from './context.js';
import { passkeyInstead } from './passkey.js';

/** The agent's or the user's one-time code: first the prompt to send it, then its entry. */
export function codeView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const agent = s.view === 'agentCode';
  const name = s.session?.user.name ?? '';
  const title = heading(agent ? t('agentCode.heading') : t('userCode.heading'));
  if (s.codePhase === 'prompt' || s.codePhase === 'sending' || !s.session?.code) {
    return html`
      ${title}
      <p data-prompt>${agent ? t('agentCode.prompt') : t('userCode.prompt', { name })}</p>
      ${
        s.codePhase === 'sending'
          ? html`<p class="muted" aria-live="polite">${t('code.sending')}</p>`
          : commandButton(s, ctx, 'sendCode', 'send-code', agent ? t('agentCode.send') : t('userCode.send'), {
              primary: true,
            })
      }
      ${passkeyInstead(s, ctx)}
    `;
  }
  const { code } = s.session;
  return html`
    ${title}
    <p data-sent-to>
      ${agent ? t('agentCode.sentTo', { sentTo: code.sentTo }) : t('userCode.sentTo', { name, sentTo: code.sentTo })}
    </p>
    ${codeForm(s, code, ctx)} ${passkeyInstead(s, ctx)}
  `;
}

type SentCode = NonNullable<NonNullable<SupportFlowState['session']>['code']>;

/** The code's entry, its expiry, and **Resend** (with its cooldown and what is left). */
function codeForm(s: SupportFlowState, code: SentCode, ctx: ViewContext): TemplateResult {
  const { t, errors } = ctx;
  const resendAt = s.deadlines.resendAvailableAt;
  const coolingDown = resendAt !== null && resendAt > ctx.now;
  const checking = s.codePhase === 'checking';
  return html`
    <form @submit=${ctx.on.submitCode} novalidate>
      ${textField({
        id: 'code',
        label: t('code.label'),
        type: 'text',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        pattern: '[0-9]*',
        part: 'code-input',
        className: 'code',
        disabled: checking,
        describedBy: 'code-attempts',
        onInput: clean,
        error: errors.code,
        after: html`<p id="code-attempts" class="muted" data-attempts aria-live="polite">
          ${t('code.attemptsLeft', { count: code.attemptsLeft })}
        </p>`,
      })}
      <button type="submit" class="primary" data-action="verify" ?disabled=${checking}>
        ${checking ? t('code.checking') : t('code.verify')}
      </button>
    </form>
    ${countdown(ctx, s.deadlines.codeExpiresAt, 'code.expiresIn')}
    <div class="resend">
      ${
        code.resendsLeft > 0
          ? html`${commandButton(s, ctx, 'resendCode', 'resend', t('code.resend'))}
              ${coolingDown ? countdown(ctx, resendAt, 'code.resendIn') : nothing}
              <span class="muted" data-resends>${t('code.resendsLeft', { count: code.resendsLeft })}</span>`
          : html`<span class="muted" data-resends>${t('code.noResends')}</span>`
      }
    </div>
  `;
}

/** Spaces and dashes people type or paste between the digits go away as they type. */
function clean(event: InputEvent): void {
  const input = event.target as HTMLInputElement;
  const cleaned = input.value.replace(/[\s-]+/g, '');
  if (cleaned !== input.value) input.value = cleaned;
}
