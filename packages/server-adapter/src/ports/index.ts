import type { ProcessDetail, ProcessSummary, UserStatus, UserSummary } from '@waizant/support-core';

/** One statement runner: PGlite, a `pg.Pool` and a `pg.PoolClient` all fit it. */
export interface SqlExecutor {
  query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
}

/**
 * The kit's persistence. SQL is standard PostgreSQL (15+) so that the same migrations run on
 * PGlite and on a real server. `transaction` runs `fn` on one connection inside BEGIN/COMMIT and
 * rolls back when it throws.
 */
export interface SqlDatabase extends SqlExecutor {
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly active: boolean;
}

/** Keyset position in a newest-first process list. */
export interface ProcessCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** Read access to the Core DB: users, ecosystems, memberships, agents, successions' processes. */
export interface CoreDirectory {
  findUserByEmail(email: string): Promise<UserSummary | null>;
  getUser(userId: string): Promise<UserSummary | null>;
  getAgent(agentId: string): Promise<AgentRecord | null>;
  listProcesses(query: {
    userId: string;
    ecosystemIds: readonly string[];
    after: ProcessCursor | null;
    limit: number;
  }): Promise<{ items: ProcessSummary[]; total: number }>;
  getProcess(query: {
    userId: string;
    ecosystemIds: readonly string[];
    processId: string;
  }): Promise<ProcessDetail | null>;
  /**
   * The user's preferred language (a BCP 47 tag such as `es-MX`), when the Core DB keeps one:
   * the e-mails to the user are in Spanish for `es…`, English otherwise (and when absent).
   */
  getUserLocale?(userId: string): Promise<string | null>;
}

export interface AgentIdentity {
  readonly agentId: string;
  /** The directory's record, as read to check the agent is active: commands reuse it instead of reading it again. */
  readonly record?: AgentRecord;
}

export interface AssistedTokenRequest {
  readonly userId: string;
  readonly agentId: string;
  readonly ecosystemId: string;
  readonly role: string;
  readonly destination: string;
  /** HMAC reference of the support session (never the raw id). */
  readonly sessionRef: string;
  readonly expiresAt: Date;
  /** The assisted session the token belongs to (claim `sid`), when the identity can carry it. */
  readonly assistedSessionId?: string;
}

/** The claims of a verified assisted-session access token, as introspection reports them. */
export interface AssistedTokenClaims {
  readonly sub: string;
  readonly agentId: string;
  readonly sid: string;
  readonly supportRef: string;
  readonly exp: number;
  readonly iat: number;
  readonly audience: string;
}

/** An end user's account in the identity provider, as the lookup service needs it. */
export interface AccountStatus {
  readonly exists: boolean;
  readonly enabled: boolean;
  /** The kit's status derived from the identity provider (`null` when the account does not exist). */
  readonly userStatus: UserStatus | null;
}

/** Agent authentication and assisted-session issuing (Cognito in production, a local signer embedded). */
export interface Identity {
  /** Resolves the calling agent or throws `SupportError('unauthorized')`. */
  verifyAgentToken(token: string): Promise<AgentIdentity>;
  /** `refreshToken`: the provider's own (Cognito), kept encrypted only to revoke it. */
  issueAssistedToken(
    request: AssistedTokenRequest,
  ): Promise<{ accessToken: string; expiresAt: Date; refreshToken?: string }>;
  /**
   * Checks an assisted-session access token's signature, audience and expiry; `null` when it is
   * not one. Introspection then asks the database whether its session is still live.
   */
  verifyAssistedToken?(token: string): Promise<AssistedTokenClaims | null>;
  /** Ends the provider's tokens of an assisted session (Cognito RevokeToken). */
  revokeAssistedToken?(refreshToken: string): Promise<void>;
  /** Public keys for the tokens this identity issues, when it issues them itself. */
  jwks?(): Promise<{ keys: object[] }>;
  /**
   * The end user's account in the identity provider (Cognito); absent for the local signer.
   * Throws `SupportError('upstream_unavailable')` when the provider cannot answer.
   */
  getUserAccountStatus?(email: string): Promise<AccountStatus>;
}

/** Order of strictness of the user statuses: `active < unconfirmed < locked < disabled`. */
const USER_STATUS_STRICTNESS: Readonly<Record<UserStatus, number>> = {
  active: 0,
  unconfirmed: 1,
  locked: 2,
  disabled: 3,
};

/** The stricter of two statuses (`b === null`: `a`). Used wherever two sources of a user's status meet. */
export function stricterUserStatus(a: UserStatus, b: UserStatus | null): UserStatus {
  if (b === null) return a;
  return USER_STATUS_STRICTNESS[b] > USER_STATUS_STRICTNESS[a] ? b : a;
}

export type NotificationKind =
  | 'agent_code'
  | 'user_code'
  | 'assisted_session_started'
  | 'assisted_session_receipt'
  | 'handoff_qr';

/** A picture the HTML part shows through `cid:` (e.g. the App link's QR code). */
export interface InlineImage {
  /** Content-ID without angle brackets, referenced as `cid:<cid>` in `html`. */
  readonly cid: string;
  readonly contentType: 'image/png';
  readonly contentBase64: string;
}

export interface Notification {
  /** Idempotency key: the same issueId is delivered at most once. */
  readonly issueId: string;
  readonly kind: NotificationKind;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /**
   * The one-time code of an `agent_code` / `user_code` message (also in `text`), for notifiers
   * that render their own template. As secret as the text: never log it.
   */
  readonly code?: string;
  /** An HTML alternative of `text` (same content). */
  readonly html?: string;
  /** Pictures `html` shows inline (by Content-ID). */
  readonly inline?: readonly InlineImage[];
}

export interface NotifyContext {
  /** The open transaction of the state change this message belongs to (transactional outbox). */
  readonly sql?: SqlExecutor;
}

/** Sends e-mails (AWS Lambda in production, a local outbox or SMTP embedded). Throws on failure. */
export interface Notifier {
  send(message: Notification, context?: NotifyContext): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Structured logger. The server never passes a code, token or session id to it. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const systemClock: Clock = { now: () => new Date() };

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** JSON lines on the console from `minLevel` up: debug/info on stdout, warn/error on stderr. */
export function consoleLogger(minLevel: LogLevel = 'debug'): Logger {
  const line = (level: LogLevel) => {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return () => {};
    const write = level === 'warn' || level === 'error' ? console.error : console.log;
    return (message: string, fields?: LogFields) =>
      write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
