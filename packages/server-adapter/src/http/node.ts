import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Mounts a Fetch handler as a Node `http` request listener (also usable as Express middleware:
 * `app.use('/support', toNodeListener(server.fetch))`, with no body parser before it).
 */
export function toNodeListener(
  fetchHandler: (req: Request) => Promise<Response>,
  options: { baseUrl?: string } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const host = req.headers.host ?? 'localhost';
    const base = options.baseUrl ?? `http://${host}`;
    const url = new URL((req as IncomingMessage & { url?: string }).url ?? '/', base);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(url, {
      method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit);
    fetchHandler(request)
      .then(async (response) => {
        res.statusCode = response.status;
        response.headers.forEach((value, name) => {
          res.setHeader(name, value);
        });
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { code: 'internal', message: 'Something went wrong.' } }));
      });
  };
}
