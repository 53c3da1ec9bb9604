import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type NodeMountOptions, toNodeListener } from './node-listener.js';
import { badRequest, type EdgeAnswer, KIT_METHODS, methodNotAllowed } from './respond.js';

export interface NodeServerOptions extends NodeMountOptions {
  /** Time to receive a request's headers (default 10 s; Node's own is 60 s). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, body included (default 30 s; Node's own is 5 min). */
  readonly requestTimeoutMs?: number;
  /** Idle time a kept-alive connection waits for its next request (default 5 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Largest request head accepted (default 16 KiB); larger heads are answered 431. */
  readonly maxHeaderBytes?: number;
  /** How often the two request timeouts are checked (default 1 s; Node's own is 30 s). */
  readonly timeoutCheckIntervalMs?: number;
}

const DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  timeoutCheckIntervalMs: 1_000,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** An answer written straight to a socket that has no request object (see `clientError`). */
function raw(answer: EdgeAnswer): string {
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(answer.headers)) head.push(`${name}: ${value}`);
  head.push(`Content-Length: ${Buffer.byteLength(answer.body)}`, 'Connection: close');
  return `${head.join('\r\n')}\r\n\r\n${answer.body}`;
}

/**
 * Writes `answer` and closes the socket once it is flushed (or after 5 s): a socket nobody reads
 * from any more would never notice the client leaving, and would stay open for good.
 */
function answerAndClose(socket: Duplex, answer: EdgeAnswer): void {
  socket.end(raw(answer), () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), 5_000).unref();
  socket.once('close', () => clearTimeout(timer));
}

function clientErrorAnswer(code: string | undefined): EdgeAnswer {
  if (code === 'HPE_HEADER_OVERFLOW')
    return { ...badRequest('The request headers are too large.'), status: 431 };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { ...badRequest('The request took too long to arrive.'), status: 408 };
  return badRequest('Malformed HTTP request.');
}

/**
 * Gives a Node server the kit's edge settings: bounded header and request times, and a
 * `clientError` handler that answers what Node's parser refuses (400, 408, 431) or closes the
 * socket when nothing can be written. Use it on a server you create yourself (an Express
 * `app.listen(...)`); `createNodeServer` applies it for you.
 */
export function hardenNodeServer(server: Server, options: NodeServerOptions = {}): Server {
  server.headersTimeout = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs;
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    try {
      const busy = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
      if (error.code === 'ECONNRESET' || !socket.writable || busy) {
        socket.destroy();
        return;
      }
      answerAndClose(socket, clientErrorAnswer(error.code));
    } catch {
      socket.destroy();
    }
  });
  // Without a 'connect' listener Node drops CONNECT requests unanswered; the kit serves none.
  if (server.listenerCount('connect') === 0) {
    server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      answerAndClose(socket, methodNotAllowed(KIT_METHODS));
    });
  }
  return server;
}

/**
 * A Node `http.Server` serving `fetchHandler` through `toNodeListener`, hardened by
 * `hardenNodeServer`. Call `.listen(port)` on it.
 */
export function createNodeServer(
  fetchHandler: (req: Request) => Promise<Response>,
  options: NodeServerOptions = {},
): Server {
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
      connectionsCheckingInterval: options.timeoutCheckIntervalMs ?? DEFAULTS.timeoutCheckIntervalMs,
    },
    toNodeListener(fetchHandler, options),
  );
  return hardenNodeServer(server, options);
}
