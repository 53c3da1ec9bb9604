import { EMAIL_MAX_LENGTH, type SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { commandButton, heading, textField, type ViewContext } from './context.js';

/** Find the user: the email form, then the found user's status card. */
export function lookupView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t, errors } = ctx;
  const searching = s.lookupPhase === 'searching';
  return html`
    ${heading(t('lookup.heading'))}
    <form @submit=${ctx.on.lookup} novalidate>
      ${textField({
        id: 'email',
        label: t('lookup.email'),
        type: 'email',
        autocomplete: 'off',
        required: true,
        maxlength: EMAIL_MAX_LENGTH,
        error: errors.email,
      })}
      <button
        type="submit"
        class="primary"
        data-action="search"
        ?disabled=${searching || !s.allowed.has('submitEmail')}
      >
        ${t('lookup.search')}
      </button>
    </form>
    <div class="result" aria-live="polite">
      ${searching ? html`<p class="muted">${t('lookup.searching')}</p>` : nothing}
      ${
        s.lookupPhase === 'notFound'
          ? html`<p data-not-found>${t('lookup.notFound', { email: s.email ?? '' })}</p>`
          : nothing
      }
      ${s.lookupPhase === 'found' ? statusCard(s, ctx) : nothing}
    </div>
  `;
}

function statusCard(s: SupportFlowState, ctx: ViewContext): TemplateResult | typeof nothing {
  const { t } = ctx;
  const lookup = s.lookup;
  if (!lookup?.found) return nothing;
  const { user } = lookup;
  return html`
    <article part="status-card" class="card" aria-labelledby="user-name">
      <h3 id="user-name" data-user-name>${user.name}</h3>
      <dl class="facts">
        <dt>${t('activity.email')}</dt>
        <dd>${user.email}</dd>
        <dt>${t('lookup.status')}</dt>
        <dd data-status=${user.status}>${t(`status.${user.status}`)}</dd>
        <dt>${t('lookup.ecosystems')}</dt>
        <dd>
          ${
            user.ecosystems.length
              ? html`<ul class="ecosystems">
                  ${user.ecosystems.map(
                    (e) =>
                      html`<li>
                        <span>${e.name}</span> · <span>${t(`role.${e.role}`)}</span>${
                          e.inherited ? html` · <em>${t('lookup.inherited')}</em>` : nothing
                        }
                      </li>`,
                  )}
                </ul>`
              : t('lookup.noEcosystems')
          }
        </dd>
      </dl>
      ${
        !lookup.eligible && lookup.ineligibleReason
          ? html`<p class="error" data-ineligible>
              ${t('lookup.notEligible', { reason: t(`ineligible.${lookup.ineligibleReason}`) })}
            </p>`
          : nothing
      }
      ${commandButton(s, ctx, 'startVerification', 'start', t('lookup.start'), { primary: true })}
    </article>
  `;
}
