import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EmbeddedSupportServer } from '../../src/embedded.js';
import { toNodeListener } from '../../src/http/node.js';
import type { ApiResponse } from '../helpers.js';

/** One server instance listening on loopback, as a host would mount it with `toNodeListener`. */
export interface Listening {
  readonly base: string;
  readonly server: Server;
  /** Sockets the server holds open now (keep-alive included). */
  openSockets(): number;
  close(): Promise<void>;
}

export async function listen(support: EmbeddedSupportServer): Promise<Listening> {
  const server = createServer(toNodeListener(support.fetch));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    server,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpCall {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A keep-alive `node:http` client to loopback servers: what a host's proxy or a browser would send. */
export class HttpClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  call(base: string, method: 'GET' | 'POST', path: string, options: HttpCall = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = method === 'POST' ? JSON.stringify(options.body ?? {}) : undefined;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === 'string') responseHeaders.set(name, value);
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: text ? JSON.parse(text) : null,
              headers: responseHeaders,
            });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Status and error code of each response, e.g. `422 code_invalid`, to count outcomes. */
export function outcomes(responses: readonly ApiResponse[]): string[] {
  return responses.map((r) => `${r.status} ${r.body?.error?.code ?? 'ok'}`);
}

export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
