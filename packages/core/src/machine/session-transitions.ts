import type { SupportContext } from './types.js';

// Helpers the state modules share: how a request names its session, and what every request of
// a live session does when the server says the session is over.

type Args = { context: SupportContext };

/** Input of a read on the current session: its id plus what `extra` adds. */
export function sessionQuery<T extends object = object>(extra?: (context: SupportContext) => T) {
  return ({ context }: Args) => ({
    sessionId: context.session?.id ?? '',
    ...(extra?.(context) as T),
  });
}

/** Input of a command on the current session: its id, the idempotency key, and what `extra` adds. */
export function sessionCommand<T extends object = object>(extra?: (context: SupportContext) => T) {
  return ({ context }: Args) => ({
    sessionId: context.session?.id ?? '',
    requestKey: context.requestKey,
    ...(extra?.(context) as T),
  });
}

export type ActionName =
  | 'storeError'
  | 'disarmAgentCodeSend'
  | 'applyAttemptsLeft'
  | 'clearPendingCode'
  | 'clearError'
  | 'clearPasskey';

export interface SessionErrorOptions {
  /** The request can lock the session (a code step): `code_locked` ends the flow as locked out. */
  readonly locked?: boolean;
  /** Another tab may have moved the session on: `wrong_step` re-reads it and routes. */
  readonly resync?: boolean;
  /** Run first on every shared outcome. */
  readonly also?: readonly ActionName[];
}

export interface ErrorTransition {
  readonly guard?: 'codeAlreadySent';
  readonly target: string;
  readonly actions: readonly ActionName[];
}

/**
 * `onError` of a request on a live session: the shared endings (expired, closed, ended by the
 * user, locked, wrong
 * step), then `otherwise` — what this request does with any other error.
 */
export function sessionErrors(options: SessionErrorOptions, ...otherwise: ErrorTransition[]) {
  const also = options.also ?? [];
  const failing = [...also, 'storeError'] as const;
  return [
    { guard: 'errorIsExpiry', target: '#expired', actions: failing },
    { guard: 'errorIsClosed', target: '#failed', actions: failing },
    { guard: 'errorIsEndedByUser', target: '#endedByUser', actions: failing },
    ...(options.locked ? [{ guard: 'errorIsLocked', target: '#lockedOut', actions: failing } as const] : []),
    ...(options.resync ? [{ guard: 'errorIsWrongStep', target: '#resync', actions: also } as const] : []),
    ...otherwise,
  ] as const;
}

const ms = (iso: string) => Date.parse(iso);

/** When the resend button comes back, relative to when the session view arrived. */
export function resendDeadline(context: SupportContext) {
  const session = context.session;
  if (!session?.code) return { since: context.sessionReceivedAt, afterMs: 0 };
  return {
    since: context.sessionReceivedAt,
    afterMs: ms(session.code.resendAvailableAt) - ms(session.serverTime),
  };
}

/** The server's warning and expiry deadlines, relative to when the session view arrived. */
export function idleDeadlines(context: SupportContext) {
  const session = context.session;
  if (!session) return { since: context.sessionReceivedAt, warnAfterMs: 0, expireAfterMs: 0 };
  return {
    since: context.sessionReceivedAt,
    warnAfterMs: ms(session.warnAt) - ms(session.serverTime),
    expireAfterMs: ms(session.expiresAt) - ms(session.serverTime),
  };
}
