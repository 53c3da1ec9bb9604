import {
  type CodePurpose,
  codePurposeOf,
  destinationsForRole,
  SupportError,
  type SupportLimits,
  type SupportSessionView,
  selectableEcosystems,
  type UserSummary,
} from '@waizant/support-core';
import { addSeconds, iso, type ServiceContext } from './context.js';
import { agentStepUpView } from './passkeys/mode.js';
import type { SessionRow } from './session-store.js';

/**
 * When a session ends if nothing else happens: its idle end (last activity + idle timeout) or
 * its absolute cap, whichever comes first. The one rule the view, the expiry refusal and the
 * assisted session's lifetime all use.
 */
export function sessionDeadline(
  row: Pick<SessionRow, 'last_activity_at' | 'absolute_expires_at'>,
  limits: Pick<SupportLimits, 'idleTimeoutSeconds'>,
): Date {
  const idleEnd = addSeconds(new Date(row.last_activity_at), limits.idleTimeoutSeconds);
  const absolute = new Date(row.absolute_expires_at);
  return idleEnd < absolute ? idleEnd : absolute;
}

export async function requireUser(ctx: ServiceContext, userId: string): Promise<UserSummary> {
  const user = await ctx.directory.getUser(userId);
  if (!user) throw new SupportError('not_found', 'No such user.');
  return user;
}

export interface LiveCodeRow {
  purpose: CodePurpose;
  sent_to: string;
  created_at: Date | string;
  expires_at: Date | string;
}

/** What the caller already holds, so the view does not read it again. */
export interface KnownForView {
  readonly user?: UserSummary;
  /** The session's live code, when the command just stored it. */
  readonly code?: LiveCodeRow;
}

/** The session as the contract shows it, from a row just returned by a statement. */
export async function viewOf(ctx: ServiceContext, row: SessionRow, known: KnownForView = {}) {
  const user = known.user ?? (await requireUser(ctx, row.user_id));
  const limits = ctx.limits;
  const now = ctx.clock.now();
  const expiresAt = sessionDeadline(row, limits);
  const purpose = codePurposeOf(row.step);
  let code: SupportSessionView['code'] = null;
  if (purpose && row.code_sends > 0) {
    const { rows } = known.code
      ? { rows: [known.code] }
      : await ctx.db.query<LiveCodeRow>(
          `SELECT purpose, sent_to, created_at, expires_at FROM support_codes
       WHERE session_id = $1 AND purpose = $2 AND consumed_at IS NULL
       ORDER BY created_at DESC LIMIT 1`,
          [row.id, purpose],
        );
    const latest = rows[0];
    if (latest) {
      code = {
        purpose,
        sentTo: latest.sent_to,
        sentAt: iso(latest.created_at),
        expiresAt: iso(latest.expires_at),
        attemptsLeft: Math.max(0, limits.codeMaxAttempts - row.code_attempts),
        resendsLeft: Math.max(0, limits.maxResends - (row.code_sends - 1)),
        resendAvailableAt: iso(
          addSeconds(new Date(row.last_code_sent_at ?? latest.created_at), limits.resendCooldownSeconds),
        ),
      };
    }
  }
  const view: SupportSessionView = {
    id: row.id,
    flow: row.flow,
    step: row.step,
    user: { id: user.id, name: user.name, email: user.email },
    ecosystems: [...selectableEcosystems(row.flow, user.ecosystems)],
    ecosystemId: row.ecosystem_id,
    role: row.role,
    code,
    destinations:
      row.step === 'verified' && row.flow === 'technical-assistance' && row.role
        ? [...destinationsForRole(row.role)]
        : [],
    createdAt: iso(row.created_at),
    lastActivityAt: iso(row.last_activity_at),
    expiresAt: iso(expiresAt),
    warnAt: iso(addSeconds(expiresAt, -limits.idleWarningSeconds)),
    absoluteExpiresAt: iso(row.absolute_expires_at),
    closedAt: row.closed_at === null ? null : iso(row.closed_at),
    ineligibleReason: row.step === 'ineligible' ? row.ineligible_reason : null,
    agentStepUp: await agentStepUpView(ctx, row, ctx.db),
    serverTime: now.toISOString(),
  };
  return view;
}
