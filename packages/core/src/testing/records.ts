/**
 * The fake server's state and the rules that move it: one session record per support session,
 * closed the way the server closes it (expired, locked, cancelled, completed, ineligible).
 */
import type { IneligibleReason, SessionStep, SupportSessionView } from '../contract/api.js';
import type { CodePurpose, Destination, Flow, Role } from '../contract/primitives.js';
import { SupportError } from '../contract/support-error.js';
import {
  codePurposeOf,
  destinationsForRole,
  ineligibility,
  isClosedStep,
  maskEmail,
  nextStep,
} from '../rules/flow.js';
import type { FakeUser } from './people.js';

/** Limits of the fake, in milliseconds and counts, as the server's `SupportLimits` sets them. */
export interface FakeLimits {
  idleMs: number;
  warnBeforeMs: number;
  absoluteMs: number;
  codeTtlMs: number;
  resendCooldownMs: number;
  maxAttempts: number;
  maxResends: number;
  handoffTtlMs: number;
  pageSize: number;
  codeDigits: number;
  agentEmail: string;
  /** The server's `agentStepUp` option (issue #17); default `email-code`. */
  agentStepUp: 'email-code' | 'passkey' | 'passkey-or-email';
  /** Origins a passkey's client data may name; empty: any (the fake's structural check). */
  passkeyOrigins: string[];
  /** How long a passkey challenge lives (the server: ≤ 2 minutes). */
  passkeyChallengeTtlMs: number;
}

export const DEFAULT_FAKE_LIMITS: FakeLimits = {
  idleMs: 15 * 60_000,
  warnBeforeMs: 60_000,
  absoluteMs: 60 * 60_000,
  codeTtlMs: 10 * 60_000,
  resendCooldownMs: 30_000,
  maxAttempts: 5,
  maxResends: 3,
  handoffTtlMs: 120_000,
  pageSize: 50,
  codeDigits: 6,
  agentEmail: 'agent.smith@waizant.example',
  agentStepUp: 'email-code',
  passkeyOrigins: [],
  passkeyChallengeTtlMs: 120_000,
};

export interface CodeRecord {
  code: string;
  sentAt: number;
  expiresAt: number;
  attemptsLeft: number;
  resendsLeft: number;
  resendAvailableAt: number;
}

export interface SessionRecord {
  id: string;
  flow: Flow;
  user: FakeUser;
  step: SessionStep;
  ecosystemId: string | null;
  /** The role the user had in the chosen ecosystem when it was chosen. */
  role: Role | null;
  code: CodeRecord | null;
  /** Attempts left per step, counted across resends. */
  attempts: Partial<Record<CodePurpose, number>>;
  createdAt: number;
  lastActivityAt: number;
  closedAt: number | null;
  cancelReason: string | null;
  ineligibleReason: IneligibleReason | null;
  /** The agent passed the e-mailed agent code in this session (opens passkey enrolment). */
  agentCodePassed?: boolean;
}

export interface HandoffRecord {
  id: string;
  sessionId: string;
  destination: Destination;
  expiresAt: number;
  claimedAt: number | null;
  revoked: boolean;
  /** The link's token (the real server keeps only its HMAC) and when it was e-mailed. */
  token: string;
  emailedAt: number | null;
}

export function expectStep(s: SessionRecord, step: SessionStep): void {
  if (s.step !== step) throw new SupportError('wrong_step', `Expected ${step}, at ${s.step}.`);
}

/** Moves an open session to the next step of its flow (the flow's fixed order). */
export function advance(s: SessionRecord): void {
  const next = nextStep(s.flow, s.step);
  if (!next) throw new SupportError('wrong_step', 'No next step.');
  s.step = next;
  if (codePurposeOf(next) === null) s.code = null;
}

/** Why the session's user can no longer be assisted, as the server re-checks before a command. */
export function sessionIneligibility(s: SessionRecord): IneligibleReason | null {
  const reason = ineligibility(s.flow, s.user);
  if (reason) return reason;
  if (s.ecosystemId === null) return null;
  const member = s.user.ecosystems.find((e) => e.id === s.ecosystemId);
  return member && member.role === s.role ? null : 'membership_removed';
}

/** Whether the session passed its idle or absolute deadline at `now`. */
export function isPastDeadline(s: SessionRecord, now: number, limits: FakeLimits): boolean {
  return (
    !isClosedStep(s.step) &&
    (now >= s.lastActivityAt + limits.idleMs || now >= s.createdAt + limits.absoluteMs)
  );
}

/** The session as the contract shows it; `passkeyEnrolled`: the agent has a passkey. */
export function sessionView(
  s: SessionRecord,
  now: number,
  limits: FakeLimits,
  passkeyEnrolled = false,
): SupportSessionView {
  const mode = limits.agentStepUp;
  const iso = (ms: number) => new Date(ms).toISOString();
  const expiresAt = Math.min(s.lastActivityAt + limits.idleMs, s.createdAt + limits.absoluteMs);
  const purpose = codePurposeOf(s.step);
  return {
    id: s.id,
    flow: s.flow,
    step: s.step,
    user: { id: s.user.id, name: s.user.name, email: s.user.email },
    ecosystems: s.user.ecosystems,
    ecosystemId: s.ecosystemId,
    role: s.role,
    code:
      s.code && purpose
        ? {
            purpose,
            sentTo: maskEmail(purpose === 'agent' ? limits.agentEmail : s.user.email),
            sentAt: iso(s.code.sentAt),
            expiresAt: iso(s.code.expiresAt),
            attemptsLeft: s.code.attemptsLeft,
            resendsLeft: s.code.resendsLeft,
            resendAvailableAt: iso(s.code.resendAvailableAt),
          }
        : null,
    destinations:
      s.step === 'verified' && s.flow === 'technical-assistance' && s.role
        ? [...destinationsForRole(s.role)]
        : [],
    createdAt: iso(s.createdAt),
    lastActivityAt: iso(s.lastActivityAt),
    expiresAt: iso(expiresAt),
    warnAt: iso(expiresAt - limits.warnBeforeMs),
    absoluteExpiresAt: iso(s.createdAt + limits.absoluteMs),
    closedAt: s.closedAt === null ? null : iso(s.closedAt),
    ...(s.step === 'ineligible' ? { ineligibleReason: s.ineligibleReason } : {}),
    serverTime: iso(now),
    agentStepUp: {
      methods:
        mode === 'email-code' ? ['email_code'] : mode === 'passkey' ? ['passkey'] : ['passkey', 'email_code'],
      passkeyEnrolled,
      enrolmentOpen: mode !== 'email-code' && s.agentCodePassed === true && !isClosedStep(s.step),
    },
  };
}

/** `digits` random decimal digits from the platform's CSPRNG, as the server draws them. */
export function drawCode(digits: number): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint32Array(digits));
  return Array.from(bytes, (b) => String(b % 10)).join('');
}

/** A URL-safe random token of 22 characters (128 bits), like a handoff's. */
export function drawToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => alphabet[b % 64]).join('');
}
