import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LambdaFunction = (event: unknown) => Promise<unknown>;
/** What the endpoint does with the next request, before running the function. */
export type Fault = { throttle: { retryAfterSeconds: number } } | { delayResponseMs: number };

export interface LocalLambda {
  readonly endpoint: string;
  readonly requests: { name: string; body: string; headers: IncomingHttpHeaders }[];
  /** Faults applied to the next requests, in order. */
  readonly faults: Fault[];
  stop(): Promise<void>;
}

/** A minimal Lambda Invoke endpoint on 127.0.0.1 (POST /2015-03-31/functions/{name}/invocations). */
export async function startLocalLambda(functions: Record<string, LambdaFunction>): Promise<LocalLambda> {
  const requests: LocalLambda['requests'] = [];
  const faults: Fault[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split('?')[0] ?? '');
    const name = decodeURIComponent(match?.[1] ?? '');
    requests.push({ name, body, headers: req.headers });
    const reply = (status: number, headers: Record<string, string>, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const fault = faults.shift();
    if (fault && 'throttle' in fault) {
      return reply(
        429,
        {
          'x-amzn-errortype': 'TooManyRequestsException',
          'retry-after': String(fault.throttle.retryAfterSeconds),
        },
        { Type: 'User', message: 'Rate Exceeded.', Reason: 'ConcurrentInvocationLimitExceeded' },
      );
    }
    const fn = req.method === 'POST' && match ? functions[name] : undefined;
    if (!fn) {
      return reply(
        404,
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
        {
          Type: 'User',
          message: `Function not found: ${name}`,
        },
      );
    }
    let status = 200;
    let headers: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
    let payload: unknown;
    try {
      payload = await fn(JSON.parse(body));
    } catch (error) {
      const handled = error instanceof Error && 'handled' in error;
      headers = { ...headers, 'x-amz-function-error': handled ? 'Handled' : 'Unhandled' };
      payload = { errorType: 'Error', errorMessage: error instanceof Error ? error.message : 'failed' };
      status = 200;
    }
    if (fault && 'delayResponseMs' in fault) await new Promise((r) => setTimeout(r, fault.delayResponseMs));
    reply(status, headers, payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
