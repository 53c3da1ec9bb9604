import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, type TemplateResult } from 'lit';
import { formatWait } from '../../../i18n/index.js';
import { activityView } from './activity.js';
import { codeView } from './code.js';
import { heading, type ViewContext } from './context.js';
import { destinationsView } from './destinations.js';
import { ecosystemView } from './ecosystem.js';
import { finalView } from './final.js';
import { handoffView } from './handoff.js';
import { lookupView } from './lookup.js';
import { agentPasskeyView, passkeyListView, passkeySetupView } from './passkey.js';
import { qrView } from './qr.js';

type StepView = (s: SupportFlowState, ctx: ViewContext) => TemplateResult;

const VIEWS: Partial<Record<SupportFlowState['view'], StepView>> = {
  lookup: lookupView,
  ecosystem: ecosystemView,
  agentCode: (s, ctx) => (s.passkeyPhase ? agentPasskeyView(s, ctx) : codeView(s, ctx)),
  passkeySetup: passkeySetupView,
  userCode: codeView,
  destinations: destinationsView,
  handoffReady: handoffView,
  qr: qrView,
  activity: activityView,
  expired: finalView,
  cancelled: finalView,
  lockedOut: finalView,
  failed: finalView,
  completed: finalView,
  ineligible: finalView,
  endedByUser: finalView,
};

/** The current step's view; a view without one (the flow is between steps) says to wait. */
export function stepView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  if (ctx.passkeyList.open) return passkeyListView(ctx);
  const view = VIEWS[s.view];
  return view ? view(s, ctx) : html`${heading(ctx.t('common.pleaseWait'))}`;
}

/** The flow's error, localized; final views say it in their own words. */
export function errorText(s: SupportFlowState, ctx: ViewContext): string {
  const { t } = ctx;
  const ownWords = ['lockedOut', 'expired', 'ineligible', 'endedByUser'];
  if (!s.error || ownWords.includes(s.view)) return '';
  const { code, retryAfterSeconds: wait } = s.error;
  // Say how long (the server's retryAfterSeconds): "wait a moment" must not stand for 49 minutes.
  if ((code === 'rate_limited' || code === 'resend_too_soon') && wait !== undefined && wait > 0) {
    return t(`error.${code}.wait`, { time: formatWait(wait, ctx.lang) });
  }
  const base = t(`error.${code}`);
  if (code === 'code_invalid' && s.error.attemptsLeft !== undefined) {
    return `${base} ${t('code.attemptsLeft', { count: s.error.attemptsLeft })}`;
  }
  return base;
}
