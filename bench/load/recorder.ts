// The driver's HTTP client (node:http, one keep-alive Agent, no fetch) and its tally of latencies
// by route. A request is timed from the call to the last byte of the body.
import { Agent, request } from 'node:http';
import type { DriverResult } from './ipc.js';

export class Recorder {
  samples: Record<string, number[]> = {};
  requests = 0;
  errors5xx = 0;
  unexpected = 0;
  units = 0;
  failures: string[] = [];
  /** False during the warm-up: nothing is recorded. */
  on = false;

  record(route: string, ms: number, status: number, expected: number) {
    if (!this.on) return;
    this.requests++;
    const list = this.samples[route] ?? [];
    list.push(ms);
    this.samples[route] = list;
    if (status >= 500) this.errors5xx++;
    if (status !== expected) this.unexpected++;
  }

  fail(message: string) {
    if (this.on && this.failures.length < 10) this.failures.push(message);
  }

  result(seconds: number, cpuMs: number): DriverResult {
    const { units, requests, errors5xx, unexpected, failures, samples } = this;
    return { seconds, units, requests, errors5xx, unexpected, failures, samples, cpuMs };
  }
}

export interface Reply {
  status: number;
  text: string;
}

/** POSTs JSON over node:http with a keep-alive Agent of `sockets` connections. */
export function httpClient(base: string, sockets: number) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const prefix = url.pathname.replace(/\/$/, '');
  return {
    post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
      const data = JSON.stringify(body ?? {});
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: `${prefix}${path}`,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(data),
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** A timed POST that records under `route` and throws when the status is not `expected`. */
export function timedPost(rec: Recorder, client: ReturnType<typeof httpClient>) {
  return async (
    route: string,
    path: string,
    expected: number,
    body: unknown,
    headers: Record<string, string> = {},
    // biome-ignore lint/suspicious/noExplicitAny: the flows read a few JSON fields
  ): Promise<any> => {
    const t = performance.now();
    const reply = await client.post(path, body, headers);
    rec.record(route, performance.now() - t, reply.status, expected);
    if (reply.status !== expected) {
      // Only the route and the error code: never a code or a token.
      let code = '';
      try {
        code = JSON.parse(reply.text)?.error?.code ?? JSON.parse(reply.text)?.code ?? '';
      } catch {}
      rec.fail(`${route} → ${reply.status} ${code}`);
      throw new Error(`${route} → ${reply.status}`);
    }
    return reply.text ? JSON.parse(reply.text) : null;
  };
}
