import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { Clock, Notification, Notifier, SqlExecutor } from '../../ports/index.js';

/**
 * One message of the development outbox (`GET /dev/outbox`, `server.outbox()`): what the
 * notifier would have e-mailed. `code` carries the one-time code of a code message so that
 * tools read it without parsing `text`. The "assisted session started" notice carries the
 * user's end link. The App link e-mailed at the agent's request (`handoff_qr`) carries an `html`
 * part and its QR code as an inline PNG (`inline`, shown through `cid:`).
 */
export const OutboxMessage = z.object({
  issueId: z.string(),
  kind: z.enum([
    'agent_code',
    'user_code',
    'assisted_session_started',
    'assisted_session_receipt',
    'handoff_qr',
  ]),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  code: z.nullable(z.string()),
  html: z.nullable(z.string()),
  inline: z.array(
    z.object({ cid: z.string(), contentType: z.literal('image/png'), contentBase64: z.string() }),
  ),
  createdAt: z.iso.datetime(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/** The answer of `GET /dev/outbox`: oldest first. */
export const OutboxMessages = z.array(OutboxMessage);

/** `GET /dev/outbox?to=`: only the messages sent to this address. */
export const OutboxQuery = z.strictObject({
  to: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
});

/**
 * The local outbox: each message is a row, written in the same transaction as the state change
 * it belongs to when one is given. The same `issueId` is stored at most once.
 */
export function outboxNotifier(db: SqlExecutor, clock: Clock): Notifier {
  return {
    async send(message: Notification, context) {
      await (context?.sql ?? db).query(
        `INSERT INTO support_outbox (id, issue_id, kind, to_address, subject, body, code, html, inline,
           created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (issue_id) DO NOTHING`,
        [
          randomUUID(),
          message.issueId,
          message.kind,
          message.to,
          message.subject,
          message.text,
          message.code ?? null,
          message.html ?? null,
          message.inline?.length ? JSON.stringify(message.inline) : null,
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
    code: string | null;
    html: string | null;
    inline: unknown;
    created_at: Date | string;
  }>(
    `SELECT issue_id, kind, to_address, subject, body, code, html, inline, created_at FROM support_outbox
     WHERE $1::text IS NULL OR to_address = $1 ORDER BY seq`,
    [to ?? null],
  );
  return rows.map((r) =>
    OutboxMessage.parse({
      issueId: r.issue_id,
      kind: r.kind,
      to: r.to_address,
      subject: r.subject,
      text: r.body,
      code: r.code,
      html: r.html,
      // jsonb comes back parsed from PostgreSQL and PGlite alike.
      inline: r.inline ?? [],
      createdAt: new Date(r.created_at).toISOString(),
    }),
  );
}
