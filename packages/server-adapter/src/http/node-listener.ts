import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleLogger, type Logger } from '../ports/index.js';
import { bodyConsumed, nodeBodyStream } from './node-body.js';
import {
  badRequest,
  type EdgeAnswer,
  HOST,
  internalError,
  KIT_METHODS,
  methodNotAllowed,
  PASSED_METHODS,
} from './respond.js';

export interface NodeMountOptions {
  /** Origin of the URLs the handler sees (e.g. `https://support.example`); default `http://{Host}`. */
  readonly baseUrl?: string;
  /** Receives one line per unexpected error (name only, never a request's content). */
  readonly logger?: Logger;
}

type FetchHandler = (req: Request) => Promise<Response>;

const noop = () => {};

function requestUrl(req: IncomingMessage, fixedOrigin: string | undefined): URL | null {
  const target = req.url ?? '/';
  let origin = fixedOrigin;
  if (origin === undefined) {
    const host = req.headers.host ?? 'localhost';
    if (!HOST.test(host)) return null;
    origin = `http://${host}`;
  }
  try {
    // Origin-form is appended, never resolved, so `//other/x` stays a path on this origin.
    if (target.startsWith('/')) return new URL(origin + target);
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      return new URL(origin + absolute.pathname + absolute.search);
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * Mounts a Fetch handler as a Node `http` request listener (also usable as Express middleware:
 * `app.use('/support', toNodeListener(server.fetch))`, with no body parser before it).
 * Nothing a client sends throws out of it: refused requests get a 4xx, and any other failure a
 * 500 `{ error: { code: 'internal' } }` with one log line.
 */
export function toNodeListener(
  fetchHandler: FetchHandler,
  options: NodeMountOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const logger = options.logger ?? consoleLogger();
  const fixedOrigin = options.baseUrl === undefined ? undefined : new URL(options.baseUrl).origin;
  let toldConsumed = false;

  function send(req: IncomingMessage, res: ServerResponse, answer: EdgeAnswer): void {
    write(req, res, answer.status, { ...answer.headers }, answer.body);
  }

  function write(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string | string[]>,
    body: string | Buffer,
  ): void {
    if (res.headersSent || res.destroyed) return;
    if (req.method !== 'HEAD' && headers['content-length'] === undefined)
      headers['content-length'] = String(Buffer.byteLength(body));
    // Answered before the client finished sending (e.g. a refused body): do not read the rest.
    if (!req.complete) {
      headers.connection = 'close';
      const socket = req.socket;
      res.once('finish', () => {
        // Node closes after a `Connection: close` answer once it is flushed; this bounds a
        // client that neither reads the answer nor stops sending.
        const timer = setTimeout(() => socket.destroy(), 5_000).unref();
        socket.once('close', () => clearTimeout(timer));
      });
    }
    res.writeHead(status, headers);
    res.end(body);
  }

  function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    try {
      logger.error('unexpected error at the HTTP edge', {
        error: error instanceof Error ? error.name : typeof error,
      });
    } catch {
      // A failing logger must not take the answer down with it.
    }
    try {
      if (res.headersSent) res.destroy();
      else {
        const answer = internalError();
        write(req, res, answer.status, { ...answer.headers, connection: 'close' }, answer.body);
      }
    } catch {
      res.destroy();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Let the parser finish the current packet first, so `req.complete` is true for a request
    // that has no body or has already arrived whole.
    await null;
    const method = req.method ?? '';
    if (!PASSED_METHODS.has(method)) return send(req, res, methodNotAllowed(KIT_METHODS));
    const url = requestUrl(req, fixedOrigin);
    if (!url) return send(req, res, badRequest('Malformed Host header or request target.'));
    const headers = new Headers();
    try {
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
    } catch {
      return send(req, res, badRequest('Malformed request header.'));
    }
    let body: ReadableStream<Uint8Array> | undefined;
    if (method === 'POST') {
      if (bodyConsumed(req)) {
        if (!toldConsumed) {
          toldConsumed = true;
          logger.error('request body consumed before the support kit: mount it before any body parser');
        }
        return send(
          req,
          res,
          internalError(
            'A body parser consumed the request body before the Waizant Support Kit; mount the kit before any body parser.',
          ),
        );
      }
      body = nodeBodyStream(req);
    }
    let request: Request;
    try {
      request = new Request(url, {
        method,
        headers,
        ...(body ? { body, duplex: 'half' } : {}),
      } as RequestInit);
    } catch {
      await body?.cancel().catch(noop);
      return send(req, res, badRequest('Malformed request.'));
    }
    const response = await fetchHandler(request);
    const payload = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') out[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    write(req, res, response.status, out, payload);
  }

  return (req, res) => {
    try {
      // Late write errors (client gone) must not surface as uncaught 'error' events.
      res.on('error', noop);
      req.on('error', noop);
      handle(req, res).catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };
}
