import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { commandButton, heading, textField, type ViewContext } from './context.js';

/** The e-mailed code is offered beside the passkey (not under the `passkey`-only mode). */
const emailOffered = (s: SupportFlowState) => s.stepUp?.methods.includes('email_code') ?? true;

/** Why the last prompt gave nothing, or the server's refusal, with a way back to the code. */
function problem(s: SupportFlowState, ctx: ViewContext): TemplateResult | typeof nothing {
  if (!s.passkeyProblem) return nothing;
  return html`<p class="error" role="alert" data-passkey-problem=${s.passkeyProblem}>
    ${ctx.t(`passkey.problem.${s.passkeyProblem}`)}
  </p>`;
}

function emailInstead(s: SupportFlowState, ctx: ViewContext): TemplateResult | typeof nothing {
  if (!emailOffered(s)) return nothing;
  return commandButton(s, ctx, 'chooseEmailCode', 'use-email-code', ctx.t('passkey.useEmailInstead'));
}

function manageLink(ctx: ViewContext): TemplateResult {
  return html`<button type="button" class="link" data-action="manage-passkeys" @click=${() => ctx.passkeyList.show()}>
    ${ctx.t('passkey.manage')}
  </button>`;
}

/** The agent-code step when a passkey is offered: the choice, or the passkey's prompt. */
export function agentPasskeyView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const title = heading(t('agentCode.heading'));
  if (s.passkeyPhase === 'choosing') {
    return html`
      ${title}
      <p data-choose>${t('stepUp.choose')}</p>
      <div class="actions" data-step-up-choice>
        ${commandButton(s, ctx, 'choosePasskey', 'choose-passkey', t('stepUp.usePasskey'), { primary: true })}
        ${commandButton(s, ctx, 'chooseEmailCode', 'choose-email-code', t('stepUp.useEmailCode'))}
      </div>
    `;
  }
  const busy = s.passkeyPhase !== 'ready';
  const status =
    s.passkeyPhase === 'prompting'
      ? t('passkey.waiting')
      : s.passkeyPhase === 'checking'
        ? t('passkey.checking')
        : '';
  return html`
    ${title}
    <p data-passkey-prompt>${t('passkey.prompt')}</p>
    ${problem(s, ctx)}
    ${
      s.error?.code === 'passkey_refused' && s.error.attemptsLeft !== undefined
        ? html`<p class="muted" data-attempts>${t('code.attemptsLeft', { count: s.error.attemptsLeft })}</p>`
        : nothing
    }
    ${commandButton(s, ctx, 'startPasskey', 'use-passkey', t('stepUp.usePasskey'), { primary: true, disabled: busy })}
    <p class="muted" aria-live="polite" data-passkey-status>${status}</p>
    <div class="actions">${emailInstead(s, ctx)} ${manageLink(ctx)}</div>
  `;
}

/** On the e-mailed code's views: "Use a passkey instead", when the session offers one. */
export function passkeyInstead(s: SupportFlowState, ctx: ViewContext): TemplateResult | typeof nothing {
  if (s.view !== 'agentCode' || !s.allowed.has('choosePasskey')) return nothing;
  return commandButton(s, ctx, 'choosePasskey', 'use-passkey-instead', ctx.t('passkey.usePasskeyInstead'));
}

/** "Set up a passkey": optional name, **Set up** / **Not now**. */
export function passkeySetupView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const busy = s.passkeyPhase !== 'ready';
  return html`
    ${heading(t('passkeySetup.heading'))}
    <p>${t('passkeySetup.intro')}</p>
    ${problem(s, ctx)}
    <form @submit=${ctx.on.enrolPasskey} novalidate>
      ${textField({
        id: 'passkey-name',
        label: t('passkeySetup.name'),
        type: 'text',
        autocomplete: 'off',
        maxlength: 100,
        placeholder: t('passkeySetup.namePlaceholder'),
        disabled: busy,
        error: '',
      })}
      <div class="actions">
        <button type="submit" class="primary" data-action="set-up-passkey" ?disabled=${busy || !s.allowed.has('enrolPasskey')}>
          ${t('passkeySetup.setUp')}
        </button>
        ${commandButton(s, ctx, 'skipEnrolment', 'skip-passkey', t('passkeySetup.notNow'), { disabled: busy })}
      </div>
    </form>
    <p class="muted" aria-live="polite">${busy ? t('passkeySetup.creating') : ''}</p>
    ${manageLink(ctx)}
  `;
}

/** "Your passkeys": the agent's own, each with **Remove**; **Back** returns to the step. */
export function passkeyListView(ctx: ViewContext): TemplateResult {
  const { t, passkeyList: list } = ctx;
  const date = (iso: string) => new Date(iso).toLocaleDateString(ctx.lang);
  return html`
    ${heading(t('passkeys.heading'))}
    ${list.pending && list.items.length === 0 ? html`<p class="muted">${t('passkeys.loading')}</p>` : nothing}
    ${!list.pending && list.items.length === 0 && !list.error ? html`<p data-passkeys-empty>${t('passkeys.empty')}</p>` : nothing}
    <ul class="passkeys" data-passkeys aria-busy=${list.pending ? 'true' : 'false'}>
      ${list.items.map(
        (p) => html`<li data-passkey=${p.id}>
          <span class="name">${p.name}</span>
          <span class="muted">
            ${t('passkeys.created', { date: date(p.createdAt) })}${p.lastUsedAt ? html`, ${t('passkeys.lastUsed', { date: date(p.lastUsedAt) })}` : nothing}
          </span>
          <button type="button" class="danger" data-action="remove-passkey" ?disabled=${list.pending} @click=${() => list.remove(p.id)}>
            ${t('passkeys.remove', { name: p.name })}
          </button>
        </li>`,
      )}
    </ul>
    ${list.error ? html`<p class="error" role="alert">${t(`error.${list.error}` as never)}</p>` : nothing}
    <button type="button" data-action="close-passkeys" @click=${() => list.hide()}>${t('common.back')}</button>
  `;
}
