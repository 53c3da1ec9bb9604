import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server wrote, as Latin-1 so any byte survives. */
  readonly text: string;
  /** Status codes of the answers, in order. */
  readonly statuses: number[];
  /** Whether the server closed the connection before `timeoutMs`. */
  readonly closed: boolean;
}

/** Status lines at the start of the stream or after a complete answer. */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/(?:^|\r\n|\})HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

/**
 * Sends `parts` over a raw TCP socket (so malformed bytes really go out), half-closes unless
 * `keepOpen`, and collects what comes back until the server closes or `timeoutMs` passes.
 */
export function rawExchange(
  port: number,
  parts: ReadonlyArray<string | Buffer>,
  options: { timeoutMs?: number; keepOpen?: boolean } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: statusesOf(text), closed });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 10_000);
    socket.on('data', (data) => chunks.push(data));
    // A reset after the server answered (it refused to read the rest) still counts as closed.
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
      if (!options.keepOpen) socket.end();
    });
  });
}

/** One plain GET, answered 200 when the server is alive and well. */
export async function healthy(port: number, path = '/openapi.json'): Promise<boolean> {
  const r = await rawExchange(port, [`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`]);
  return r.statuses[0] === 200;
}
