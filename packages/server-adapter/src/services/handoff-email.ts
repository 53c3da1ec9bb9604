import { type DestinationPage, type HandoffEmail, maskEmail, SupportError } from '@waizant/support-core';
import QRCode from 'qrcode';
import { ensureAccess } from './access.js';
import { audit } from './audit.js';
import { type ServiceContext, tokenHash } from './context.js';
import { handoffLink } from './handoffs.js';
import { qrEmail, userLocale } from './messages.js';
import { refuse } from './refusals.js';
import { type AgentRef, agentRecordOf, instant, liveSession, sessionIdentity } from './session-store.js';
import { bind } from './sql.js';

const ACTION = 'handoff.email';
const QR_CID = 'app-qr@support.waizant.local';

interface EmailedRow {
  page: DestinationPage;
  expires_at: Date | string;
  session_ref: string;
  ecosystem_id: string;
}

/**
 * E-mails the App link to the user's verified address, as a link and as an inline QR picture.
 * The server keeps only the token's HMAC, so the agent's client sends the token it holds. One
 * conditional statement checks and records it: this agent's live verified session, an `app`
 * handoff still unclaimed, unrevoked, unexpired, never e-mailed, whose hash matches (the token
 * is 128-bit random, so an equality on its HMAC leaks nothing useful). The message goes out in
 * the same transaction (outbox) or before it commits; a failed send rolls the mark back.
 */
export async function emailHandoff(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  handoffId: string,
  token: string,
): Promise<HandoffEmail> {
  const fixed = await sessionIdentity(ctx, agent, sessionId);
  if (!fixed) throw await refuse(ctx, agent, sessionId, ACTION, ['verified']);
  const user = await ensureAccess(ctx, agent, sessionId, ACTION, fixed, ['verified']);
  const [agentRecord, locale] = await Promise.all([
    agentRecordOf(ctx, agent),
    ctx.directory.getUserLocale ? ctx.directory.getUserLocale(fixed.user_id) : Promise.resolve(null),
  ]);
  if (!agentRecord) throw await refuse(ctx, agent, sessionId, ACTION, ['verified']);
  const at = instant(ctx);
  const live = liveSession(at, 's');
  const outcome = await ctx.db
    .transaction(async (tx) => {
      // Marks the handoff e-mailed and refreshes the session's activity, both or neither.
      const { rows } = await tx.query<EmailedRow>(
        ...bind(
          `WITH emailed AS (
           UPDATE support_handoffs h SET emailed_at = :now
           FROM support_sessions s
           WHERE h.id = :handoff_id AND h.session_id = :session_id AND s.id = h.session_id
             AND s.agent_id = :agent_id AND s.step = 'verified' AND ${live.sql}
             AND h.destination = 'app' AND h.token_hash = :token_hash AND h.emailed_at IS NULL
             AND h.claimed_at IS NULL AND h.revoked_at IS NULL AND h.expires_at > :now
           RETURNING h.page, h.expires_at, s.session_ref, h.ecosystem_id
         ),
         touched AS (
           UPDATE support_sessions SET last_activity_at = :now
           WHERE id = :session_id AND EXISTS (SELECT 1 FROM emailed)
         )
         SELECT * FROM emailed`,
          {
            handoff_id: handoffId,
            session_id: sessionId,
            agent_id: agent.agentId,
            token_hash: tokenHash(ctx.keys, token),
            ...live.params,
          },
        ),
      );
      const row = rows[0];
      if (!row) return null;
      const link = handoffLink(ctx, row.page, token);
      const png = await QRCode.toBuffer(link, {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 2,
        width: 240,
      });
      const ecosystem = user.ecosystems.find((e) => e.id === row.ecosystem_id);
      const message = qrEmail({
        locale: userLocale(locale),
        userName: user.name,
        agentName: agentRecord.name,
        ecosystemName: ecosystem?.name ?? '-',
        link,
        expiresAt: new Date(row.expires_at),
        qrCid: QR_CID,
      });
      try {
        await ctx.notifier.send(
          {
            issueId: `handoff-qr:${handoffId}`,
            kind: 'handoff_qr',
            to: user.email,
            ...message,
            inline: [{ cid: QR_CID, contentType: 'image/png', contentBase64: png.toString('base64') }],
          },
          { sql: tx },
        );
      } catch {
        throw new SupportError('upstream_unavailable', 'The e-mail could not be sent; try again.');
      }
      await audit(ctx, tx, {
        agentId: agent.agentId,
        sessionRef: row.session_ref,
        action: ACTION,
        outcome: 'ok',
        detail: { destination: 'app' },
      });
      return row;
    })
    .catch(async (error: unknown) => {
      if (error instanceof SupportError && error.code === 'upstream_unavailable') {
        await audit(ctx, ctx.db, {
          agentId: agent.agentId,
          sessionRef: fixed.session_ref,
          action: ACTION,
          outcome: 'failed',
          detail: { error: error.code },
        });
        ctx.logger.warn('app link e-mail failed', { agentId: agent.agentId });
      }
      throw error;
    });
  if (!outcome) throw await refuseEmail(ctx, agent, sessionId, fixed.session_ref);
  ctx.logger.info('app link e-mailed', { agentId: agent.agentId });
  return { id: handoffId, sentTo: maskEmail(user.email), emailedAt: at.nowIso };
}

/**
 * Nothing was marked: a closed or foreign session gets the session's typed error; otherwise the
 * handoff was wrong in some way (not the App's, claimed, expired, revoked, already e-mailed, or a
 * wrong token), which is one neutral answer.
 */
async function refuseEmail(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  ref: string,
): Promise<SupportError> {
  const live = liveSession(instant(ctx));
  const { rows } = await ctx.db.query(
    ...bind(
      `SELECT 1 FROM support_sessions WHERE id = :id AND agent_id = :agent_id AND step = 'verified'
         AND ${live.sql}`,
      { id: sessionId, agent_id: agent.agentId, ...live.params },
    ),
  );
  if (rows.length === 0) return refuse(ctx, agent, sessionId, ACTION, ['verified']);
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: ref,
    action: ACTION,
    outcome: 'refused',
    detail: { error: 'handoff_invalid' },
  });
  return new SupportError('handoff_invalid', 'This QR code can no longer be sent by e-mail.');
}
