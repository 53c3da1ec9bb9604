// A steady mixed load on the HTTP API, shared by the soak test and bench/soak.ts: whole Technical
// Assistance flows, lookups, wrong codes and cancels, each worker on its own agents and users so
// that the codes it reads from the dev outbox are its own. Bounded in request count and time.
import type { SqlExecutor } from '../../src/ports/index.js';
import type { HttpClient } from './http.js';

export interface Person {
  readonly id: string;
  readonly email: string;
}

export interface LoadAgent extends Person {
  readonly token: string;
}

const uuid = (kind: number, i: number) =>
  `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${i.toString(16).padStart(12, '0')}`;

/**
 * `n` active agents and `n` active users, each user administrator of `ecosystemId`. `label`
 * names them (`load-agent-0@…`, `Load Agent`) and `kinds` keeps the ids of two sets apart.
 */
export async function addLoadPeople(
  db: SqlExecutor,
  n: number,
  ecosystemId: string,
  label = 'load',
  kinds: readonly [agent: number, user: number] = [0xc, 0xd],
): Promise<{ agents: Person[]; users: Person[] }> {
  const name = `${label[0]?.toUpperCase()}${label.slice(1)}`;
  const agents = Array.from({ length: n }, (_, i) => ({
    id: uuid(kinds[0], i),
    email: `${label}-agent-${i}@support.waizant.local`,
  }));
  const users = Array.from({ length: n }, (_, i) => ({
    id: uuid(kinds[1], i),
    email: `${label}-user-${i}@example.com`,
  }));
  await db.query(
    `INSERT INTO core_agents (id, email, name, active)
     SELECT a.id::uuid, a.email, $2, true FROM json_to_recordset($1::json) AS a(id text, email text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(agents), `${name} Agent`],
  );
  await db.query(
    `INSERT INTO core_users (id, email, name, status)
     SELECT u.id::uuid, u.email, $2, 'active' FROM json_to_recordset($1::json) AS u(id text, email text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(users), `${name} User`],
  );
  await db.query(
    `INSERT INTO core_memberships (user_id, ecosystem_id, role, inherited)
     SELECT u.id::uuid, $2::uuid, 'administrator', false FROM json_to_recordset($1::json) AS u(id text, email text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(users), ecosystemId],
  );
  return { agents, users };
}

/** The routes a Technical Assistance flow calls, in order. */
export const FLOW_ROUTES = [
  'lookup',
  'createSession',
  'selectEcosystem',
  'sendAgentCode',
  'verifyAgentCode',
  'sendUserCode',
  'verifyUserCode',
  'createHandoff',
  'redeemHandoff',
] as const;
export type FlowRoute = (typeof FLOW_ROUTES)[number];

/** One POST of a flow, answered with its JSON body, or thrown when the status is not `expected`. */
export type FlowCall = (
  route: FlowRoute,
  agent: LoadAgent | null,
  path: string,
  expected: number,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the flow reads a few JSON fields
) => Promise<any>;

/**
 * lookup → create → ecosystem → agent code → verify → user code → verify → handoff → redeem,
 * shared by the soak load and bench/server.ts. Returns the session id.
 */
export async function technicalAssistanceFlow(
  call: FlowCall,
  codeFor: (email: string) => Promise<string>,
  agent: LoadAgent,
  user: Person,
  ecosystemId: string,
): Promise<string> {
  await call('lookup', agent, '/lookup', 200, { email: user.email, flow: 'technical-assistance' });
  const created = await call('createSession', agent, '/sessions', 201, {
    flow: 'technical-assistance',
    userId: user.id,
  });
  const s = `/sessions/${created.id}`;
  await call('selectEcosystem', agent, `${s}/ecosystem`, 200, { ecosystemId });
  await call('sendAgentCode', agent, `${s}/agent-code`, 200);
  await call('verifyAgentCode', agent, `${s}/agent-code/verify`, 200, { code: await codeFor(agent.email) });
  await call('sendUserCode', agent, `${s}/user-code`, 200);
  await call('verifyUserCode', agent, `${s}/user-code/verify`, 200, { code: await codeFor(user.email) });
  const handoff = await call('createHandoff', agent, `${s}/handoffs`, 201, { destination: 'web' });
  const token = new URL(handoff.link).hash.replace('#token=', '');
  await call('redeemHandoff', null, '/handoffs/redeem', 200, { token });
  return created.id as string;
}

/** Limits raised so the load measures the server, not its rate limiter (within core's bounds). */
export const LOAD_LIMITS = {
  lookupsPerAgentPerMinute: 1000,
  codeSendsPerUserPerHour: 100,
  codeSendsPerSessionPerHour: 100,
} as const;

export interface LoadOptions {
  readonly base: string;
  readonly agents: readonly LoadAgent[];
  readonly users: readonly Person[];
  readonly ecosystemId: string;
  readonly concurrency: number;
  /** Stops after this many requests… */
  readonly maxRequests: number;
  /** …or at this time (`performance.now()` ms), whichever comes first. */
  readonly deadline: number;
  readonly client: HttpClient;
}

export interface LoadTally {
  requests: number;
  errors5xx: number;
  /** Responses with another status than the step expects (4xx included). */
  unexpected: number;
  /** The first few unexpected answers, as `route status code`. */
  samples: string[];
  /** Milliseconds per request, since the last `drain()`. */
  latencies: number[];
  /** Workers' counts of each scenario. */
  scenarios: Record<string, number>;
}

export function emptyTally(): LoadTally {
  return { requests: 0, errors5xx: 0, unexpected: 0, samples: [], latencies: [], scenarios: {} };
}

class Stop extends Error {}

/** Runs the mixed load and returns its tally. Never throws for a bad answer: it counts it. */
export async function runMixedLoad(
  options: LoadOptions,
  tally: LoadTally = emptyTally(),
): Promise<LoadTally> {
  const { client, base } = options;
  const admit = () => {
    if (tally.requests >= options.maxRequests || performance.now() >= options.deadline) throw new Stop();
    tally.requests++;
  };
  async function call(
    agent: LoadAgent | null,
    method: 'GET' | 'POST',
    path: string,
    expected: number,
    body?: unknown,
    // biome-ignore lint/suspicious/noExplicitAny: the load reads a few JSON fields
  ): Promise<any> {
    admit();
    const started = performance.now();
    const response = await client.call(base, method, path, {
      ...(agent ? { token: agent.token } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    tally.latencies.push(performance.now() - started);
    if (response.status >= 500) tally.errors5xx++;
    if (response.status !== expected) {
      tally.unexpected++;
      if (tally.samples.length < 10)
        tally.samples.push(
          `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} ${response.status} ${response.body?.error?.code ?? ''}`,
        );
      throw new Error('unexpected');
    }
    return response.body;
  }
  async function latestCode(to: string): Promise<string> {
    const messages = await call(null, 'GET', `/dev/outbox?to=${encodeURIComponent(to)}`, 200);
    return /code is: (\d+)/.exec(messages.at(-1)?.text ?? '')?.[1] ?? '000000';
  }
  async function opened(agent: LoadAgent, user: Person): Promise<string> {
    const created = await call(agent, 'POST', '/sessions', 201, {
      flow: 'technical-assistance',
      userId: user.id,
    });
    await call(agent, 'POST', `/sessions/${created.id}/ecosystem`, 200, { ecosystemId: options.ecosystemId });
    return created.id as string;
  }
  const scenarios: Record<string, (agent: LoadAgent, user: Person) => Promise<void>> = {
    async flow(agent, user) {
      const post: FlowCall = (_route, who, path, expected, body) => call(who, 'POST', path, expected, body);
      const id = await technicalAssistanceFlow(post, latestCode, agent, user, options.ecosystemId);
      await call(agent, 'GET', `/sessions/${id}`, 200);
      await call(agent, 'POST', `/sessions/${id}/complete`, 200);
    },
    async lookups(agent, user) {
      await call(agent, 'POST', '/lookup', 200, { email: user.email, flow: 'technical-assistance' });
      await call(agent, 'POST', '/lookup', 200, {
        email: 'nobody@example.com',
        flow: 'technical-assistance',
      });
    },
    async wrongCodes(agent, user) {
      const id = await opened(agent, user);
      await call(agent, 'POST', `/sessions/${id}/agent-code`, 200);
      const code = await latestCode(agent.email);
      const wrong = code === '000000' ? '000001' : '000000';
      await call(agent, 'POST', `/sessions/${id}/agent-code/verify`, 422, { code: wrong });
      await call(agent, 'POST', `/sessions/${id}/agent-code/verify`, 422, { code: wrong });
      await call(agent, 'POST', `/sessions/${id}/cancel`, 200, { reason: 'caller gave wrong codes' });
    },
    async cancel(agent, user) {
      const id = await opened(agent, user);
      await call(agent, 'POST', `/sessions/${id}/cancel`, 200, { reason: 'caller hung up' });
    },
  };
  const order = ['flow', 'lookups', 'wrongCodes', 'flow', 'cancel'] as const;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      // Each worker owns every concurrency-th agent and user: no two workers share a mailbox.
      const mine = (list: readonly Person[]) => list.filter((_, i) => i % options.concurrency === worker);
      const agents = mine(options.agents) as LoadAgent[];
      const users = mine(options.users);
      for (let i = 0; ; i++) {
        const name = order[i % order.length]!;
        try {
          await scenarios[name]!(agents[i % agents.length]!, users[i % users.length]!);
          tally.scenarios[name] = (tally.scenarios[name] ?? 0) + 1;
        } catch (error) {
          if (error instanceof Stop) return;
          if (!(error instanceof Error && error.message === 'unexpected')) throw error;
        }
      }
    }),
  );
  return tally;
}
