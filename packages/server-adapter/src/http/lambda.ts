import { Hono } from 'hono';
import { type APIGatewayProxyResult, handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';

export type { APIGatewayProxyResult, LambdaContext, LambdaEvent };

/**
 * Mounts a Fetch handler as an AWS Lambda handler (API Gateway v2 HTTP API or a function URL).
 * Pass a promise to build the server once per cold start.
 */
export function toLambdaHandler(
  fetchHandler: ((req: Request) => Promise<Response>) | Promise<(req: Request) => Promise<Response>>,
): (event: LambdaEvent, context?: LambdaContext) => Promise<APIGatewayProxyResult> {
  const ready = Promise.resolve(fetchHandler);
  const app = new Hono();
  app.all('*', async (c) => (await ready)(c.req.raw));
  const handler = handle(app);
  return (event, context) => handler(event, context) as Promise<APIGatewayProxyResult>;
}
