import {
  type ProcessDetail,
  type ProcessListQuery,
  type ProcessPage,
  SupportError,
  selectableEcosystems,
} from '@waizant/support-core';
import type { ProcessCursor } from '../ports/index.js';
import { audit, auditOk } from './audit.js';
import type { ServiceContext } from './context.js';
import { refuse } from './refusals.js';
import { type AgentRef, instant, liveSession, type SessionRow } from './session-store.js';
import { bind } from './sql.js';

const DEFAULT_PAGE = 20;

/** Only for a live ecosystem-admin session in step `verified`; refreshes its activity. */
async function verifiedAdminSession(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  action: string,
): Promise<SessionRow> {
  const live = liveSession(instant(ctx));
  const { rows } = await ctx.db.query<SessionRow>(
    ...bind(
      `UPDATE support_sessions SET last_activity_at = :now
       WHERE id = :id AND agent_id = :agent_id AND step = 'verified' AND flow = 'ecosystem-admin'
         AND ${live.sql}
       RETURNING *`,
      { id: sessionId, agent_id: agent.agentId, ...live.params },
    ),
  );
  const row = rows[0];
  if (row) return row;
  const error = await refuse(ctx, agent, sessionId, action, ['verified']);
  // A verified technical-assistance session has no successor view.
  throw error;
}

async function allowedEcosystems(ctx: ServiceContext, row: SessionRow, only?: string): Promise<string[]> {
  const user = await ctx.directory.getUser(row.user_id);
  if (!user) throw new SupportError('not_found', 'No such user.');
  const ids = selectableEcosystems('ecosystem-admin', user.ecosystems).map((e) => e.id);
  if (only === undefined) return ids;
  if (!ids.includes(only)) throw new SupportError('not_found', 'No such ecosystem for this user.');
  return [only];
}

export function encodeCursor(cursor: ProcessCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ProcessCursor {
  const invalid = () =>
    new SupportError('invalid_input', 'Invalid input.', {
      issues: [{ path: 'cursor', message: 'malformed cursor' }],
    });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    Number.isNaN(Date.parse(value[0])) ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value[1])
  ) {
    throw invalid();
  }
  return { createdAt: new Date(value[0]).toISOString(), id: value[1] };
}

export async function listProcesses(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  query: ProcessListQuery,
): Promise<ProcessPage> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const row = await verifiedAdminSession(ctx, agent, sessionId, 'processes.list');
  const ecosystemIds = await allowedEcosystems(ctx, row, query.ecosystemId);
  const limit = query.limit ?? DEFAULT_PAGE;
  const page = await ctx.directory.listProcesses({
    userId: row.user_id,
    ecosystemIds,
    after,
    limit: limit + 1,
  });
  const items = page.items.slice(0, limit);
  const last = items[items.length - 1];
  await auditOk(ctx, agent.agentId, row.session_ref, 'processes.list', { count: items.length });
  return {
    items,
    nextCursor:
      page.items.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    total: page.total,
  };
}

export async function getProcess(
  ctx: ServiceContext,
  agent: AgentRef,
  sessionId: string,
  processId: string,
): Promise<ProcessDetail> {
  const row = await verifiedAdminSession(ctx, agent, sessionId, 'processes.get');
  const ecosystemIds = await allowedEcosystems(ctx, row);
  const detail = await ctx.directory.getProcess({ userId: row.user_id, ecosystemIds, processId });
  await audit(ctx, ctx.db, {
    agentId: agent.agentId,
    sessionRef: row.session_ref,
    action: 'processes.get',
    outcome: detail ? 'ok' : 'refused',
    detail: detail ? { status: detail.status } : { error: 'not_found' },
  });
  if (!detail) throw new SupportError('not_found', 'No such process.');
  return detail;
}
