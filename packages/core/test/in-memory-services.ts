/**
 * An honest in-memory server for headless tests of the flow: it draws real codes, checks
 * them, counts attempts, enforces the step order and the idle deadline. Not a mock that
 * accepts anything — a wrong code fails here as it would on the real server.
 */
import {
  type CodePurpose,
  destinationPage,
  destinationsForRole,
  type Flow,
  firstStep,
  type Handoff,
  type HandoffStatus,
  ineligibility,
  type LookupResponse,
  maskEmail,
  nextStep,
  type ProcessDetail,
  type SessionStep,
  SupportError,
  type SupportServices,
  type SupportSessionView,
  selectableEcosystems,
} from '../src/index.js';
import { ECOSYSTEMS, IDS, PROCESS } from './fixtures.js';

const LIMITS = { attempts: 5, cooldownMs: 30_000, idleMs: 900_000, warnMs: 60_000, codeTtlMs: 600_000 };

interface Stored {
  view: SupportSessionView;
  code: string | null;
  attemptsUsed: number;
  resends: number;
}

export function createInMemoryServices(options: { now: () => number; flowUser?: 'active' | 'disabled' }) {
  const sessions = new Map<string, Stored>();
  const handoffs = new Map<string, HandoffStatus>();
  const outbox: { purpose: CodePurpose; code: string }[] = [];
  const calls: string[] = [];
  let counter = 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  const uuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

  function live(sessionId: string): Stored {
    const stored = sessions.get(sessionId);
    if (!stored) throw new SupportError('not_found', 'No such session.');
    if (['cancelled', 'locked', 'completed', 'expired'].includes(stored.view.step))
      throw new SupportError('session_closed', 'The session is closed.');
    if (options.now() >= Date.parse(stored.view.expiresAt)) {
      stored.view = { ...stored.view, step: 'expired', closedAt: iso(options.now()) };
      throw new SupportError('session_expired', 'The session expired.');
    }
    return stored;
  }
  function touch(stored: Stored, step?: SessionStep): SupportSessionView {
    const now = options.now();
    const view = { ...stored.view, ...(step ? { step } : {}) };
    stored.view = {
      ...view,
      lastActivityAt: iso(now),
      expiresAt: iso(now + LIMITS.idleMs),
      warnAt: iso(now + LIMITS.idleMs - LIMITS.warnMs),
      serverTime: iso(now),
    };
    return stored.view;
  }
  function expect(stored: Stored, step: SessionStep) {
    if (stored.view.step !== step) throw new SupportError('wrong_step', 'Not at this step.');
  }

  const services: SupportServices = {
    async lookup(request) {
      calls.push('lookup');
      if (request.email !== 'ana.perez@example.com') return { found: false };
      const user = {
        id: IDS.user,
        name: 'Ana Pérez',
        email: request.email,
        status: options.flowUser ?? 'active',
        ecosystems: ECOSYSTEMS,
      } as const;
      const reason = ineligibility(request.flow, user);
      return {
        found: true,
        user,
        eligible: reason === null,
        ineligibleReason: reason,
      } satisfies LookupResponse;
    },
    async createSession(request) {
      calls.push('createSession');
      const now = options.now();
      const id = uuid();
      const stored: Stored = {
        code: null,
        attemptsUsed: 0,
        resends: 0,
        view: {
          id,
          flow: request.flow,
          step: firstStep(request.flow),
          user: { id: request.userId, name: 'Ana Pérez', email: 'ana.perez@example.com' },
          ecosystems: ECOSYSTEMS,
          ecosystemId: null,
          role: null,
          code: null,
          destinations: [],
          createdAt: iso(now),
          lastActivityAt: iso(now),
          expiresAt: iso(now + LIMITS.idleMs),
          warnAt: iso(now + LIMITS.idleMs - LIMITS.warnMs),
          absoluteExpiresAt: iso(now + 3_600_000),
          closedAt: null,
          serverTime: iso(now),
        },
      };
      sessions.set(id, stored);
      return stored.view;
    },
    async getSession(sessionId) {
      const stored = sessions.get(sessionId);
      if (!stored) throw new SupportError('not_found', 'No such session.');
      if (options.now() >= Date.parse(stored.view.expiresAt) && stored.view.closedAt === null)
        stored.view = { ...stored.view, step: 'expired', closedAt: iso(options.now()) };
      return { ...stored.view, serverTime: iso(options.now()) };
    },
    async selectEcosystem(sessionId, ecosystemId) {
      calls.push('selectEcosystem');
      const stored = live(sessionId);
      expect(stored, 'select_ecosystem');
      const ecosystem = selectableEcosystems(stored.view.flow, stored.view.ecosystems).find(
        (e) => e.id === ecosystemId,
      );
      if (!ecosystem) throw new SupportError('invalid_input', 'Not one of the user’s ecosystems.');
      stored.view = { ...stored.view, ecosystemId, role: ecosystem.role };
      return touch(stored, nextStep(stored.view.flow, 'select_ecosystem') ?? 'verified');
    },
    async sendCode(sessionId, purpose) {
      calls.push(`sendCode:${purpose}`);
      const stored = live(sessionId);
      expect(stored, purpose === 'agent' ? 'agent_code' : 'user_code');
      const now = options.now();
      if (stored.view.code && now < Date.parse(stored.view.code.resendAvailableAt))
        throw new SupportError('resend_too_soon', 'Wait before resending.');
      if (stored.view.code) stored.resends += 1;
      stored.code = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
      outbox.push({ purpose, code: stored.code });
      stored.view = {
        ...stored.view,
        code: {
          purpose,
          sentTo: maskEmail(purpose === 'agent' ? 'agent@waizant.example' : stored.view.user.email),
          sentAt: iso(now),
          expiresAt: iso(now + LIMITS.codeTtlMs),
          attemptsLeft: LIMITS.attempts - stored.attemptsUsed,
          resendsLeft: 3 - stored.resends,
          resendAvailableAt: iso(now + LIMITS.cooldownMs),
        },
      };
      return touch(stored);
    },
    async verifyCode(sessionId, purpose, code) {
      calls.push(`verifyCode:${purpose}`);
      const stored = live(sessionId);
      const step = purpose === 'agent' ? 'agent_code' : 'user_code';
      expect(stored, step);
      if (!stored.code) throw new SupportError('code_not_sent', 'No code was sent.');
      stored.attemptsUsed += 1;
      if (code !== stored.code) {
        const attemptsLeft = LIMITS.attempts - stored.attemptsUsed;
        if (attemptsLeft <= 0) {
          stored.view = { ...stored.view, step: 'locked', closedAt: iso(options.now()) };
          throw new SupportError('code_locked', 'Too many wrong codes.');
        }
        throw new SupportError('code_invalid', 'Wrong code.', { attemptsLeft });
      }
      const next = nextStep(stored.view.flow, step) ?? 'verified';
      stored.code = null;
      stored.attemptsUsed = 0;
      stored.resends = 0;
      const role = stored.view.role;
      stored.view = {
        ...stored.view,
        code: null,
        destinations:
          next === 'verified' && stored.view.flow === 'technical-assistance' && role
            ? [...destinationsForRole(role)]
            : [],
      };
      return touch(stored, next);
    },
    async createHandoff(sessionId, destination) {
      calls.push(`createHandoff:${destination}`);
      const stored = live(sessionId);
      expect(stored, 'verified');
      const role = stored.view.role;
      if (!role || !destinationsForRole(role).includes(destination))
        throw new SupportError('forbidden', 'Not allowed.');
      const now = options.now();
      const handoff: Handoff = {
        id: uuid(),
        destination,
        page: destinationPage(role, destination),
        link: `https://web.waizant.example/assist#token=${'A'.repeat(22)}`,
        expiresAt: iso(now + 120_000),
        expiresIn: 120,
      };
      handoffs.set(handoff.id, { ...handoff, state: 'pending', claimedAt: null });
      touch(stored);
      return handoff;
    },
    async getHandoff(_sessionId, handoffId) {
      const status = handoffs.get(handoffId);
      if (!status) throw new SupportError('not_found', 'No such handoff.');
      return status;
    },
    async touch(sessionId) {
      calls.push('touch');
      return touch(live(sessionId));
    },
    async cancel(sessionId, reason) {
      calls.push(`cancel:${reason}`);
      const stored = live(sessionId);
      stored.view = { ...stored.view, step: 'cancelled', closedAt: iso(options.now()) };
      return stored.view;
    },
    async complete(sessionId) {
      calls.push('complete');
      const stored = live(sessionId);
      expect(stored, 'verified');
      stored.view = { ...stored.view, step: 'completed', closedAt: iso(options.now()) };
      return stored.view;
    },
    async listProcesses(sessionId, query) {
      calls.push(`listProcesses:${query.cursor ?? 'first'}`);
      const stored = live(sessionId);
      expect(stored, 'verified');
      return query.cursor
        ? {
            items: [{ ...PROCESS, id: IDS.handoff, status: 'approved' as const }],
            nextCursor: null,
            total: 2,
          }
        : { items: [PROCESS], nextCursor: 'page2', total: 2 };
    },
    async getProcess(sessionId, processId) {
      calls.push('getProcess');
      expect(live(sessionId), 'verified');
      if (processId !== PROCESS.id) throw new SupportError('not_found', 'No such process.');
      return {
        ...PROCESS,
        detail: 'The validation process for The Successor was rejected by Waizant',
        reason: 'The identity document had expired.',
        decidedBy: 'Waizant Compliance',
        decidedAt: PROCESS.updatedAt,
      } satisfies ProcessDetail;
    },
  };

  return {
    services,
    calls,
    lastCode: (purpose: CodePurpose) => [...outbox].reverse().find((m) => m.purpose === purpose)?.code ?? '',
    claim(handoffId: string) {
      const status = handoffs.get(handoffId);
      if (status)
        handoffs.set(handoffId, {
          ...status,
          state: 'claimed',
          claimedAt: new Date(options.now()).toISOString(),
        });
    },
    flowOf: (sessionId: string): Flow | undefined => sessions.get(sessionId)?.view.flow,
  };
}
