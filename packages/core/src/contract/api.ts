import * as z from 'zod/mini';
import type * as T from '../ui.js';
import { AgentStepUp } from './passkeys.js';
import {
  CancelReason,
  CodePurpose,
  Cursor,
  Destination,
  DestinationPage,
  doc,
  Email,
  Flow,
  HandoffToken,
  Id,
  Role,
  Timestamp,
  UserStatus,
  VerificationCode,
  verificationCode,
} from './primitives.js';

// ───────────────────────────── lookup ─────────────────────────────

const text = (max: number) => z.string().check(z.maxLength(max));
const name = () => z.string().check(z.minLength(1), z.maxLength(200));
const count = () => z.int().check(z.gte(0));

export const EcosystemMembership = doc(
  z.object({ id: Id, name: name(), role: Role, inherited: z.boolean() }),
  {
    id: 'EcosystemMembership',
    description: '`inherited` marks an ecosystem received as successor',
  },
);
export type EcosystemMembership = T.EcosystemMembership;

export const IneligibleReason = z.enum([
  'account_unconfirmed',
  'account_disabled',
  'account_locked',
  'no_ecosystems',
  'not_a_successor',
  /** Only once a session is open: the user no longer holds the selected ecosystem (with the same role). */
  'membership_removed',
]);
export type IneligibleReason = T.IneligibleReason;

export const UserSummary = doc(
  z.object({
    id: Id,
    name: name(),
    email: Email,
    status: UserStatus,
    ecosystems: z.array(EcosystemMembership).check(z.maxLength(500)),
  }),
  { id: 'UserSummary' },
);
export type UserSummary = T.UserSummary;

export const LookupRequest = doc(z.strictObject({ email: Email, flow: Flow }), { id: 'LookupRequest' });
export type LookupRequest = T.LookupRequest;

export const LookupResponse = doc(
  z.discriminatedUnion('found', [
    z.object({ found: z.literal(false) }),
    z.object({
      found: z.literal(true),
      user: UserSummary,
      eligible: z.boolean(),
      ineligibleReason: z.nullable(IneligibleReason),
    }),
  ]),
  { id: 'LookupResponse' },
);
export type LookupResponse = T.LookupResponse;

// ───────────────────────────── sessions ─────────────────────────────

/**
 * The step the server stores for a support session. Commands move it with one atomic
 * conditional statement; `cancelled`, `expired`, `locked`, `completed`, `ineligible` (the
 * user stopped being assistable mid-session) and `ended_by_user` (the user followed the
 * "End this assisted session now" link of their e-mail) are closed.
 */
export const SessionStep = z.enum([
  'select_ecosystem',
  'agent_code',
  'user_code',
  'verified',
  'cancelled',
  'expired',
  'locked',
  'completed',
  'ineligible',
  'ended_by_user',
]);
export type SessionStep = T.SessionStep;

export const CodeChallenge = doc(
  z.object({
    purpose: CodePurpose,
    sentTo: doc(text(300), { description: 'Masked address the code went to' }),
    sentAt: Timestamp,
    expiresAt: Timestamp,
    attemptsLeft: count(),
    resendsLeft: count(),
    resendAvailableAt: Timestamp,
  }),
  { id: 'CodeChallenge' },
);
export type CodeChallenge = T.CodeChallenge;

export const SupportSessionView = doc(
  z.object({
    id: Id,
    flow: Flow,
    step: SessionStep,
    user: z.object({ id: Id, name: text(200), email: Email }),
    ecosystems: z.array(EcosystemMembership).check(z.maxLength(500)),
    ecosystemId: z.nullable(Id),
    role: z.nullable(Role),
    /** The code of the current step once one was sent; null before the first send. */
    code: z.nullable(CodeChallenge),
    /** Where the agent may take the user; empty until both sides are verified. */
    destinations: z.array(Destination),
    createdAt: Timestamp,
    lastActivityAt: Timestamp,
    /** When the session closes unless there is activity (the earlier of idle and absolute limits). */
    expiresAt: Timestamp,
    /** When the agent should be warned that the session is about to expire. */
    warnAt: Timestamp,
    absoluteExpiresAt: Timestamp,
    closedAt: z.nullable(Timestamp),
    /** Why the session closed as `ineligible` (absent or null otherwise). */
    ineligibleReason: z.optional(z.nullable(IneligibleReason)),
    /** How the agent may pass the internal-verification step (absent: the e-mailed code only). */
    agentStepUp: z.optional(AgentStepUp),
    /** The server's clock when it answered, so clients can correct their own clock's skew. */
    serverTime: Timestamp,
  }),
  { id: 'SupportSession' },
);
export type SupportSessionView = T.SupportSessionView;

export const CreateSessionRequest = doc(z.strictObject({ flow: Flow, userId: Id }), {
  id: 'CreateSessionRequest',
});
export type CreateSessionRequest = T.CreateSessionRequest;

export const SelectEcosystemRequest = doc(z.strictObject({ ecosystemId: Id }), {
  id: 'SelectEcosystemRequest',
});
export type SelectEcosystemRequest = T.SelectEcosystemRequest;

export const EmptyRequest = doc(z.strictObject({}), { id: 'EmptyRequest' });
export type EmptyRequest = T.EmptyRequest;

export function verifyCodeRequest(digits?: number) {
  return z.strictObject({ code: digits === undefined ? VerificationCode : verificationCode(digits) });
}
export const VerifyCodeRequest = doc(verifyCodeRequest(), { id: 'VerifyCodeRequest' });
export type VerifyCodeRequest = T.VerifyCodeRequest;

export const CancelRequest = doc(z.strictObject({ reason: CancelReason }), { id: 'CancelRequest' });
export type CancelRequest = T.CancelRequest;

// ───────────────────────────── handoffs ─────────────────────────────

export const CreateHandoffRequest = doc(z.strictObject({ destination: Destination }), {
  id: 'CreateHandoffRequest',
});
export type CreateHandoffRequest = T.CreateHandoffRequest;

export const Handoff = doc(
  z.object({
    id: Id,
    destination: Destination,
    page: DestinationPage,
    /** Link to open (Web/Store) or to encode in the QR (App); the token travels in the fragment. */
    link: z.url().check(z.maxLength(2048)),
    expiresAt: Timestamp,
    /** Seconds until the link expires (RFC 8628 style), independent of clock skew. */
    expiresIn: count(),
  }),
  { id: 'Handoff' },
);
export type Handoff = T.Handoff;

export const HandoffState = z.enum(['pending', 'claimed', 'expired', 'revoked']);
export type HandoffState = T.HandoffState;

export const HandoffStatus = doc(
  z.object({
    id: Id,
    destination: Destination,
    page: DestinationPage,
    state: HandoffState,
    expiresAt: Timestamp,
    claimedAt: z.nullable(Timestamp),
  }),
  { id: 'HandoffStatus' },
);
export type HandoffStatus = T.HandoffStatus;

export const RedeemHandoffRequest = doc(z.strictObject({ token: HandoffToken }), {
  id: 'RedeemHandoffRequest',
});
export type RedeemHandoffRequest = T.RedeemHandoffRequest;

/**
 * The App link's token, which the agent's client already holds: the server keeps only its HMAC,
 * so it can e-mail the same one-time link only when given the token again.
 */
export const EmailHandoffRequest = doc(z.strictObject({ token: HandoffToken }), {
  id: 'EmailHandoffRequest',
});
export type EmailHandoffRequest = T.EmailHandoffRequest;

export const HandoffEmail = doc(
  z.object({
    id: Id,
    /** Masked address the link went to (the user's verified address). */
    sentTo: text(300),
    emailedAt: Timestamp,
  }),
  { id: 'HandoffEmail' },
);
export type HandoffEmail = T.HandoffEmail;

/** 256-bit opaque refresh token, base64url. */
export const RefreshToken = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'expected a refresh token'));

export const AssistedSession = doc(
  z.object({
    accessToken: z.string().check(z.minLength(1), z.maxLength(8192)),
    tokenType: z.literal('Bearer'),
    expiresAt: Timestamp,
    user: z.object({ id: Id, name: text(200), email: Email }),
    ecosystem: z.object({ id: Id, name: text(200) }),
    role: Role,
    destination: Destination,
    page: DestinationPage,
    assistedBy: z.object({ id: Id, name: text(200), email: Email }),
    /** The assisted session's id: the access token's `sid` claim. */
    assistedSessionId: Id,
    /** Opaque, single use: `POST /assisted/refresh` trades it for a new access token while support lasts. */
    refreshToken: RefreshToken,
  }),
  { id: 'AssistedSession' },
);
export type AssistedSession = T.AssistedSession;

// ───────────────────────────── successor activity ─────────────────────────────

export const ProcessKind = z.enum(['designation', 'validation', 'transfer']);
export type ProcessKind = T.ProcessKind;

export const ProcessStatus = z.enum(['pending', 'in_review', 'approved', 'rejected']);
export type ProcessStatus = T.ProcessStatus;

const processSummaryShape = {
  id: Id,
  ecosystemId: Id,
  kind: ProcessKind,
  title: text(300),
  status: ProcessStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const ProcessSummary = doc(z.object(processSummaryShape), { id: 'ProcessSummary' });
export type ProcessSummary = T.ProcessSummary;

export const ProcessDetail = doc(
  z.object({
    ...processSummaryShape,
    detail: text(2000),
    reason: z.nullable(text(2000)),
    decidedBy: z.nullable(text(200)),
    decidedAt: z.nullable(Timestamp),
  }),
  { id: 'ProcessDetail' },
);
export type ProcessDetail = T.ProcessDetail;

export const PROCESS_PAGE_MAX = 100;

export const ProcessListQuery = doc(
  z.strictObject({
    ecosystemId: z.optional(Id),
    cursor: z.optional(Cursor),
    limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(PROCESS_PAGE_MAX))),
  }),
  { id: 'ProcessListQuery' },
);
export type ProcessListQuery = T.ProcessListQuery;

export const ProcessPage = doc(
  z.object({ items: z.array(ProcessSummary), nextCursor: z.nullable(Cursor), total: count() }),
  { id: 'ProcessPage' },
);
export type ProcessPage = T.ProcessPage;

// ───────────────────────────── path parameters ─────────────────────────────

export const SessionParams = z.strictObject({ sessionId: Id });
export const HandoffParams = z.strictObject({ sessionId: Id, handoffId: Id });
export const ProcessParams = z.strictObject({ sessionId: Id, processId: Id });
export * from './assisted-api.js';
export * from './passkeys.js';
