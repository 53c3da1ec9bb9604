import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import { finishButton, heading, type ViewContext } from './context.js';

/** Ecosystem Admin: the successor's activity, a controlled `<successor-activity>`. */
export function activityView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { api } = ctx;
  const session = s.session;
  return html`
    ${heading(ctx.t('activity.heading'))}
    <successor-activity
      part="activity"
      controlled
      lang=${ctx.lang}
      .userName=${session?.user.name ?? ''}
      .email=${session?.user.email ?? ''}
      .ecosystems=${session?.ecosystems ?? []}
      .ecosystemId=${s.processes.ecosystemId ?? session?.ecosystemId ?? null}
      .processes=${s.processes.items}
      .total=${s.processes.total}
      .hasMore=${s.processes.hasMore}
      .phase=${s.activityPhase ?? (s.processDetailOpen ? 'ready' : 'loading')}
      .detail=${s.processDetail}
      .detailOpen=${s.processDetailOpen}
      @successor-activity-ecosystem-change=${(e: CustomEvent<{ ecosystemId: string }>) =>
        api?.switchEcosystem(e.detail.ecosystemId)}
      @successor-activity-load-more=${() => {
        if (api?.state.allowed.has('loadMoreProcesses')) api.loadMoreProcesses();
      }}
      @successor-activity-open-process=${(e: CustomEvent<{ processId: string }>) =>
        api?.openProcess(e.detail.processId)}
      @successor-activity-close-process=${() => api?.closeProcess()}
      @successor-activity-retry=${() => api?.retry()}
    ></successor-activity>
    <div class="actions">${finishButton(s, ctx)}</div>
  `;
}
