import {
  type EcosystemMembership,
  type ProcessDetail,
  type ProcessSummary,
  selectableEcosystems,
} from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import type { Translate } from '../../base-element.js';
import { formatDate, type Lang } from '../../i18n/index.js';
import type { ActivityPhase } from './successor-activity.component.js';

/** What the views read of `<successor-activity>`: its public properties. */
export interface ActivityData {
  readonly userName: string;
  readonly email: string;
  readonly ecosystems: readonly EcosystemMembership[];
  readonly ecosystemId: string | null;
  readonly processes: readonly ProcessSummary[];
  readonly total: number;
  readonly phase: ActivityPhase;
}

export interface ActivityContext {
  readonly t: Translate;
  readonly lang: Lang;
}

/** User / Email / Ecosystem (a selector when several were inherited) / User Role. */
export function fieldsView(a: ActivityData, { t }: ActivityContext, onChange: (event: Event) => void) {
  const choices = selectableEcosystems('ecosystem-admin', a.ecosystems);
  const current = a.ecosystems.find((e) => e.id === a.ecosystemId) ?? null;
  return html`
    <dl part="fields" class="fields facts">
      <dt>${t('activity.user')}</dt>
      <dd data-field="user">${a.userName}</dd>
      <dt>${t('activity.email')}</dt>
      <dd data-field="email">${a.email}</dd>
      <dt>${choices.length > 1 ? html`<label for="ecosystem">${t('activity.ecosystem')}</label>` : t('activity.ecosystem')}</dt>
      <dd data-field="ecosystem">
        ${
          choices.length > 1
            ? html`<select
                id="ecosystem"
                part="ecosystem-select"
                .value=${a.ecosystemId ?? ''}
                ?disabled=${a.phase === 'loading' || a.phase === 'loadingMore'}
                @change=${onChange}
              >
                ${choices.map(
                  (e) => html`<option value=${e.id} ?selected=${e.id === a.ecosystemId}>${e.name}</option>`,
                )}
              </select>`
            : (current?.name ?? t('activity.none'))
        }
      </dd>
      <dt>${t('activity.role')}</dt>
      <dd data-field="role">${current ? t(`role.${current.role}`) : t('activity.none')}</dd>
    </dl>
  `;
}

/** "Showing n of m", or why there is nothing to show. */
export function countText(a: ActivityData, { t }: ActivityContext): string {
  if (a.phase === 'loading') return t('activity.loading');
  if (a.phase === 'loadFailed') return '';
  if (!a.total && !a.processes.length) return t('activity.empty');
  return t('activity.count', { shown: a.processes.length, total: a.total });
}

/** One process of the virtualized list, with **See details**. */
export function rowView(
  p: ProcessSummary,
  index: number,
  total: number,
  { t, lang }: ActivityContext,
  open: (processId: string) => void,
): TemplateResult {
  return html`<div class="row" part="row" role="listitem" aria-posinset=${index + 1} aria-setsize=${total}>
    <span class="status ${p.status}" part="status">${t(`processStatus.${p.status}`)}</span>
    <time datetime=${p.createdAt}>${formatDate(p.createdAt, lang)}</time>
    <span class="title" title=${p.title}>${p.title}</span>
    <button type="button" part="details-button" data-process=${p.id} @click=${() => open(p.id)}>
      ${t('activity.seeDetails')}<span class="visually-hidden">: ${p.title}</span>
    </button>
  </div>`;
}

/** The detail modal's content (a wait message while the process loads). */
export function detailView(
  d: ProcessDetail | null,
  { t, lang }: ActivityContext,
  close: () => void,
): TemplateResult {
  const when = (iso: string | null) => (iso ? formatDate(iso, lang) : t('activity.none'));
  return html`
    <h3 id="detail-heading" tabindex="-1">${d ? d.title : t('activity.detailHeading')}</h3>
    ${
      d
        ? html`<p data-detail="detail">${d.detail}</p>
            <dl>
              <dt>${t('activity.status')}</dt>
              <dd data-detail="status">${t(`processStatus.${d.status}`)}</dd>
              <dt>${t('activity.created')}</dt>
              <dd>${when(d.createdAt)}</dd>
              <dt>${t('activity.updated')}</dt>
              <dd>${when(d.updatedAt)}</dd>
              <dt>${t('activity.reason')}</dt>
              <dd data-detail="reason">${d.reason ?? t('activity.none')}</dd>
              <dt>${t('activity.decidedBy')}</dt>
              <dd data-detail="decidedBy">${d.decidedBy ?? t('activity.none')}</dd>
              <dt>${t('activity.decidedAt')}</dt>
              <dd>${when(d.decidedAt)}</dd>
            </dl>`
        : html`<p aria-live="polite">${t('common.pleaseWait')}</p>`
    }
    <div class="actions">
      <button type="button" class="primary" data-action="close-detail" @click=${close}>
        ${t('common.close')}
      </button>
    </div>
  `;
}
