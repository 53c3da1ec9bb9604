/**
 * The fake server's memory and the transitions every service shares: finding a live session
 * (expiring it when its deadline passed), closing it, and the handoffs' state.
 */
import type {
  EcosystemMembership,
  HandoffStatus,
  IneligibleReason,
  SessionStep,
  SupportSessionView,
} from '../contract/api.js';
import { SupportError } from '../contract/support-error.js';
import type { CallOptions, SupportServices } from '../machine/types.js';
import { destinationPage, isClosedStep, selectableEcosystems } from '../rules/flow.js';
import type { FakeUser } from './people.js';
import {
  expectStep,
  type FakeLimits,
  type HandoffRecord,
  isPastDeadline,
  type SessionRecord,
  sessionIneligibility,
} from './records.js';

export type ServiceName = keyof SupportServices;

/** Validates a request with its contract schema, as the server's boundary does. */
export function parse<T>(
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false } },
  input: unknown,
): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new SupportError('invalid_input', 'The request does not match the contract.');
  return result.data;
}

export class FakeSessionStore {
  readonly sessions = new Map<string, SessionRecord>();
  readonly handoffs = new Map<string, HandoffRecord>();
  /** Every call that reached the fake, by name (`sendCode:agent`, `listProcesses:first`, …). */
  readonly calls: string[] = [];
  private readonly failures = new Map<ServiceName, { error: unknown; times: number }>();

  constructor(
    /** The people the server knows; a test may change one (status, memberships) mid-session. */
    readonly users: FakeUser[],
    private readonly clock: () => number,
    readonly limits: FakeLimits,
    /** Milliseconds every call takes (0: answers on the next microtask). */
    public latencyMs = 0,
  ) {}

  /** The next `times` calls of `method` fail with `error` (an outage, a 429…) and change nothing. */
  fail(method: ServiceName, error: unknown, times = Number.POSITIVE_INFINITY): void {
    this.failures.set(method, { error, times });
  }

  /** `method` answers again. */
  heal(method: ServiceName): void {
    this.failures.delete(method);
  }

  now(): number {
    return this.clock();
  }

  /** The destination app redeemed a handoff (the phone scanned the QR): the latest one by default. */
  claimHandoff(handoffId?: string): void {
    const handoff = handoffId ? this.handoffs.get(handoffId) : [...this.handoffs.values()].pop();
    if (!handoff) throw new Error('no such handoff');
    if (handoff.revoked || handoff.claimedAt !== null || this.now() > handoff.expiresAt)
      throw new Error('the handoff can no longer be claimed');
    handoff.claimedAt = this.now();
  }

  /**
   * Closes a live session as `ineligible`, as the server does when another request (a handoff
   * redeem, another command) finds that its user can no longer be assisted.
   */
  closeIneligible(sessionId: string, reason: IneligibleReason): void {
    const s = this.sessions.get(sessionId);
    if (!s || isClosedStep(s.step)) return;
    s.ineligibleReason = reason;
    this.close(s, 'ineligible');
  }

  /**
   * The user followed the end link of their e-mail: closes a live session as `ended_by_user`, as
   * the server's end page does. False (and nothing changes) for an unknown session, one already
   * closed (the link is single use) or one past its deadline.
   */
  endByUser(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    if (isPastDeadline(s, this.now(), this.limits)) this.close(s, 'expired');
    if (isClosedStep(s.step)) return false;
    this.close(s, 'ended_by_user');
    return true;
  }

  protected live(sessionId: string, opts: { touch?: boolean; allowClosed?: boolean } = {}): SessionRecord {
    const s = this.sessions.get(sessionId);
    if (!s) throw new SupportError('not_found', 'No such session.');
    const now = this.now();
    if (isPastDeadline(s, now, this.limits)) this.close(s, 'expired');
    if (opts.allowClosed) return s;
    if (s.step === 'expired') throw new SupportError('session_expired', 'The session expired.');
    if (s.step === 'ended_by_user')
      throw new SupportError('session_ended_by_user', 'The user ended this support session.');
    if (isClosedStep(s.step)) throw new SupportError('session_closed', 'The session is closed.');
    if (opts.touch !== false) s.lastActivityAt = now;
    return s;
  }

  protected close(s: SessionRecord, step: SessionStep): void {
    s.step = step;
    s.code = null;
    s.closedAt = this.now();
    for (const h of this.handoffs.values()) if (h.sessionId === s.id && !h.claimedAt) h.revoked = true;
  }

  protected selectable(s: SessionRecord): readonly EcosystemMembership[] {
    return selectableEcosystems(s.flow, s.user.ecosystems);
  }

  protected handoffStatus(s: SessionRecord, handoffId: string): HandoffStatus {
    const h = this.handoffs.get(handoffId);
    if (!h || h.sessionId !== s.id) throw new SupportError('not_found', 'No such handoff.');
    const state = h.claimedAt
      ? 'claimed'
      : h.revoked
        ? 'revoked'
        : this.now() > h.expiresAt
          ? 'expired'
          : 'pending';
    return {
      id: h.id,
      destination: h.destination,
      page: destinationPage(s.role ?? 'managed', h.destination),
      state,
      expiresAt: new Date(h.expiresAt).toISOString(),
      claimedAt: h.claimedAt === null ? null : new Date(h.claimedAt).toISOString(),
    };
  }

  /** Records the call, waits the latency, then answers an injected failure if there is one. */
  protected async enter(method: ServiceName, name: string, options: CallOptions): Promise<void> {
    this.calls.push(name);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    else await Promise.resolve();
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    const failure = this.failures.get(method);
    if (!failure) return;
    failure.times -= 1;
    if (failure.times <= 0) this.failures.delete(method);
    throw failure.error;
  }

  /** A live session at `step` whose user may still be assisted (the server's access re-check). */
  protected command(sessionId: string, step: SupportSessionView['step']): SessionRecord {
    const s = this.live(sessionId, { touch: false });
    const reason = sessionIneligibility(s);
    if (reason) {
      this.closeIneligible(s.id, reason);
      throw new SupportError('user_ineligible', 'The user can no longer be assisted.', {
        ineligibleReason: reason,
      });
    }
    expectStep(s, step);
    s.lastActivityAt = this.now();
    return s;
  }
}
