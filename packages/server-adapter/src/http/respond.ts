import { SupportError } from '@waizant/support-core';

/** Sent on every response of the kit, including the ones its mounts answer on their own. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-site',
};

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Every method the kit serves on some path: what a mount answers in `Allow` for a method it refuses outright. */
export const KIT_METHODS = 'GET, HEAD, POST, OPTIONS';

/**
 * Methods handed to the Fetch handler, which answers 404/405 for the ones a path does not serve.
 * Any other method is refused by the mount before a `Request` exists: undici throws on some
 * (TRACE, TRACK, CONNECT) and the kit serves none of them.
 */
export const PASSED_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'OPTIONS',
  'PUT',
  'PATCH',
  'DELETE',
]);

/** A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
export const HOST =
  /^(?:[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': JSON_TYPE, ...SECURITY_HEADERS, ...extra },
  });
}

export function errorResponse(error: SupportError, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { ...extra };
  if (error.details?.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(error.details.retryAfterSeconds);
  if (error.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer';
  return json(error.status, error.toBody(), headers);
}

/**
 * The bodies the mounts answer without the Fetch handler, as plain status + headers + text so a
 * mount can write them even where building a `Request`/`Response` is what failed.
 */
export interface EdgeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function edge(status: number, error: SupportError, extra: Record<string, string> = {}): EdgeAnswer {
  return {
    status,
    headers: { 'Content-Type': JSON_TYPE, ...SECURITY_HEADERS, ...extra },
    body: JSON.stringify(error.toBody()),
  };
}

/**
 * A method no route of the kit serves. The contract has no dedicated code for it, so the body
 * says `invalid_input` while the status and `Allow` say what HTTP clients look for.
 */
export function methodNotAllowed(allow: string): EdgeAnswer {
  return edge(405, new SupportError('invalid_input', 'This method is not allowed here.'), { Allow: allow });
}

export function badRequest(message: string): EdgeAnswer {
  return edge(400, new SupportError('invalid_input', message));
}

export function internalError(message = 'Something went wrong.'): EdgeAnswer {
  return edge(500, new SupportError('internal', message));
}

export function toResponse(answer: EdgeAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
