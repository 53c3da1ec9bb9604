import { destinationPage, type SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { finishButton, heading, type ViewContext } from './context.js';

/** Technical Assistance: where the agent goes into the user's account (by the user's role). */
export function destinationsView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  const session = s.session;
  const role = session?.role ?? null;
  const ecosystem = session?.ecosystems.find((e) => e.id === session.ecosystemId);
  return html`
    ${heading(t('destinations.heading'))}
    ${
      session && role
        ? html`<p>
            ${t('destinations.intro', {
              name: session.user.name,
              role: t(`role.${role}`),
              ecosystem: ecosystem?.name ?? '',
            })}
          </p>`
        : nothing
    }
    <div part="destinations" class="destinations">
      ${(session?.destinations ?? []).map(
        (d) => html`<button
          type="button"
          class="destination"
          part="destination"
          data-destination=${d}
          ?disabled=${s.pending || !s.allowed.has('openDestination')}
          @click=${() => ctx.api?.openDestination(d)}
        >
          <strong>${t(`destination.${d}`)}</strong>
          ${role ? html`<small>${t(`page.${destinationPage(role, d)}`)}</small>` : nothing}
        </button>`,
      )}
    </div>
    <div class="actions">${finishButton(s, ctx)}</div>
  `;
}
