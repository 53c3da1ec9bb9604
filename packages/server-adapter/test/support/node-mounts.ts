import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { toNodeListener } from '../../src/http/node.js';
import { closeAll, type Harness, harness } from '../helpers.js';

export interface NodeMountSuite {
  /** The file's harness (one for the whole file). */
  readonly h: Harness;
  /** Starts `server` on a loopback port, closed (connections too) after the file; returns the port. */
  listen(server: Server): Promise<number>;
  /** A plain `http.createServer(toNodeListener(…))` of the harness, listening; returns the port. */
  plain(): Promise<number>;
}

/**
 * The setup shared by the files that mount the kit on node:http: one harness, the servers they
 * start, and the teardown of both. Call it once at the top of the file.
 */
export function nodeMountSuite(): NodeMountSuite {
  let current: Harness | undefined;
  const servers: Server[] = [];
  beforeAll(async () => {
    current = await harness();
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await closeAll();
  });
  const suite: NodeMountSuite = {
    get h() {
      if (!current) throw new Error('nodeMountSuite: the harness is ready from beforeAll on');
      return current;
    },
    async listen(server) {
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    plain() {
      const { h } = suite;
      return suite.listen(createServer(toNodeListener(h.server.fetch, { logger: h.logger })));
    },
  };
  return suite;
}

/** Server-side sockets of `server` still open (a socket leaves the set when it closes). */
export function trackSockets(server: Server): Set<Socket> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  return open;
}

/** Waits up to `maxMs` for every tracked socket to close; returns how many are still open. */
export async function drained(open: Set<Socket>, maxMs = 15_000): Promise<number> {
  for (let waited = 0; open.size > 0 && waited < maxMs; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return open.size;
}
