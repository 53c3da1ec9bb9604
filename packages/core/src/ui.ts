/**
 * `@waizant/support-core/ui`: what UI code needs to paint its first view — plain values of the
 * contract, its types, the idle facade state, the pure rules and the typed error. It loads
 * neither the statechart (XState) nor the validators (zod), and its declarations name neither:
 * the contract's types are written out below in plain TypeScript. The schemas (`contract/`) are
 * the source of truth; `test/contract-types.test.ts` fails the type check when a type here and
 * its schema's inferred type drift apart. Take the schemas and the statechart from the main entry.
 */
import type { ErrorCode } from './contract/support-error.js';

export * from './contract/constants.js';
export { ERROR_CODES, type ErrorCode, isSupportError, SupportError } from './contract/support-error.js';
export type {
  FinalView,
  SupportCommand,
  SupportFlow,
  SupportFlowState,
  SupportView,
} from './machine/facade.js';
export { idleSupportFlowState } from './machine/idle.js';
export type { FlowError, PasskeyCeremony, PasskeyProblem, SupportServices } from './machine/types.js';
export * from './rules/flow.js';

// ── primitives (what the wire checks is said in primitives.ts) ──

/** A lowercase RFC 9562 UUID. */
export type Id = string;
/** Trimmed and lower-cased e-mail address. */
export type Email = string;
/** ISO 8601 date-time, UTC. */
export type Timestamp = string;
export type Flow = 'technical-assistance' | 'ecosystem-admin';
export type Role = 'administrator' | 'managed';
export type Destination = 'store' | 'web' | 'app';
export type DestinationPage = 'web-home' | 'web-my-ecosystem' | 'store' | 'app';
export type UserStatus = 'active' | 'unconfirmed' | 'disabled' | 'locked';
export type CodePurpose = 'agent' | 'user';
export type CancelReason = string;

// ── errors ──

export type ErrorDetails = {
  attemptsLeft?: number | undefined;
  retryAfterSeconds?: number | undefined;
  /** With `user_ineligible`: why the user can no longer be assisted. */
  ineligibleReason?: IneligibleReason | undefined;
  issues?: { path: string; message: string }[] | undefined;
};
export type ApiErrorBody = {
  error: { code: ErrorCode; message: string; details?: ErrorDetails | undefined };
};

// ── lookup ──

export type EcosystemMembership = { id: Id; name: string; role: Role; inherited: boolean };
export type IneligibleReason =
  | 'account_unconfirmed'
  | 'account_disabled'
  | 'account_locked'
  | 'no_ecosystems'
  | 'not_a_successor'
  | 'membership_removed';
export type UserSummary = {
  id: Id;
  name: string;
  email: Email;
  status: UserStatus;
  ecosystems: EcosystemMembership[];
};
export type LookupRequest = { email: Email; flow: Flow };
export type LookupResponse =
  | { found: false }
  | { found: true; user: UserSummary; eligible: boolean; ineligibleReason: IneligibleReason | null };

// ── sessions ──

export type SessionStep =
  | 'select_ecosystem'
  | 'agent_code'
  | 'user_code'
  | 'verified'
  | 'cancelled'
  | 'expired'
  | 'locked'
  | 'completed'
  | 'ineligible'
  | 'ended_by_user';
export type CodeChallenge = {
  purpose: CodePurpose;
  sentTo: string;
  sentAt: Timestamp;
  expiresAt: Timestamp;
  attemptsLeft: number;
  resendsLeft: number;
  resendAvailableAt: Timestamp;
};
export type SupportSessionView = {
  id: Id;
  flow: Flow;
  step: SessionStep;
  user: { id: Id; name: string; email: Email };
  ecosystems: EcosystemMembership[];
  ecosystemId: Id | null;
  role: Role | null;
  code: CodeChallenge | null;
  destinations: Destination[];
  createdAt: Timestamp;
  lastActivityAt: Timestamp;
  expiresAt: Timestamp;
  warnAt: Timestamp;
  absoluteExpiresAt: Timestamp;
  closedAt: Timestamp | null;
  ineligibleReason?: IneligibleReason | null | undefined;
  agentStepUp?: AgentStepUp | undefined;
  serverTime: Timestamp;
};
export type CreateSessionRequest = { flow: Flow; userId: Id };
export type SelectEcosystemRequest = { ecosystemId: Id };
export type EmptyRequest = Record<string, never>;
export type VerifyCodeRequest = { code: string };
export type CancelRequest = { reason: CancelReason };

// ── handoffs ──

export type CreateHandoffRequest = { destination: Destination };
export type Handoff = {
  id: Id;
  destination: Destination;
  page: DestinationPage;
  link: string;
  expiresAt: Timestamp;
  expiresIn: number;
};
export type HandoffState = 'pending' | 'claimed' | 'expired' | 'revoked';
export type HandoffStatus = {
  id: Id;
  destination: Destination;
  page: DestinationPage;
  state: HandoffState;
  expiresAt: Timestamp;
  claimedAt: Timestamp | null;
};
export type RedeemHandoffRequest = { token: string };
export type EmailHandoffRequest = { token: string };
export type HandoffEmail = { id: Id; sentTo: string; emailedAt: Timestamp };
export type AssistedSession = {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: Timestamp;
  user: { id: Id; name: string; email: Email };
  ecosystem: { id: Id; name: string };
  role: Role;
  destination: Destination;
  page: DestinationPage;
  assistedBy: { id: Id; name: string; email: Email };
  /** The assisted session's id: the access token's `sid` claim. */
  assistedSessionId: Id;
  /** Opaque, single use: `POST /assisted/refresh` trades it for a new access token while support lasts. */
  refreshToken: string;
};

// ── agent step-up by passkey ──

export type StepUpMethod = 'email_code' | 'passkey';
export type AgentStepUp = { methods: StepUpMethod[]; passkeyEnrolled: boolean; enrolmentOpen: boolean };
export type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';
type CredentialDescriptor = {
  id: string;
  type: 'public-key';
  transports?: AuthenticatorTransport[] | undefined;
};
type UserVerification = 'required' | 'preferred' | 'discouraged';
type Attachment = 'platform' | 'cross-platform';
export type PasskeyRequestOptions = {
  challenge: string;
  timeout?: number | undefined;
  rpId?: string | undefined;
  allowCredentials?: CredentialDescriptor[] | undefined;
  userVerification?: UserVerification | undefined;
};
export type PasskeyCreationOptions = {
  rp: { name: string; id?: string | undefined };
  user: { id: string; name: string; displayName: string };
  challenge: string;
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number | undefined;
  excludeCredentials?: CredentialDescriptor[] | undefined;
  authenticatorSelection?:
    | {
        authenticatorAttachment?: Attachment | undefined;
        requireResidentKey?: boolean | undefined;
        residentKey?: 'discouraged' | 'preferred' | 'required' | undefined;
        userVerification?: UserVerification | undefined;
      }
    | undefined;
  attestation?: 'none' | 'indirect' | 'direct' | 'enterprise' | undefined;
};
export type PasskeyAssertion = {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | undefined;
  };
  authenticatorAttachment?: Attachment | undefined;
  clientExtensionResults: Record<string, unknown>;
};
export type PasskeyAttestation = {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData?: string | undefined;
    transports?: AuthenticatorTransport[] | undefined;
    publicKeyAlgorithm?: number | undefined;
    publicKey?: string | undefined;
  };
  authenticatorAttachment?: Attachment | undefined;
  clientExtensionResults: Record<string, unknown>;
};
export type VerifyAgentPasskeyRequest = { credential: PasskeyAssertion };
export type RegisterPasskeyRequest = { credential: PasskeyAttestation; name?: string | undefined };
export type PasskeySummary = {
  id: Id;
  name: string;
  transports: AuthenticatorTransport[];
  createdAt: Timestamp;
  lastUsedAt: Timestamp | null;
};
export type PasskeyList = { items: PasskeySummary[] };

// ── successor activity ──

export type ProcessKind = 'designation' | 'validation' | 'transfer';
export type ProcessStatus = 'pending' | 'in_review' | 'approved' | 'rejected';
export type ProcessSummary = {
  id: Id;
  ecosystemId: Id;
  kind: ProcessKind;
  title: string;
  status: ProcessStatus;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};
export type ProcessDetail = {
  id: Id;
  ecosystemId: Id;
  kind: ProcessKind;
  title: string;
  status: ProcessStatus;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  detail: string;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
};
export type ProcessListQuery = {
  ecosystemId?: Id | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};
export type ProcessPage = { items: ProcessSummary[]; nextCursor: string | null; total: number };
