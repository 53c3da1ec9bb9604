import type { SqlExecutor } from '../ports/index.js';
import type { ServiceContext } from './context.js';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEntry {
  readonly agentId: string | null;
  /** Already hashed with `sessionRef`; never a raw session id. */
  readonly sessionRef: string | null;
  readonly action: string;
  readonly outcome: AuditOutcome;
  /** Never a code, token or session id. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export async function audit(ctx: ServiceContext, sql: SqlExecutor, entry: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      ctx.clock.now().toISOString(),
      entry.agentId,
      entry.sessionRef,
      entry.action,
      entry.outcome,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** How `auditFrom` fills the columns a statement only knows in SQL. */
export interface AuditFromOptions {
  /** Names the clause (and prefixes its parameters) when a statement audits twice. */
  readonly name?: string;
  /** Take the agent from `source.agent_id` instead of `entry.agentId`. */
  readonly agentFromSource?: boolean;
  /** A jsonb expression over `source` merged into `entry.detail` (e.g. a counter just moved). */
  readonly detailSql?: string;
}

/** A success about one session, on the service's database (outside any transaction). */
export function auditOk(
  ctx: ServiceContext,
  agentId: string,
  sessionRef: string,
  action: string,
  detail: AuditEntry['detail'],
): Promise<void> {
  return audit(ctx, ctx.db, { agentId, sessionRef, action, outcome: 'ok', detail });
}

/**
 * The `WITH` clause that writes `entry`'s audit row for each row the clause `source` returns
 * (its `session_ref`), so a command's step move and its audit record are one statement.
 */
export function auditFrom(
  ctx: ServiceContext,
  source: string,
  entry: Omit<AuditEntry, 'sessionRef'>,
  options: AuditFromOptions = {},
): { sql: string; params: Record<string, unknown> } {
  const name = options.name ?? 'audited';
  const p = `${name}_`;
  const agent = options.agentFromSource ? `${source}.agent_id` : `:${p}agent_id::uuid`;
  const detail = options.detailSql ? `:${p}detail::jsonb || ${options.detailSql}` : `:${p}detail::jsonb`;
  return {
    sql: `${name} AS (
       INSERT INTO support_audit (at, agent_id, session_ref, action, outcome, detail)
       SELECT :${p}at::timestamptz, ${agent}, ${source}.session_ref, :${p}action, :${p}outcome, ${detail}
       FROM ${source}
     )`,
    params: {
      [`${p}at`]: ctx.clock.now().toISOString(),
      ...(options.agentFromSource ? {} : { [`${p}agent_id`]: entry.agentId }),
      [`${p}action`]: entry.action,
      [`${p}outcome`]: entry.outcome,
      [`${p}detail`]: JSON.stringify(entry.detail ?? {}),
    },
  };
}

/** `auditFrom` for the calling agent's successful command (the shape most commands audit). */
export function auditOkFrom(
  ctx: ServiceContext,
  source: string,
  agent: { readonly agentId: string },
  action: string,
  detail: AuditEntry['detail'],
): { sql: string; params: Record<string, unknown> } {
  return auditFrom(ctx, source, { agentId: agent.agentId, action, outcome: 'ok', detail });
}
