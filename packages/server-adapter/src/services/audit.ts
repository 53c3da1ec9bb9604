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
