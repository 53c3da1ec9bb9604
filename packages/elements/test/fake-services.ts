import {
  type CallOptions,
  CancelReason,
  type CodePurpose,
  codePurposeOf,
  type Destination,
  destinationPage,
  destinationsForRole,
  type EcosystemMembership,
  type Flow,
  firstStep,
  type Handoff,
  type HandoffStatus,
  ineligibility,
  isClosedStep,
  isDestinationAllowed,
  type LookupResponse,
  maskEmail,
  nextStep,
  type ProcessDetail,
  type ProcessKind,
  type ProcessPage,
  type ProcessStatus,
  type Role,
  type SessionStep,
  SupportError,
  type SupportServices,
  type SupportSessionView,
  selectableEcosystems,
  type UserStatus,
  verificationCode,
} from '@waizant/support-core';

/**
 * An in-memory server that honours the contract: it issues real codes (read them from
 * `outbox`, like a mailbox), checks them, counts attempts, enforces the step order of each
 * flow, expires idle sessions and serves processes by cursor. It is not a mock.
 */
export interface FakeUser {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  ecosystems: EcosystemMembership[];
}

export interface FakeOptions {
  users?: FakeUser[];
  /** Local clock; tests may move it. */
  now?: () => number;
  idleMs?: number;
  warnBeforeMs?: number;
  absoluteMs?: number;
  codeTtlMs?: number;
  resendCooldownMs?: number;
  maxAttempts?: number;
  maxResends?: number;
  handoffTtlMs?: number;
  pageSize?: number;
  /** Milliseconds every call takes. */
  latencyMs?: number;
  agentEmail?: string;
  /** Digits of the codes it draws (the server's `codeDigits`). */
  codeDigits?: number;
}

export interface SentCode {
  sessionId: string;
  purpose: CodePurpose;
  to: string;
  code: string;
}

interface CodeRecord {
  code: string;
  sentAt: number;
  expiresAt: number;
  attemptsLeft: number;
  resendsLeft: number;
  resendAvailableAt: number;
}

interface SessionRecord {
  id: string;
  flow: Flow;
  user: FakeUser;
  step: SessionStep;
  ecosystemId: string | null;
  code: CodeRecord | null;
  /** Attempts left per step, counted across resends. */
  attempts: Partial<Record<CodePurpose, number>>;
  createdAt: number;
  lastActivityAt: number;
  closedAt: number | null;
  cancelReason: string | null;
}

interface HandoffRecord {
  id: string;
  sessionId: string;
  destination: Destination;
  expiresAt: number;
  claimedAt: number | null;
  revoked: boolean;
}

let counter = 0;
export function uuid(): string {
  return globalThis.crypto.randomUUID();
}

export function makeUser(partial: Partial<FakeUser> & { name: string; email: string }): FakeUser {
  return { id: uuid(), status: 'active', ecosystems: [], ...partial };
}

export function membership(name: string, role: Role, inherited = false): EcosystemMembership {
  return { id: uuid(), name, role, inherited };
}

const STATUSES: ProcessStatus[] = ['pending', 'in_review', 'approved', 'rejected'];
const KINDS: ProcessKind[] = ['designation', 'validation', 'transfer'];

export class FakeSupportServices implements SupportServices {
  readonly users: FakeUser[];
  readonly outbox: SentCode[] = [];
  readonly calls: string[] = [];
  readonly sessions = new Map<string, SessionRecord>();
  readonly handoffs = new Map<string, HandoffRecord>();
  readonly processes = new Map<string, ProcessDetail[]>();
  readonly options: Required<Omit<FakeOptions, 'users'>>;

  constructor(options: FakeOptions = {}) {
    this.users = options.users ?? [];
    this.options = {
      now: options.now ?? Date.now,
      codeDigits: options.codeDigits ?? 6,
      idleMs: options.idleMs ?? 15 * 60_000,
      warnBeforeMs: options.warnBeforeMs ?? 60_000,
      absoluteMs: options.absoluteMs ?? 60 * 60_000,
      codeTtlMs: options.codeTtlMs ?? 10 * 60_000,
      resendCooldownMs: options.resendCooldownMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 5,
      maxResends: options.maxResends ?? 3,
      handoffTtlMs: options.handoffTtlMs ?? 120_000,
      pageSize: options.pageSize ?? 50,
      latencyMs: options.latencyMs ?? 5,
      agentEmail: options.agentEmail ?? 'agent.smith@waizant.example',
    };
  }

  // ── helpers for tests ──

  /** The last code mailed for a purpose (reading the mailbox). */
  lastCode(purpose: CodePurpose): string {
    const sent = [...this.outbox].reverse().find((s) => s.purpose === purpose);
    if (!sent) throw new Error(`no ${purpose} code was sent`);
    return sent.code;
  }

  /** A code that is well formed but not the one issued. */
  wrongCode(purpose: CodePurpose): string {
    const right = this.lastCode(purpose);
    return right === '000000' ? '111111' : '000000';
  }

  /** The phone scanned the QR: the destination app redeemed the handoff. */
  claimLatestHandoff(): void {
    const last = [...this.handoffs.values()].pop();
    if (!last) throw new Error('no handoff');
    last.claimedAt = this.now();
  }

  /** Seeds `count` processes for a user's ecosystem, newest first. */
  seedProcesses(
    userId: string,
    ecosystemId: string,
    count: number,
    make?: (i: number) => Partial<ProcessDetail>,
  ) {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const list = this.processes.get(userId) ?? [];
    for (let i = 0; i < count; i++) {
      const status = STATUSES[i % STATUSES.length] as ProcessStatus;
      const kind = KINDS[i % KINDS.length] as ProcessKind;
      const decided = status === 'approved' || status === 'rejected';
      list.push({
        id: uuid(),
        ecosystemId,
        kind,
        title: `Process ${i + 1}: ${kind}`,
        status,
        createdAt: new Date(base - i * 3_600_000).toISOString(),
        updatedAt: new Date(base - i * 3_600_000 + 60_000).toISOString(),
        detail: `Detail of process ${i + 1}`,
        reason: status === 'rejected' ? 'Documents did not match' : null,
        decidedBy: decided ? 'Waizant' : null,
        decidedAt: decided ? new Date(base - i * 3_600_000 + 120_000).toISOString() : null,
        ...make?.(i),
      });
    }
    this.processes.set(userId, list);
  }

  now(): number {
    return this.options.now();
  }

  // ── the contract ──

  async lookup(request: { email: string; flow: Flow }, options: CallOptions): Promise<LookupResponse> {
    await this.enter('lookup', options);
    const user = this.users.find((u) => u.email === request.email.trim().toLowerCase());
    if (!user) return { found: false };
    const reason = ineligibility(request.flow, user);
    return {
      found: true,
      user: {
        id: user.id,
        name: user.name,
        email: user.email,
        status: user.status,
        ecosystems: user.ecosystems,
      },
      eligible: reason === null,
      ineligibleReason: reason,
    };
  }

  async createSession(request: { flow: Flow; userId: string }, options: CallOptions) {
    await this.enter('createSession', options);
    const user = this.users.find((u) => u.id === request.userId);
    if (!user) throw new SupportError('not_found', 'No such user.');
    if (ineligibility(request.flow, user)) throw new SupportError('not_eligible', 'Not eligible.');
    const now = this.now();
    const record: SessionRecord = {
      id: uuid(),
      flow: request.flow,
      user,
      step: firstStep(request.flow),
      ecosystemId: null,
      code: null,
      attempts: {},
      createdAt: now,
      lastActivityAt: now,
      closedAt: null,
      cancelReason: null,
    };
    this.sessions.set(record.id, record);
    return this.view(record);
  }

  async getSession(sessionId: string, options: CallOptions) {
    await this.enter('getSession', options);
    return this.view(this.live(sessionId, { touch: false, allowClosed: true }));
  }

  async selectEcosystem(sessionId: string, ecosystemId: string, options: CallOptions) {
    await this.enter('selectEcosystem', options);
    const s = this.live(sessionId);
    this.expectStep(s, 'select_ecosystem');
    if (!selectableEcosystems(s.flow, s.user.ecosystems).some((e) => e.id === ecosystemId)) {
      throw new SupportError('invalid_input', 'That ecosystem cannot be chosen.');
    }
    s.ecosystemId = ecosystemId;
    this.advance(s);
    return this.view(s);
  }

  async sendCode(sessionId: string, purpose: CodePurpose, options: CallOptions) {
    await this.enter(`sendCode:${purpose}`, options);
    const s = this.live(sessionId);
    this.expectStep(s, purpose === 'agent' ? 'agent_code' : 'user_code');
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
    const digits = this.options.codeDigits;
    const code = String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0');
    s.attempts[purpose] ??= this.options.maxAttempts;
    s.code = {
      code,
      sentAt: now,
      expiresAt: now + this.options.codeTtlMs,
      attemptsLeft: s.attempts[purpose] as number,
      resendsLeft: previous ? previous.resendsLeft - 1 : this.options.maxResends,
      resendAvailableAt: now + this.options.resendCooldownMs,
    };
    this.outbox.push({
      sessionId,
      purpose,
      to: purpose === 'agent' ? this.options.agentEmail : s.user.email,
      code,
    });
    return this.view(s);
  }

  async verifyCode(sessionId: string, purpose: CodePurpose, code: string, options: CallOptions) {
    await this.enter(`verifyCode:${purpose}`, options);
    if (!verificationCode(this.options.codeDigits).safeParse(code).success)
      throw new SupportError('invalid_input', 'Malformed code.');
    const s = this.live(sessionId);
    this.expectStep(s, purpose === 'agent' ? 'agent_code' : 'user_code');
    const challenge = s.code;
    if (!challenge) throw new SupportError('code_not_sent', 'No code was sent.');
    if (this.now() > challenge.expiresAt) throw new SupportError('code_expired', 'The code expired.');
    if (challenge.code !== code) {
      const left = (s.attempts[purpose] ?? this.options.maxAttempts) - 1;
      s.attempts[purpose] = left;
      challenge.attemptsLeft = left;
      if (left <= 0) {
        this.close(s, 'locked');
        throw new SupportError('code_locked', 'Too many wrong codes.');
      }
      throw new SupportError('code_invalid', 'Wrong code.', { attemptsLeft: left });
    }
    s.code = null;
    this.advance(s);
    return this.view(s);
  }

  async createHandoff(sessionId: string, destination: Destination, options: CallOptions): Promise<Handoff> {
    await this.enter(`createHandoff:${destination}`, options);
    const s = this.live(sessionId);
    this.expectStep(s, 'verified');
    const role = this.role(s);
    if (s.flow !== 'technical-assistance' || !role || !isDestinationAllowed(role, destination)) {
      throw new SupportError('forbidden', 'Destination not allowed.');
    }
    for (const h of this.handoffs.values()) if (h.sessionId === sessionId && !h.claimedAt) h.revoked = true;
    const now = this.now();
    const record: HandoffRecord = {
      id: uuid(),
      sessionId,
      destination,
      expiresAt: now + this.options.handoffTtlMs,
      claimedAt: null,
      revoked: false,
    };
    this.handoffs.set(record.id, record);
    const token = `tok${String(++counter).padStart(4, '0')}${'A'.repeat(22)}`;
    const host = destination === 'app' ? 'app' : destination === 'store' ? 'store' : 'web';
    return {
      id: record.id,
      destination,
      page: destinationPage(role, destination),
      link: `https://${host}.waizant.example/assisted#token=${token}`,
      expiresAt: new Date(record.expiresAt).toISOString(),
      expiresIn: Math.round(this.options.handoffTtlMs / 1000),
    };
  }

  async getHandoff(sessionId: string, handoffId: string, options: CallOptions): Promise<HandoffStatus> {
    await this.enter('getHandoff', options);
    const s = this.live(sessionId, { touch: false });
    const h = this.handoffs.get(handoffId);
    if (!h || h.sessionId !== s.id) throw new SupportError('not_found', 'No such handoff.');
    const role = this.role(s) ?? 'managed';
    return {
      id: h.id,
      destination: h.destination,
      page: destinationPage(role, h.destination),
      state: h.claimedAt
        ? 'claimed'
        : h.revoked
          ? 'revoked'
          : this.now() > h.expiresAt
            ? 'expired'
            : 'pending',
      expiresAt: new Date(h.expiresAt).toISOString(),
      claimedAt: h.claimedAt ? new Date(h.claimedAt).toISOString() : null,
    };
  }

  async touch(sessionId: string, options: CallOptions) {
    await this.enter('touch', options);
    return this.view(this.live(sessionId));
  }

  async cancel(sessionId: string, reason: string, options: CallOptions) {
    await this.enter('cancel', options);
    const parsed = CancelReason.safeParse(reason);
    if (!parsed.success) throw new SupportError('invalid_input', 'A reason is required.');
    const s = this.live(sessionId);
    s.cancelReason = parsed.data;
    this.close(s, 'cancelled');
    return this.view(s);
  }

  async complete(sessionId: string, options: CallOptions) {
    await this.enter('complete', options);
    const s = this.live(sessionId);
    this.expectStep(s, 'verified');
    this.close(s, 'completed');
    return this.view(s);
  }

  async listProcesses(
    sessionId: string,
    query: { ecosystemId?: string; cursor?: string; limit?: number },
    options: CallOptions,
  ): Promise<ProcessPage> {
    await this.enter(`listProcesses:${query.cursor ?? 'first'}`, options);
    const s = this.live(sessionId);
    this.expectActivity(s);
    const ecosystemId = query.ecosystemId ?? s.ecosystemId;
    if (!selectableEcosystems(s.flow, s.user.ecosystems).some((e) => e.id === ecosystemId)) {
      throw new SupportError('forbidden', 'Not an ecosystem of this successor.');
    }
    const all = (this.processes.get(s.user.id) ?? []).filter((p) => p.ecosystemId === ecosystemId);
    let offset = 0;
    if (query.cursor) {
      const match = /^o(\d+)$/.exec(query.cursor);
      if (!match) throw new SupportError('invalid_input', 'Malformed cursor.');
      offset = Number(match[1]);
    }
    const limit = query.limit ?? this.options.pageSize;
    const items = all
      .slice(offset, offset + limit)
      .map(({ detail, reason, decidedBy, decidedAt, ...summary }) => summary);
    const next = offset + limit;
    return { items, nextCursor: next < all.length ? `o${next}` : null, total: all.length };
  }

  async getProcess(sessionId: string, processId: string, options: CallOptions): Promise<ProcessDetail> {
    await this.enter('getProcess', options);
    const s = this.live(sessionId);
    this.expectActivity(s);
    const found = (this.processes.get(s.user.id) ?? []).find((p) => p.id === processId);
    if (!found) throw new SupportError('not_found', 'No such process.');
    return found;
  }

  // ── internals ──

  private async enter(name: string, options: CallOptions): Promise<void> {
    this.calls.push(name);
    await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
  }

  private live(sessionId: string, opts: { touch?: boolean; allowClosed?: boolean } = {}): SessionRecord {
    const s = this.sessions.get(sessionId);
    if (!s) throw new SupportError('not_found', 'No such session.');
    const now = this.now();
    if (!isClosedStep(s.step)) {
      if (now >= s.lastActivityAt + this.options.idleMs || now >= s.createdAt + this.options.absoluteMs) {
        this.close(s, 'expired');
      }
    }
    if (opts.allowClosed) return s;
    if (s.step === 'expired') throw new SupportError('session_expired', 'The session expired.');
    if (isClosedStep(s.step)) throw new SupportError('session_closed', 'The session is closed.');
    if (opts.touch !== false) s.lastActivityAt = now;
    return s;
  }

  private expectStep(s: SessionRecord, step: SessionStep): void {
    if (s.step !== step) throw new SupportError('wrong_step', `Expected ${step}, at ${s.step}.`);
  }

  private expectActivity(s: SessionRecord): void {
    this.expectStep(s, 'verified');
    if (s.flow !== 'ecosystem-admin') throw new SupportError('forbidden', 'Only for successor support.');
  }

  private advance(s: SessionRecord): void {
    const next = nextStep(s.flow, s.step);
    if (!next) throw new SupportError('wrong_step', 'No next step.');
    s.step = next;
    if (codePurposeOf(next) === null) s.code = null;
  }

  private close(s: SessionRecord, step: SessionStep): void {
    s.step = step;
    s.code = null;
    s.closedAt = this.now();
    for (const h of this.handoffs.values()) if (h.sessionId === s.id && !h.claimedAt) h.revoked = true;
  }

  private role(s: SessionRecord): Role | null {
    return s.user.ecosystems.find((e) => e.id === s.ecosystemId)?.role ?? null;
  }

  private view(s: SessionRecord): SupportSessionView {
    const iso = (ms: number) => new Date(ms).toISOString();
    const now = this.now();
    const expiresAt = Math.min(s.lastActivityAt + this.options.idleMs, s.createdAt + this.options.absoluteMs);
    const role = this.role(s);
    const purpose = codePurposeOf(s.step);
    return {
      id: s.id,
      flow: s.flow,
      step: s.step,
      user: { id: s.user.id, name: s.user.name, email: s.user.email },
      ecosystems: s.user.ecosystems,
      ecosystemId: s.ecosystemId,
      role,
      code:
        s.code && purpose
          ? {
              purpose,
              sentTo: maskEmail(purpose === 'agent' ? this.options.agentEmail : s.user.email),
              sentAt: iso(s.code.sentAt),
              expiresAt: iso(s.code.expiresAt),
              attemptsLeft: s.code.attemptsLeft,
              resendsLeft: s.code.resendsLeft,
              resendAvailableAt: iso(s.code.resendAvailableAt),
            }
          : null,
      destinations:
        s.step === 'verified' && s.flow === 'technical-assistance' && role
          ? [...destinationsForRole(role)]
          : [],
      createdAt: iso(s.createdAt),
      lastActivityAt: iso(s.lastActivityAt),
      expiresAt: iso(expiresAt),
      warnAt: iso(expiresAt - this.options.warnBeforeMs),
      absoluteExpiresAt: iso(s.createdAt + this.options.absoluteMs),
      closedAt: s.closedAt === null ? null : iso(s.closedAt),
      serverTime: iso(now),
    };
  }
}
