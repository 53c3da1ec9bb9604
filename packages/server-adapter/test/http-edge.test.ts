import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createNodeServer, toNodeListener } from '../src/http/node.js';
import { BASE, CapturingLogger, DEMO } from './helpers.js';
import { drained, nodeMountSuite, trackSockets } from './support/node-mounts.js';
import { healthy, rawExchange } from './support/raw-http.js';

const suite = nodeMountSuite();
const { listen } = suite;

describe('the Fetch handler', () => {
  it('answers a known path asked with another method 405 with that path’s Allow, and an unknown path 404', async () => {
    const put = await suite.h.server.fetch(new Request(`${BASE}/lookup`, { method: 'PUT' }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST, OPTIONS');
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    const get = await suite.h.server.fetch(new Request(`${BASE}/sessions/abc/cancel`));
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const del = await suite.h.server.fetch(new Request(`${BASE}/openapi.json`, { method: 'DELETE' }));
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect((await suite.h.server.fetch(new Request(`${BASE}/nope`, { method: 'PUT' }))).status).toBe(404);
  });
});

describe('the Node mount', () => {
  it('answers a clear 500 once a body parser consumed the body (Express + express.json()), and logs it once', async () => {
    const logger = new CapturingLogger();
    const app = express();
    app.use(express.json());
    app.use('/support', toNodeListener(suite.h.server.fetch, { logger }));
    const port = await listen(createServer(app));
    const token = await suite.h.server.issueAgentToken(DEMO.agents.ana.id);
    const post = () =>
      fetch(`http://127.0.0.1:${port}/support/lookup`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: DEMO.users.admin.email, flow: 'technical-assistance' }),
      });
    for (const r of [await post(), await post()]) {
      expect(r.status).toBe(500);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('internal');
      expect(body.error.message).toMatch(/body parser consumed the request body/);
    }
    expect(logger.lines.filter((l) => l.includes('body parser'))).toHaveLength(1);
    // GETs are untouched by the parser and still served.
    expect((await fetch(`http://127.0.0.1:${port}/support/openapi.json`)).status).toBe(200);
  });

  it('turns a failing handler into a 500 { code: internal } without stack, one log line, and stays up', async () => {
    const logger = new CapturingLogger();
    const port = await listen(
      createServer(
        toNodeListener(
          async (req) => {
            if (new URL(req.url).pathname === '/boom') throw new TypeError('secret detail');
            return new Response('ok');
          },
          { logger },
        ),
      ),
    );
    const r = await fetch(`http://127.0.0.1:${port}/boom`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: { code: 'internal', message: 'Something went wrong.' } });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('TypeError');
    expect(logger.lines[0]).not.toContain('secret detail');
    expect((await fetch(`http://127.0.0.1:${port}/fine`)).status).toBe(200);
  });

  it('refuses a declared oversized body with 413 and Connection: close, without reading the rest', async () => {
    const server = createServer(toNodeListener(suite.h.server.fetch, { logger: suite.h.logger }));
    const open = trackSockets(server);
    const port = await listen(server);
    const total = 4 * 1024 * 1024;
    const r = await rawExchange(
      port,
      [
        `POST /handoffs/redeem HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`,
        Buffer.alloc(total, 'a'),
      ],
      { keepOpen: true },
    );
    expect(r.statuses).toEqual([413]);
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(await drained(open)).toBe(0);
    expect(await healthy(port)).toBe(true);
  });

  it('never reads more than a bounded part of a body it refused', async () => {
    const server = createServer(toNodeListener(suite.h.server.fetch, { logger: suite.h.logger }));
    let bytesRead = 0;
    server.on('connection', (socket: Socket) => socket.on('close', () => (bytesRead = socket.bytesRead)));
    const open = trackSockets(server);
    const port = await listen(server);
    const total = 8 * 1024 * 1024;
    await rawExchange(
      port,
      [
        `POST /handoffs/redeem HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`,
        Buffer.alloc(total, 'a'),
      ],
      { keepOpen: true },
    );
    expect(await drained(open)).toBe(0);
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(total / 4);
  });

  it('closes slow headers and slow bodies (createNodeServer timeouts) and aborted bodies, leaving no socket open', async () => {
    const logger = new CapturingLogger();
    const server = createNodeServer(suite.h.server.fetch, {
      logger,
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 1_500,
      timeoutCheckIntervalMs: 250,
    });
    const open = trackSockets(server);
    const port = await listen(server);
    const slowHeaders = await rawExchange(port, ['GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n'], {
      keepOpen: true,
      timeoutMs: 20_000,
    });
    expect(slowHeaders.closed).toBe(true);
    const slowBody = await rawExchange(
      port,
      [
        'POST /handoffs/redeem HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"to',
      ],
      { keepOpen: true, timeoutMs: 20_000 },
    );
    expect(slowBody.closed).toBe(true);
    expect(slowBody.statuses.every((s) => s === 408 || s === 400)).toBe(true);
    // Aborted: the client leaves mid-body.
    const aborted = await rawExchange(
      port,
      [
        'POST /handoffs/redeem HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"to',
      ],
      { keepOpen: true, timeoutMs: 300 },
    );
    expect(aborted.closed).toBe(false);
    expect(await drained(open)).toBe(0);
    expect(await healthy(port)).toBe(true);
    expect(logger.lines.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });
});
