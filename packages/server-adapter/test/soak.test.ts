import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND, closeAll, DEMO, harness } from './helpers.js';
import { HttpClient, listen } from './support/http.js';
import { addLoadPeople, LOAD_LIMITS, type LoadAgent, runMixedLoad } from './support/mixed-load.js';

// The short soak: a fixed number of mixed requests over keep-alive loopback HTTP, then every
// socket and handle the load opened must be gone. The 10-minute version is bench/soak.ts.
const REQUESTS = 400;
const WORKERS = 8;

afterAll(closeAll);

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Polls `condition` (bounded): idle pooled connections and closing sockets go away on their own. */
async function settle(condition: () => boolean, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe(`short soak (${BACKEND})`, () => {
  it(`${REQUESTS} mixed requests: no 5xx, no unexpected answer, sockets and handles back to the baseline`, async () => {
    const h = await harness({ limits: LOAD_LIMITS });
    const { agents, users } = await addLoadPeople(h.server.database, 4 * WORKERS, DEMO.ecosystems.perez.id);
    const withTokens: LoadAgent[] = [];
    for (const agent of agents)
      withTokens.push({ ...agent, token: await h.server.issueAgentToken(agent.id) });
    const http = await listen(h.server);
    const load = (client: HttpClient, maxRequests: number) =>
      runMixedLoad({
        base: http.base,
        agents: withTokens,
        users,
        ecosystemId: DEMO.ecosystems.perez.id,
        concurrency: WORKERS,
        maxRequests,
        deadline: performance.now() + 180_000,
        client,
      });

    // Warm-up, so the baseline holds what a running server keeps (pooled connections, timers).
    const warm = new HttpClient();
    await load(warm, 60);
    warm.close();
    await settle(() => http.openSockets() === 0);
    const baseline = handles();
    expect(http.openSockets()).toBe(0);

    const client = new HttpClient();
    const tally = await load(client, REQUESTS);
    expect(http.openSockets()).toBeGreaterThan(0);
    client.close();

    expect(tally.requests).toBe(REQUESTS);
    expect(tally.errors5xx).toBe(0);
    expect(tally.unexpected, tally.samples.join('; ')).toBe(0);
    expect(tally.scenarios.flow).toBeGreaterThan(0);
    expect(tally.scenarios.wrongCodes).toBeGreaterThan(0);

    await settle(() => http.openSockets() === 0 && total(handles()) <= total(baseline));
    expect(http.openSockets()).toBe(0);
    const after = handles();
    for (const [type, n] of Object.entries(after))
      expect(n, `${type}: ${JSON.stringify({ baseline, after })}`).toBeLessThanOrEqual(baseline[type] ?? 0);
    await http.close();
  });
});
