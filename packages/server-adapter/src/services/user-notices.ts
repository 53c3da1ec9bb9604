import type { DestinationPage } from '@waizant/support-core';
import type { AgentRecord } from '../ports/index.js';
import type { ServiceContext } from './context.js';
import { startedNotice, userLocale } from './messages.js';
import { issueEndLink } from './user-control.js';

export interface StartedNoticeInput {
  readonly handoffId: string;
  readonly sessionId: string;
  readonly page: DestinationPage;
  readonly absoluteExpiresAt: Date;
  readonly user: { readonly id: string; readonly name: string; readonly email: string };
  readonly agent: AgentRecord;
  readonly ecosystemName: string;
}

/**
 * The "assisted session started" e-mail of a redeemed handoff: who assists, in which ecosystem
 * and destination, the latest end, and a fresh "End this assisted session now" link (one per
 * e-mail: a raw token is never kept, so an earlier one cannot be re-sent). A failure is logged,
 * never thrown: the destination already has its session.
 */
export async function sendStartedNotice(ctx: ServiceContext, input: StartedNoticeInput): Promise<void> {
  try {
    const [locale, endLink] = await Promise.all([
      ctx.directory.getUserLocale ? ctx.directory.getUserLocale(input.user.id) : Promise.resolve(null),
      issueEndLink(ctx, ctx.db, input.sessionId, input.absoluteExpiresAt),
    ]);
    const message = startedNotice({
      locale: userLocale(locale),
      userName: input.user.name,
      agentName: input.agent.name,
      ecosystemName: input.ecosystemName,
      page: input.page,
      endsAt: input.absoluteExpiresAt,
      endLink,
    });
    await ctx.notifier.send({
      issueId: `assisted:${input.handoffId}`,
      kind: 'assisted_session_started',
      to: input.user.email,
      ...message,
    });
  } catch {
    ctx.logger.warn('assisted-session notice not sent', { agentId: input.agent.id });
  }
}
