import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SqlDatabase, SqlExecutor } from '../src/index.js';
import { BACKEND, closeAll, closeTemplate, DEMO, freshDatabase, harness, latestCode } from './helpers.js';

afterEach(closeAll);
afterAll(closeTemplate);

/** Where a statement goes: the kit's own tables, the Core DB directory and identity stand-in, or the dev outbox (the notifier). */
type Kind = 'kit' | 'directory' | 'outbox';

function kindOf(text: string): Kind {
  if (/\bcore_|\bembedded_user_locales\b|\bembedded_identity_accounts\b/.test(text)) return 'directory';
  if (/\bINTO support_outbox\b/.test(text)) return 'outbox';
  return 'kit';
}

/**
 * The database the server uses, wrapped to record every statement it is sent. A transaction
 * counts its BEGIN and its COMMIT (or ROLLBACK), as the server's log would show them.
 */
function counting(db: SqlDatabase): { db: SqlDatabase; sent: string[] } {
  const sent: string[] = [];
  const wrap = (exec: SqlExecutor): SqlExecutor['query'] => {
    return (text, params) => {
      sent.push(text);
      return exec.query(text, params);
    };
  };
  const counted: SqlDatabase = {
    ...db,
    query: wrap(db),
    async transaction(fn) {
      sent.push('BEGIN');
      try {
        const result = await db.transaction((tx) => fn({ query: wrap(tx) }));
        sent.push('COMMIT');
        return result;
      } catch (error) {
        sent.push('ROLLBACK');
        throw error;
      }
    },
    close: () => db.close(),
  };
  return { db: counted, sent };
}

interface Row {
  route: string;
  kit: number;
  directory: number;
  outbox: number;
}

/**
 * Every statement per request, the directory's and the outbox's included: one read of the user
 * with their memberships, the agent read once per request (its token check's record reused).
 */
const ALL_PER_REQUEST = 6;

/**
 * Statements the kit sends per route over a whole Technical Assistance flow. Budgets are
 * per-route counts of the kit's own statements (BEGIN/COMMIT included); the directory's reads
 * (the host's Core DB) and the dev outbox's insert (the notifier) are shown beside them.
 */
const BUDGET: Record<string, number> = {
  lookup: 2, // rate-limit upsert, audit (after the directory's answer)
  createSession: 1,
  selectEcosystem: 2, // whom the session is about (for the access re-check), the move
  sendAgentCode: 4, // whom (settled from here on: docs/security.md §2.12), BEGIN, the send statement, (notifier), COMMIT
  'verifyAgentCode (wrong)': 4, // BEGIN, reserve an attempt, audit, COMMIT
  verifyAgentCode: 4, // BEGIN, reserve an attempt, consume + advance + audit, COMMIT
  sendUserCode: 3,
  verifyUserCode: 4,
  createHandoff: 1,
  redeemHandoff: 2, // the pre-claim re-check, the claim
  getSession: 1,
  touch: 1,
  complete: 4, // the close, then the receipt owed (claim, handoffs read, audit)
  cancel: 2, // the close, then the receipt claim (none owed)
};

describe(`statements per request over the Technical Assistance flow (${BACKEND})`, () => {
  it(`stays within each route budget, averages at most 3 of the kit statements and ${ALL_PER_REQUEST} in all per request`, async () => {
    const { db, sent } = counting(await freshDatabase());
    const h = await harness({ database: db });
    const ana = await h.as(DEMO.agents.ana.id);
    const user = DEMO.users.admin;
    const rows: Row[] = [];
    async function measure<T>(route: string, run: () => Promise<T>): Promise<T> {
      const from = sent.length;
      const result = await run();
      const row: Row = { route, kit: 0, directory: 0, outbox: 0 };
      for (const text of sent.slice(from)) row[kindOf(text)] += 1;
      rows.push(row);
      return result;
    }
    const ok = async (response: Promise<{ status: number; body: unknown }>, status = 200) => {
      const r = await response;
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON shapes
      return r.body as any;
    };

    await measure('lookup', () =>
      ok(ana.post('/lookup', { email: user.email, flow: 'technical-assistance' })),
    );
    const session = await measure('createSession', () =>
      ok(ana.post('/sessions', { flow: 'technical-assistance', userId: user.id }), 201),
    );
    const id = session.id as string;
    await measure('selectEcosystem', () =>
      ok(ana.post(`/sessions/${id}/ecosystem`, { ecosystemId: DEMO.ecosystems.perez.id })),
    );
    await measure('sendAgentCode', () => ok(ana.post(`/sessions/${id}/agent-code`)));
    const agentCode = await latestCode(h.server, DEMO.agents.ana.email);
    const wrong = agentCode === '000000' ? '111111' : '000000';
    await measure('verifyAgentCode (wrong)', () =>
      ok(ana.post(`/sessions/${id}/agent-code/verify`, { code: wrong }), 422),
    );
    await measure('verifyAgentCode', () =>
      ok(ana.post(`/sessions/${id}/agent-code/verify`, { code: agentCode })),
    );
    await measure('sendUserCode', () => ok(ana.post(`/sessions/${id}/user-code`)));
    const userCode = await latestCode(h.server, user.email);
    await measure('verifyUserCode', () =>
      ok(ana.post(`/sessions/${id}/user-code/verify`, { code: userCode })),
    );
    const handoff = await measure('createHandoff', () =>
      ok(ana.post(`/sessions/${id}/handoffs`, { destination: 'web' }), 201),
    );
    const token = new URL(handoff.link).hash.replace('#token=', '');
    await measure('redeemHandoff', () =>
      ok(
        h.call('POST', '/handoffs/redeem', {
          body: { token },
          headers: { Origin: 'https://web.example', 'Sec-Fetch-Site': 'cross-site' },
        }),
      ),
    );
    await measure('getSession', () => ok(ana.get(`/sessions/${id}`)));
    await measure('touch', () => ok(ana.post(`/sessions/${id}/activity`)));
    await measure('complete', () => ok(ana.post(`/sessions/${id}/complete`)));
    const other = await ok(ana.post('/sessions', { flow: 'technical-assistance', userId: user.id }), 201);
    await measure('cancel', () =>
      ok(ana.post(`/sessions/${other.id}/cancel`, { reason: 'The user hung up.' })),
    );

    const kit = rows.reduce((sum, row) => sum + row.kit, 0);
    const all = rows.reduce((sum, row) => sum + row.kit + row.directory + row.outbox, 0);
    console.table([
      ...rows,
      { route: 'average', kit: kit / rows.length, directory: Number.NaN, outbox: Number.NaN },
    ]);
    console.log(`${BACKEND}: ${kit} kit statements, ${all} in all, over ${rows.length} requests`);
    for (const row of rows) expect(row.kit, row.route).toBeLessThanOrEqual(BUDGET[row.route] ?? 0);
    expect(kit / rows.length).toBeLessThanOrEqual(3);
    expect(all / rows.length).toBeLessThanOrEqual(ALL_PER_REQUEST);
  });
});
