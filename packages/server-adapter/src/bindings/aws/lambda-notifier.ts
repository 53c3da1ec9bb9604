import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SupportError } from '@waizant/support-core';
import type { Logger, Notification, NotificationKind, Notifier } from '../../ports/index.js';
import { silentLogger } from '../../ports/index.js';
import { EmailPayloadSchema } from './email-payload-schema.js';
import {
  type BackoffOptions,
  backoffDelay,
  defaultSleep,
  errorName,
  httpStatusOf,
  isThrottling,
} from './retry.js';

/** Only `send` is used; the real client fits. */
export type LambdaClientLike = Pick<LambdaClient, 'send'>;

export interface LambdaNotifierFunctions {
  /** Function that e-mails the agent's step-up code (`agent_code`). */
  readonly agentCode: string;
  /** Function that e-mails the user's code (`user_code`). */
  readonly userCode: string;
  /** Function that e-mails the handoff / assisted-session notice and receipt (`assisted_session_started`, `assisted_session_receipt`). */
  readonly handoff: string;
}

interface CommonOptions {
  readonly functions: LambdaNotifierFunctions;
  readonly logger?: Logger;
  /** Backoff for throttled invokes (default 4 attempts, 200 ms base, 5 s cap; Retry-After honoured up to the cap). */
  readonly backoff?: Partial<BackoffOptions>;
  /**
   * Retry once, with the same issueId, after a timeout or a network error (the function may have
   * run): safe only because the e-mail function dedupes on issueId. Default true.
   */
  readonly retryAfterTimeout?: boolean;
}

export type LambdaNotifierOptions = CommonOptions &
  (
    | {
        /** Build it with `maxAttempts: 1`: this notifier does its own, safe, retries. */
        readonly client: LambdaClientLike;
      }
    | {
        readonly region: string;
        readonly endpoint?: string;
        /** Client-side timeout; keep it above the function's own timeout (docs/security.md §3 rule 23). Default 15 s. */
        readonly requestTimeoutMs?: number;
      }
  );

const FUNCTION_FOR: Readonly<Record<NotificationKind, keyof LambdaNotifierFunctions>> = {
  agent_code: 'agentCode',
  user_code: 'userCode',
  assisted_session_started: 'handoff',
  // The receipt goes through the same function as the notice it follows.
  assisted_session_receipt: 'handoff',
  // The App link e-mailed to the user belongs to the handoff too.
  handoff_qr: 'handoff',
};

function isTimeoutOrNetwork(error: unknown): boolean {
  const name = errorName(error);
  if (['TimeoutError', 'RequestTimeout', 'AbortError'].includes(name)) return true;
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : '';
  return (
    ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(code) && httpStatusOf(error) === undefined
  );
}

/**
 * The function's answer must say the e-mail was accepted by the mail service, now (`sent`) or by
 * an earlier invoke (`duplicate`): a 200 alone is not proof, a function can return anything.
 */
function confirmsSent(payload: Uint8Array | undefined): boolean {
  if (!payload || payload.length === 0 || payload.length > 1024) return false;
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof body !== 'object' || body === null) return false;
    const status = (body as { status?: unknown }).status;
    return status === 'sent' || status === 'duplicate';
  } catch {
    return false;
  }
}

function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const seconds = 'retryAfterSeconds' in error ? Number(error.retryAfterSeconds) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * `Notifier` over AWS Lambda `Invoke` (RequestResponse). Success is `StatusCode === 200`, no
 * `FunctionError` and a payload `{"status":"sent"}` or `{"status":"duplicate"}` (the reference
 * e-mail Lambda's answers); anything else — an in-flight duplicate, which that function refuses,
 * included — throws `SupportError('upstream_unavailable', 'send failed')`.
 *
 * Duplicates: the SDK's own retries are off (`maxAttempts: 1`). This notifier retries
 * (a) throttling (429 / TooManyRequestsException: the function did not run) with backoff, and
 * (b) at most once after a timeout or network error, re-sending the same `issueId`, which the
 * e-mail function dedupes. A `FunctionError` is never retried here: the caller rolls back and the
 * agent may resend. No `LogType: 'Tail'`; logs carry the issueId, kind and function only.
 */
export function createLambdaNotifier(options: LambdaNotifierOptions): Notifier {
  const logger = options.logger ?? silentLogger;
  const client: LambdaClientLike =
    'client' in options
      ? options.client
      : new LambdaClient({
          region: options.region,
          maxAttempts: 1,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          // throwOnRequestTimeout: without it this smithy version only warns when requestTimeout passes.
          requestHandler: {
            requestTimeout: options.requestTimeoutMs ?? 15_000,
            connectionTimeout: 3_000,
            throwOnRequestTimeout: true,
          },
        });
  const backoff: BackoffOptions = {
    attempts: options.backoff?.attempts ?? 4,
    baseDelayMs: options.backoff?.baseDelayMs ?? 200,
    maxDelayMs: options.backoff?.maxDelayMs ?? 5_000,
    ...(options.backoff?.random ? { random: options.backoff.random } : {}),
  };
  const sleep = options.backoff?.sleep ?? defaultSleep;
  const retryAfterTimeout = options.retryAfterTimeout ?? true;
  const failed = () => new SupportError('upstream_unavailable', 'send failed');

  return {
    async send(message: Notification) {
      const { code: _code, ...fieldsOnly } = message; // the e-mail function reads the code in `text`
      const parsed = EmailPayloadSchema.safeParse(fieldsOnly);
      if (!parsed.success) {
        logger.error('notification refused: invalid payload', {
          issueId: message.issueId,
          kind: message.kind,
        });
        throw new SupportError('internal', 'send failed');
      }
      const functionName = options.functions[FUNCTION_FOR[parsed.data.kind]];
      const fields = { issueId: parsed.data.issueId, kind: parsed.data.kind, functionName };
      const payload = new TextEncoder().encode(JSON.stringify(parsed.data));
      let timeoutsRetried = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          const out = await client.send(
            new InvokeCommand({
              FunctionName: functionName,
              InvocationType: 'RequestResponse',
              Payload: payload,
            }),
          );
          const confirmed = out.StatusCode === 200 && !out.FunctionError && confirmsSent(out.Payload);
          if (confirmed) {
            logger.info('notification sent', { ...fields, attempt });
            return;
          }
          // Payload holds the function's error object; it is not logged (it may echo the input).
          logger.error('notification failed', {
            ...fields,
            attempt,
            statusCode: out.StatusCode ?? null,
            functionError: out.FunctionError ?? null,
            confirmed: false,
          });
          throw failed();
        } catch (error) {
          if (error instanceof SupportError) throw error;
          const throttled = isThrottling(error);
          const timedOut = !throttled && isTimeoutOrNetwork(error);
          logger.warn('notification invoke error', {
            ...fields,
            attempt,
            error: errorName(error) || 'unknown',
            status: httpStatusOf(error) ?? null,
          });
          if (throttled && attempt < backoff.attempts) {
            await sleep(backoffDelay(attempt, backoff, retryAfterMsOf(error)));
            continue;
          }
          if (timedOut && retryAfterTimeout && timeoutsRetried < 1 && attempt < backoff.attempts) {
            timeoutsRetried++;
            continue;
          }
          throw failed();
        }
      }
    },
  };
}
