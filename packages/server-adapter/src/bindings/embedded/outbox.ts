import { randomUUID } from 'node:crypto';
import type { Clock, Notification, Notifier, SqlExecutor } from '../../ports/index.js';

export interface OutboxMessage {
  readonly issueId: string;
  readonly kind: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly createdAt: string;
}

/**
 * The local outbox: each message is a row, written in the same transaction as the state change
 * it belongs to when one is given. The same `issueId` is stored at most once.
 */
export function outboxNotifier(db: SqlExecutor, clock: Clock): Notifier {
  return {
    async send(message: Notification, context) {
      await (context?.sql ?? db).query(
        `INSERT INTO support_outbox (id, issue_id, kind, to_address, subject, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (issue_id) DO NOTHING`,
        [
          randomUUID(),
          message.issueId,
          message.kind,
          message.to,
          message.subject,
          message.text,
          clock.now().toISOString(),
        ],
      );
    },
  };
}

export async function readOutbox(db: SqlExecutor, to?: string): Promise<OutboxMessage[]> {
  const { rows } = await db.query<{
    issue_id: string;
    kind: string;
    to_address: string;
    subject: string;
    body: string;
    created_at: Date | string;
  }>(
    `SELECT issue_id, kind, to_address, subject, body, created_at FROM support_outbox
     WHERE $1::text IS NULL OR to_address = $1 ORDER BY seq`,
    [to ?? null],
  );
  return rows.map((r) => ({
    issueId: r.issue_id,
    kind: r.kind,
    to: r.to_address,
    subject: r.subject,
    text: r.body,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
