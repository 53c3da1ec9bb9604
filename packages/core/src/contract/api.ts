import { z } from 'zod';
import {
  CancelReason,
  CodePurpose,
  Cursor,
  Destination,
  DestinationPage,
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

export const EcosystemMembership = z
  .object({ id: Id, name: z.string().min(1).max(200), role: Role, inherited: z.boolean() })
  .meta({ id: 'EcosystemMembership', description: '`inherited` marks an ecosystem received as successor' });
export type EcosystemMembership = z.infer<typeof EcosystemMembership>;

export const IneligibleReason = z.enum([
  'account_unconfirmed',
  'account_disabled',
  'account_locked',
  'no_ecosystems',
  'not_a_successor',
]);
export type IneligibleReason = z.infer<typeof IneligibleReason>;

export const UserSummary = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    email: Email,
    status: UserStatus,
    ecosystems: z.array(EcosystemMembership).max(500),
  })
  .meta({ id: 'UserSummary' });
export type UserSummary = z.infer<typeof UserSummary>;

export const LookupRequest = z.strictObject({ email: Email, flow: Flow }).meta({ id: 'LookupRequest' });
export type LookupRequest = z.infer<typeof LookupRequest>;

export const LookupResponse = z
  .discriminatedUnion('found', [
    z.object({ found: z.literal(false) }),
    z.object({
      found: z.literal(true),
      user: UserSummary,
      eligible: z.boolean(),
      ineligibleReason: IneligibleReason.nullable(),
    }),
  ])
  .meta({ id: 'LookupResponse' });
export type LookupResponse = z.infer<typeof LookupResponse>;

// ───────────────────────────── sessions ─────────────────────────────

/**
 * The step the server stores for a support session. Commands move it with one atomic
 * conditional statement; `cancelled`, `expired`, `locked` and `completed` are closed.
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
]);
export type SessionStep = z.infer<typeof SessionStep>;

export const CodeChallenge = z
  .object({
    purpose: CodePurpose,
    sentTo: z.string().max(300).meta({ description: 'Masked address the code went to' }),
    sentAt: Timestamp,
    expiresAt: Timestamp,
    attemptsLeft: z.int().min(0),
    resendsLeft: z.int().min(0),
    resendAvailableAt: Timestamp,
  })
  .meta({ id: 'CodeChallenge' });
export type CodeChallenge = z.infer<typeof CodeChallenge>;

export const SupportSessionView = z
  .object({
    id: Id,
    flow: Flow,
    step: SessionStep,
    user: z.object({ id: Id, name: z.string().max(200), email: Email }),
    ecosystems: z.array(EcosystemMembership).max(500),
    ecosystemId: Id.nullable(),
    role: Role.nullable(),
    /** The code of the current step once one was sent; null before the first send. */
    code: CodeChallenge.nullable(),
    /** Where the agent may take the user; empty until both sides are verified. */
    destinations: z.array(Destination),
    createdAt: Timestamp,
    lastActivityAt: Timestamp,
    /** When the session closes unless there is activity (the earlier of idle and absolute limits). */
    expiresAt: Timestamp,
    /** When the agent should be warned that the session is about to expire. */
    warnAt: Timestamp,
    absoluteExpiresAt: Timestamp,
    closedAt: Timestamp.nullable(),
    /** The server's clock when it answered, so clients can correct their own clock's skew. */
    serverTime: Timestamp,
  })
  .meta({ id: 'SupportSession' });
export type SupportSessionView = z.infer<typeof SupportSessionView>;

export const CreateSessionRequest = z
  .strictObject({ flow: Flow, userId: Id })
  .meta({ id: 'CreateSessionRequest' });
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const SelectEcosystemRequest = z
  .strictObject({ ecosystemId: Id })
  .meta({ id: 'SelectEcosystemRequest' });
export type SelectEcosystemRequest = z.infer<typeof SelectEcosystemRequest>;

export const EmptyRequest = z.strictObject({}).meta({ id: 'EmptyRequest' });
export type EmptyRequest = z.infer<typeof EmptyRequest>;

export function verifyCodeRequest(digits?: number) {
  return z.strictObject({ code: digits === undefined ? VerificationCode : verificationCode(digits) });
}
export const VerifyCodeRequest = verifyCodeRequest().meta({ id: 'VerifyCodeRequest' });
export type VerifyCodeRequest = z.infer<typeof VerifyCodeRequest>;

export const CancelRequest = z.strictObject({ reason: CancelReason }).meta({ id: 'CancelRequest' });
export type CancelRequest = z.infer<typeof CancelRequest>;

// ───────────────────────────── handoffs ─────────────────────────────

export const CreateHandoffRequest = z
  .strictObject({ destination: Destination })
  .meta({ id: 'CreateHandoffRequest' });
export type CreateHandoffRequest = z.infer<typeof CreateHandoffRequest>;

export const Handoff = z
  .object({
    id: Id,
    destination: Destination,
    page: DestinationPage,
    /** Link to open (Web/Store) or to encode in the QR (App); the token travels in the fragment. */
    link: z.url().max(2048),
    expiresAt: Timestamp,
    /** Seconds until the link expires (RFC 8628 style), independent of clock skew. */
    expiresIn: z.int().min(0),
  })
  .meta({ id: 'Handoff' });
export type Handoff = z.infer<typeof Handoff>;

export const HandoffState = z.enum(['pending', 'claimed', 'expired', 'revoked']);
export type HandoffState = z.infer<typeof HandoffState>;

export const HandoffStatus = z
  .object({
    id: Id,
    destination: Destination,
    page: DestinationPage,
    state: HandoffState,
    expiresAt: Timestamp,
    claimedAt: Timestamp.nullable(),
  })
  .meta({ id: 'HandoffStatus' });
export type HandoffStatus = z.infer<typeof HandoffStatus>;

export const RedeemHandoffRequest = z
  .strictObject({ token: HandoffToken })
  .meta({ id: 'RedeemHandoffRequest' });
export type RedeemHandoffRequest = z.infer<typeof RedeemHandoffRequest>;

export const AssistedSession = z
  .object({
    accessToken: z.string().min(1).max(8192),
    tokenType: z.literal('Bearer'),
    expiresAt: Timestamp,
    user: z.object({ id: Id, name: z.string().max(200), email: Email }),
    ecosystem: z.object({ id: Id, name: z.string().max(200) }),
    role: Role,
    destination: Destination,
    page: DestinationPage,
    assistedBy: z.object({ id: Id, name: z.string().max(200), email: Email }),
  })
  .meta({ id: 'AssistedSession' });
export type AssistedSession = z.infer<typeof AssistedSession>;

// ───────────────────────────── successor activity ─────────────────────────────

export const ProcessKind = z.enum(['designation', 'validation', 'transfer']);
export type ProcessKind = z.infer<typeof ProcessKind>;

export const ProcessStatus = z.enum(['pending', 'in_review', 'approved', 'rejected']);
export type ProcessStatus = z.infer<typeof ProcessStatus>;

export const ProcessSummary = z
  .object({
    id: Id,
    ecosystemId: Id,
    kind: ProcessKind,
    title: z.string().max(300),
    status: ProcessStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'ProcessSummary' });
export type ProcessSummary = z.infer<typeof ProcessSummary>;

export const ProcessDetail = ProcessSummary.extend({
  detail: z.string().max(2000),
  reason: z.string().max(2000).nullable(),
  decidedBy: z.string().max(200).nullable(),
  decidedAt: Timestamp.nullable(),
}).meta({ id: 'ProcessDetail' });
export type ProcessDetail = z.infer<typeof ProcessDetail>;

export const PROCESS_PAGE_MAX = 100;

export const ProcessListQuery = z
  .strictObject({
    ecosystemId: Id.optional(),
    cursor: Cursor.optional(),
    limit: z.coerce.number().int().min(1).max(PROCESS_PAGE_MAX).optional(),
  })
  .meta({ id: 'ProcessListQuery' });
export type ProcessListQuery = z.infer<typeof ProcessListQuery>;

export const ProcessPage = z
  .object({ items: z.array(ProcessSummary), nextCursor: Cursor.nullable(), total: z.int().min(0) })
  .meta({ id: 'ProcessPage' });
export type ProcessPage = z.infer<typeof ProcessPage>;

// ───────────────────────────── path parameters ─────────────────────────────

export const SessionParams = z.strictObject({ sessionId: Id });
export const HandoffParams = z.strictObject({ sessionId: Id, handoffId: Id });
export const ProcessParams = z.strictObject({ sessionId: Id, processId: Id });
