import type { APIGatewayProxyResult, LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { consoleLogger, type Logger } from '../ports/index.js';
import { type EventKind, requestFromEvent } from './lambda-event.js';
import { type EdgeAnswer, internalError } from './respond.js';

export type { APIGatewayProxyResult, LambdaContext, LambdaEvent };

type FetchHandler = (req: Request) => Promise<Response>;

/** The proxy result API Gateway (v1 and v2) and function URLs accept. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  /** REST API only: the cookies the handler set. */
  multiValueHeaders?: Record<string, string[]>;
  /** Payload 2.0 only: the cookies the handler set. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

export interface LambdaMountOptions {
  /** Receives one line per unexpected error (name only, never a request's content). */
  readonly logger?: Logger;
}

/** Content types sent as text; anything else goes base64-encoded. */
const TEXT_TYPE = /^(?:text\/|application\/(?:[\w.+-]*\+)?json\b)/i;

function fromAnswer(answer: EdgeAnswer): LambdaHttpResult {
  return {
    statusCode: answer.status,
    headers: { ...answer.headers },
    body: answer.body,
    isBase64Encoded: false,
  };
}

async function toResult(kind: EventKind, response: Response): Promise<LambdaHttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const bytes = Buffer.from(await response.arrayBuffer());
  const asText = bytes.byteLength === 0 || TEXT_TYPE.test(response.headers.get('content-type') ?? '');
  const result: LambdaHttpResult = {
    statusCode: response.status,
    headers,
    body: asText ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: !asText,
  };
  if (cookies.length === 0) return result;
  return kind === 'v2' ? { ...result, cookies } : { ...result, multiValueHeaders: { 'set-cookie': cookies } };
}

/**
 * Mounts a Fetch handler as an AWS Lambda handler for API Gateway (REST API, HTTP API payload
 * 1.0 and 2.0) and function URL events. Pass a promise to build the server once per cold start.
 * It always resolves: a malformed event gets a 4xx, any other failure a 500
 * `{ error: { code: 'internal' } }` with one log line.
 */
export function toLambdaHandler(
  fetchHandler: FetchHandler | Promise<FetchHandler>,
  options: LambdaMountOptions = {},
): (event: LambdaEvent | unknown, context?: LambdaContext) => Promise<LambdaHttpResult> {
  const logger = options.logger ?? consoleLogger();
  const ready = Promise.resolve(fetchHandler);
  // A failed cold start is reported per invocation below, not as an unhandled rejection.
  ready.catch(() => {});
  return async (event) => {
    try {
      const built = requestFromEvent(event);
      if (!('request' in built)) return fromAnswer(built);
      const response = await (await ready)(built.request);
      return await toResult(built.kind, response);
    } catch (error) {
      try {
        logger.error('unexpected error at the HTTP edge', {
          error: error instanceof Error ? error.name : typeof error,
        });
      } catch {
        // A failing logger must not turn the answer into a rejection.
      }
      return fromAnswer(internalError());
    }
  };
}
