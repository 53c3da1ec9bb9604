import { type SupportFlowState, selectableEcosystems } from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import { heading, type ViewContext } from './context.js';

/** Choose the ecosystem the support is for (Ecosystem Admin: before the agent's code). */
export function ecosystemView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const choices = selectableEcosystems(s.flow, s.session?.ecosystems ?? []);
  const admin = s.flow === 'ecosystem-admin';
  return html`
    ${heading(admin ? t('agentCode.heading') : t('ecosystem.heading'))}
    <form @submit=${(event: SubmitEvent) => select(event, ctx)}>
      <div class="field">
        <label for="ecosystem">${t('ecosystem.label')}</label>
        <select id="ecosystem" part="ecosystem-select" required ?disabled=${s.pending}>
          ${choices.map((e) => html`<option value=${e.id}>${e.name} · ${t(`role.${e.role}`)}</option>`)}
        </select>
      </div>
      <button
        type="submit"
        class="primary"
        data-action="select-ecosystem"
        ?disabled=${s.pending || !s.allowed.has('selectEcosystem')}
      >
        ${admin ? t('ecosystem.sendCode') : t('ecosystem.continue')}
      </button>
    </form>
  `;
}

function select(event: SubmitEvent, ctx: ViewContext): void {
  event.preventDefault();
  const { value } = (event.currentTarget as HTMLFormElement).querySelector('select')!;
  if (value) ctx.api?.selectEcosystem(value);
}
