import type { SupportFlowState } from '@waizant/support-core/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { backButton, commandButton, countdown, finishButton, heading, type ViewContext } from './context.js';

/**
 * The mobile app: a QR code the user's phone scans, until it is claimed or expires. The same
 * one-time link can be e-mailed to the user once (as a link and a QR picture).
 */
export function qrView(s: SupportFlowState, ctx: ViewContext): TemplateResult {
  const { t } = ctx;
  return html`
    ${heading(t('qr.heading'))}
    ${
      s.qrPhase === 'claimed'
        ? html`<p class="success" data-qr-claimed aria-live="polite">${t('qr.claimed')}</p>`
        : s.qrPhase === 'expired'
          ? html`<p class="error" data-qr-expired aria-live="polite">${t('qr.expired')}</p>`
          : html`<p>${t('qr.hint')}</p>
              <div class="qr-box">
                ${
                  ctx.qr
                    ? html`<img part="qr" class="qr" src=${ctx.qr} alt=${t('qr.alt')} />`
                    : html`<p class="muted">${t('common.pleaseWait')}</p>`
                }
              </div>
              ${countdown(ctx, s.deadlines.handoffExpiresAt, 'qr.expiresIn')}
              ${
                s.qrEmailedTo
                  ? html`<p class="success" data-qr-emailed aria-live="polite">
                      ${t('qr.emailed', { to: s.qrEmailedTo })}
                    </p>`
                  : nothing
              }`
    }
    <div class="actions">
      ${
        s.qrPhase !== 'claimed'
          ? commandButton(s, ctx, 'regenerateQr', 'regenerate', t('qr.regenerate'))
          : nothing
      }
      ${
        s.qrPhase === 'waiting' && !s.qrEmailedTo
          ? commandButton(s, ctx, 'emailQr', 'email-qr', t('qr.email'), { idle: true })
          : nothing
      }
      ${backButton(ctx)} ${finishButton(s, ctx)}
    </div>
  `;
}
