/**
 * An in-memory support server that honours the contract, for tests, stories and benchmarks:
 * it validates every request with the contract's schemas, draws real codes (read them from
 * `outbox`, like a mailbox), checks them, counts attempts, enforces the step order of each
 * flow, re-checks the user's eligibility before a command, expires idle sessions and serves
 * processes by cursor. It is not a mock: a wrong code fails here as it does on the server.
 */
import {
  CancelRequest,
  CreateHandoffRequest,
  CreateSessionRequest,
  EmailHandoffRequest,
  type Handoff,
  type HandoffEmail,
  type HandoffStatus,
  LookupRequest,
  type LookupResponse,
  type ProcessDetail,
  ProcessListQuery,
  type ProcessListQuery as ProcessListQueryType,
  type ProcessPage,
  SelectEcosystemRequest,
  verifyCodeRequest,
} from '../contract/api.js';
import type { CodePurpose, Destination, Flow } from '../contract/primitives.js';
import { SupportError } from '../contract/support-error.js';
import type { CallOptions, SupportServices } from '../machine/types.js';
import { destinationPage, firstStep, ineligibility, isDestinationAllowed, maskEmail } from '../rules/flow.js';
import { FakePasskeyStore } from './passkeys.js';
import { type FakeUser, makeProcesses, uuid } from './people.js';
import {
  advance,
  DEFAULT_FAKE_LIMITS,
  drawCode,
  drawToken,
  expectStep,
  type FakeLimits,
  type HandoffRecord,
  type SessionRecord,
} from './records.js';
import { parse } from './store.js';

export type { ServiceName } from './store.js';

export interface FakeSupportOptions extends Partial<FakeLimits> {
  users?: FakeUser[];
  /** The server's clock; tests may move it (default `Date.now`). */
  now?: () => number;
  /** Milliseconds every call takes (default 0: answers on the next microtask). */
  latencyMs?: number;
}

/** A code the fake mailed, as a mailbox shows it. */
export interface SentCode {
  sessionId: string;
  purpose: CodePurpose;
  to: string;
  code: string;
}

export class FakeSupportServices extends FakePasskeyStore implements SupportServices {
  readonly outbox: SentCode[] = [];
  /** The App links e-mailed to users (`emailHandoff`), as a mailbox shows them. */
  readonly qrEmails: Array<{ handoffId: string; to: string; link: string }> = [];

  readonly processes = new Map<string, ProcessDetail[]>();

  constructor(options: FakeSupportOptions = {}) {
    const { users, now, latencyMs, ...limits } = options;
    super(users ?? [], now ?? Date.now, { ...DEFAULT_FAKE_LIMITS, ...limits }, latencyMs ?? 0);
  }

  // ── controls for tests ──

  /** The last code mailed for a purpose (reading the mailbox). */
  lastCode(purpose: CodePurpose): string {
    const sent = [...this.outbox].reverse().find((s) => s.purpose === purpose);
    if (!sent) throw new Error(`no ${purpose} code was sent`);
    return sent.code;
  }

  /** A code that is well formed but not the one issued last. */
  wrongCode(purpose: CodePurpose): string {
    const right = this.lastCode(purpose);
    const wrong = '0'.repeat(this.limits.codeDigits);
    return right === wrong ? '1'.repeat(this.limits.codeDigits) : wrong;
  }

  /** Adds `count` processes to a user's ecosystem, newest first (see `makeProcesses`). */
  seedProcesses(
    userId: string,
    ecosystemId: string,
    count: number,
    make?: (i: number) => Partial<ProcessDetail>,
  ): void {
    const list = this.processes.get(userId) ?? [];
    list.push(...makeProcesses(ecosystemId, count, make));
    this.processes.set(userId, list);
  }

  // ── the contract ──

  async lookup(request: { email: string; flow: Flow }, options: CallOptions): Promise<LookupResponse> {
    await this.enter('lookup', 'lookup', options);
    const { email, flow } = parse(LookupRequest, request);
    const user = this.users.find((u) => u.email.toLowerCase() === email);
    if (!user) return { found: false };
    const reason = ineligibility(flow, user);
    const { id, name, status, ecosystems } = user;
    return {
      found: true,
      user: { id, name, email: user.email, status, ecosystems },
      eligible: reason === null,
      ineligibleReason: reason,
    };
  }

  async createSession(request: { flow: Flow; userId: string }, options: CallOptions) {
    await this.enter('createSession', 'createSession', options);
    const { flow, userId } = parse(CreateSessionRequest, request);
    const user = this.users.find((u) => u.id === userId);
    if (!user) throw new SupportError('not_found', 'No such user.');
    const reason = ineligibility(flow, user);
    if (reason) throw new SupportError('not_eligible', 'Not eligible.', { ineligibleReason: reason });
    const now = this.now();
    const record: SessionRecord = {
      id: uuid(),
      flow,
      user,
      step: firstStep(flow),
      ecosystemId: null,
      role: null,
      code: null,
      attempts: {},
      createdAt: now,
      lastActivityAt: now,
      closedAt: null,
      cancelReason: null,
      ineligibleReason: null,
    };
    this.sessions.set(record.id, record);
    return this.view(record);
  }

  async getSession(sessionId: string, options: CallOptions) {
    await this.enter('getSession', 'getSession', options);
    return this.view(this.live(sessionId, { touch: false, allowClosed: true }));
  }

  async selectEcosystem(sessionId: string, ecosystemId: string, options: CallOptions) {
    await this.enter('selectEcosystem', 'selectEcosystem', options);
    parse(SelectEcosystemRequest, { ecosystemId });
    const s = this.command(sessionId, 'select_ecosystem');
    const chosen = this.selectable(s).find((e) => e.id === ecosystemId);
    if (!chosen) throw new SupportError('invalid_input', 'That ecosystem cannot be chosen.');
    s.ecosystemId = chosen.id;
    s.role = chosen.role;
    advance(s);
    return this.view(s);
  }

  async sendCode(sessionId: string, purpose: CodePurpose, options: CallOptions) {
    await this.enter('sendCode', `sendCode:${purpose}`, options);
    this.agentCodeOffered(purpose);
    const s = this.command(sessionId, purpose === 'agent' ? 'agent_code' : 'user_code');
    const now = this.now();
    const previous = s.code;
    if (previous) {
      if (now < previous.resendAvailableAt) {
        throw new SupportError('resend_too_soon', 'Too soon.', {
          retryAfterSeconds: Math.ceil((previous.resendAvailableAt - now) / 1000),
        });
      }
      if (previous.resendsLeft <= 0) throw new SupportError('resends_exhausted', 'No resends left.');
    }
    const code = drawCode(this.limits.codeDigits);
    s.attempts[purpose] ??= this.limits.maxAttempts;
    s.code = {
      code,
      sentAt: now,
      expiresAt: now + this.limits.codeTtlMs,
      attemptsLeft: s.attempts[purpose] as number,
      resendsLeft: previous ? previous.resendsLeft - 1 : this.limits.maxResends,
      resendAvailableAt: now + this.limits.resendCooldownMs,
    };
    const to = purpose === 'agent' ? this.limits.agentEmail : s.user.email;
    this.outbox.push({ sessionId, purpose, to, code });
    return this.view(s);
  }

  async verifyCode(sessionId: string, purpose: CodePurpose, code: string, options: CallOptions) {
    await this.enter('verifyCode', `verifyCode:${purpose}`, options);
    parse(verifyCodeRequest(this.limits.codeDigits), { code });
    this.agentCodeOffered(purpose);
    const s = this.command(sessionId, purpose === 'agent' ? 'agent_code' : 'user_code');
    const challenge = s.code;
    if (!challenge) throw new SupportError('code_not_sent', 'No code was sent.');
    if (this.now() > challenge.expiresAt) throw new SupportError('code_expired', 'The code expired.');
    if (challenge.code !== code) {
      const left = (s.attempts[purpose] ?? this.limits.maxAttempts) - 1;
      s.attempts[purpose] = left;
      challenge.attemptsLeft = left;
      if (left <= 0) {
        this.close(s, 'locked');
        throw new SupportError('code_locked', 'Too many wrong codes.');
      }
      throw new SupportError('code_invalid', 'Wrong code.', { attemptsLeft: left });
    }
    s.code = null;
    if (purpose === 'agent') s.agentCodePassed = true;
    advance(s);
    return this.view(s);
  }

  /** Under the `passkey` mode the e-mailed agent code is refused (and not offered). */
  private agentCodeOffered(purpose: CodePurpose): void {
    if (purpose === 'agent' && this.limits.agentStepUp === 'passkey')
      throw new SupportError('step_up_not_allowed', 'The agent verifies with a passkey.');
  }

  async createHandoff(sessionId: string, destination: Destination, options: CallOptions): Promise<Handoff> {
    await this.enter('createHandoff', `createHandoff:${destination}`, options);
    parse(CreateHandoffRequest, { destination });
    const s = this.command(sessionId, 'verified');
    const role = s.role;
    if (s.flow !== 'technical-assistance' || !role || !isDestinationAllowed(role, destination)) {
      throw new SupportError('forbidden', 'Destination not allowed.');
    }
    // One open handoff per session: a new one revokes the unclaimed ones.
    for (const h of this.handoffs.values()) if (h.sessionId === sessionId && !h.claimedAt) h.revoked = true;
    const now = this.now();
    const token = drawToken();
    const record: HandoffRecord = {
      id: uuid(),
      sessionId,
      destination,
      expiresAt: now + this.limits.handoffTtlMs,
      claimedAt: null,
      revoked: false,
      token,
      emailedAt: null,
    };
    this.handoffs.set(record.id, record);
    const host = destination === 'app' ? 'app' : destination === 'store' ? 'store' : 'web';
    return {
      id: record.id,
      destination,
      page: destinationPage(role, destination),
      link: `https://${host}.waizant.example/assisted#token=${token}`,
      expiresAt: new Date(record.expiresAt).toISOString(),
      expiresIn: Math.round(this.limits.handoffTtlMs / 1000),
    };
  }

  async getHandoff(sessionId: string, handoffId: string, options: CallOptions): Promise<HandoffStatus> {
    await this.enter('getHandoff', 'getHandoff', options);
    return this.handoffStatus(this.live(sessionId, { touch: false }), handoffId);
  }

  async emailHandoff(
    sessionId: string,
    handoffId: string,
    token: string,
    options: CallOptions,
  ): Promise<HandoffEmail> {
    await this.enter('emailHandoff', 'emailHandoff', options);
    parse(EmailHandoffRequest, { token });
    const s = this.command(sessionId, 'verified');
    const h = this.handoffs.get(handoffId);
    // Wrong token, not the App's, claimed, revoked, expired or already e-mailed: one neutral refusal.
    const usable = h && h.sessionId === sessionId && h.destination === 'app' && h.token === token;
    if (!usable || h.claimedAt || h.revoked || h.emailedAt || this.now() > h.expiresAt) {
      throw new SupportError('handoff_invalid', 'This QR code can no longer be sent by e-mail.');
    }
    h.emailedAt = this.now();
    const link = `https://app.waizant.example/assisted#token=${token}`;
    this.qrEmails.push({ handoffId, to: s.user.email, link });
    return { id: handoffId, sentTo: maskEmail(s.user.email), emailedAt: new Date(h.emailedAt).toISOString() };
  }

  async touch(sessionId: string, options: CallOptions) {
    await this.enter('touch', 'touch', options);
    return this.view(this.live(sessionId));
  }

  async cancel(sessionId: string, reason: string, options: CallOptions) {
    await this.enter('cancel', 'cancel', options);
    const parsed = parse(CancelRequest, { reason });
    const s = this.live(sessionId);
    s.cancelReason = parsed.reason;
    this.close(s, 'cancelled');
    return this.view(s);
  }

  async complete(sessionId: string, options: CallOptions) {
    await this.enter('complete', 'complete', options);
    const s = this.live(sessionId);
    expectStep(s, 'verified');
    this.close(s, 'completed');
    return this.view(s);
  }

  async listProcesses(
    sessionId: string,
    query: ProcessListQueryType,
    options: CallOptions,
  ): Promise<ProcessPage> {
    await this.enter('listProcesses', `listProcesses:${query.cursor ?? 'first'}`, options);
    const parsed = parse(ProcessListQuery, query);
    const s = this.activity(sessionId);
    const ecosystemId = parsed.ecosystemId ?? s.ecosystemId;
    if (!this.selectable(s).some((e) => e.id === ecosystemId)) {
      throw new SupportError('forbidden', 'Not an ecosystem of this successor.');
    }
    const all = (this.processes.get(s.user.id) ?? []).filter((p) => p.ecosystemId === ecosystemId);
    let offset = 0;
    if (parsed.cursor) {
      const match = /^o(\d+)$/.exec(parsed.cursor);
      if (!match) throw new SupportError('invalid_input', 'Malformed cursor.');
      offset = Number(match[1]);
    }
    const limit = parsed.limit ?? this.limits.pageSize;
    const items = all
      .slice(offset, offset + limit)
      .map(({ detail, reason, decidedBy, decidedAt, ...summary }) => summary);
    const next = offset + limit;
    return { items, nextCursor: next < all.length ? `o${next}` : null, total: all.length };
  }

  async getProcess(sessionId: string, processId: string, options: CallOptions): Promise<ProcessDetail> {
    await this.enter('getProcess', 'getProcess', options);
    const s = this.activity(sessionId);
    const found = (this.processes.get(s.user.id) ?? []).find(
      (p) => p.id === processId && p.ecosystemId === s.ecosystemId,
    );
    if (!found) throw new SupportError('not_found', 'No such process.');
    return found;
  }

  // ── internals ──

  private activity(sessionId: string): SessionRecord {
    const s = this.live(sessionId);
    expectStep(s, 'verified');
    if (s.flow !== 'ecosystem-admin') throw new SupportError('forbidden', 'Only for successor support.');
    return s;
  }
}
