import type { IncomingMessage } from 'node:http';

const noop = () => {};

/**
 * The request body as a web stream that reads the socket only when asked (one chunk at a time),
 * so a consumer that stops at its limit leaves the rest unread. Closing, erroring or cancelling
 * settles it once; no later socket event touches the controller (unlike `Readable.toWeb`, whose
 * late `enqueue` after a cancel throws outside any handler on Node 20).
 */
export function nodeBodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let settled = false;

  const detach = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
    req.pause();
  };
  const settle = (finish: (c: ReadableStreamDefaultController<Uint8Array>) => void) => {
    if (settled) return;
    settled = true;
    detach();
    try {
      if (controller) finish(controller);
    } catch {
      // Already closed by the consumer: nothing left to tell it.
    }
  };
  function onData(chunk: Buffer) {
    if (settled || !controller) return;
    try {
      controller.enqueue(new Uint8Array(chunk));
      if ((controller.desiredSize ?? 0) <= 0) req.pause();
    } catch {
      settle(noop);
    }
  }
  function onEnd() {
    settle((c) => c.close());
  }
  function onClose() {
    // 'close' before 'end': the client broke the body off.
    settle((c) => c.error(new Error('request body aborted')));
  }

  // A permanent listener: a socket error on the request must never become an uncaught 'error'.
  req.on('error', onClose);
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        req.pause();
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('close', onClose);
      },
      pull() {
        if (!settled) req.resume();
      },
      cancel() {
        settle(noop);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Whether something before the kit (a body parser) has already read this request's body: the
 * stream has been read from or has ended. Body parsers also mark `req._body`.
 */
export function bodyConsumed(req: IncomingMessage): boolean {
  return req.readableDidRead || req.readableEnded || (req as { _body?: unknown })._body === true;
}
