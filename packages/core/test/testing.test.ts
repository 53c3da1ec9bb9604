/**
 * The reference fake (`@waizant/support-core/testing`) holds the server's rules: tests of the
 * elements and of host code lean on it, so it must refuse what the server refuses.
 */
import { describe, expect, it } from 'vitest';
import { SupportError } from '../src/index.js';
import { createFakeSupportServices, makeUser, membership } from '../src/testing.js';

const call = { signal: new AbortController().signal };

function world(options: { now?: () => number } = {}) {
  const ana = makeUser({
    name: 'Ana Pérez',
    email: 'ana.perez@example.com',
    ecosystems: [membership('Casa Pérez', 'administrator'), membership('Legado', 'managed', true)],
  });
  const fake = createFakeSupportServices({ users: [ana], ...options });
  return { ana, fake };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SupportError)) throw new Error(`expected a SupportError, got ${String(error)}`);
  return error.code;
}

describe('the reference fake server', () => {
  it('validates requests with the contract and refuses steps out of order', async () => {
    const { ana, fake } = world();
    expect(await refusal(fake.lookup({ email: 'not an email', flow: 'technical-assistance' }, call))).toBe(
      'invalid_input',
    );
    const session = await fake.createSession({ flow: 'technical-assistance', userId: ana.id }, call);
    expect(session.step).toBe('select_ecosystem');
    expect(await refusal(fake.sendCode(session.id, 'agent', call))).toBe('wrong_step');
    expect(await refusal(fake.selectEcosystem(session.id, 'not-a-uuid', call))).toBe('invalid_input');
    expect(await refusal(fake.complete(session.id, call))).toBe('wrong_step');
    expect(await refusal(fake.cancel(session.id, ' ', call))).toBe('invalid_input');
    expect(fake.outbox).toEqual([]);
  });

  it('mails a real code, refuses a wrong one counting attempts, and locks after the last', async () => {
    const { ana, fake } = world();
    const session = await fake.createSession({ flow: 'technical-assistance', userId: ana.id }, call);
    await fake.selectEcosystem(session.id, ana.ecosystems[0]!.id, call);
    const sent = await fake.sendCode(session.id, 'agent', call);
    expect(sent.code?.attemptsLeft).toBe(5);
    expect(fake.lastCode('agent')).toMatch(/^\d{6}$/);
    const wrong = fake.wrongCode('agent');
    for (let i = 0; i < 4; i++)
      expect(await refusal(fake.verifyCode(session.id, 'agent', wrong, call))).toBe('code_invalid');
    expect(await refusal(fake.verifyCode(session.id, 'agent', wrong, call))).toBe('code_locked');
    expect(await refusal(fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), call))).toBe(
      'session_closed',
    );
    expect((await fake.getSession(session.id, call)).step).toBe('locked');
  });

  it('moves through both codes to the destinations of the role, and expires when idle', async () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const { ana, fake } = world({ now: () => now });
    const session = await fake.createSession({ flow: 'technical-assistance', userId: ana.id }, call);
    await fake.selectEcosystem(session.id, ana.ecosystems[0]!.id, call);
    await fake.sendCode(session.id, 'agent', call);
    expect(await refusal(fake.sendCode(session.id, 'agent', call))).toBe('resend_too_soon');
    await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), call);
    await fake.sendCode(session.id, 'user', call);
    expect(fake.outbox.map((m) => m.to)).toEqual(['agent.smith@waizant.example', ana.email]);
    const verified = await fake.verifyCode(session.id, 'user', fake.lastCode('user'), call);
    expect(verified.step).toBe('verified');
    expect(verified.destinations).toEqual(['store', 'web', 'app']);
    now += 15 * 60_000;
    expect(await refusal(fake.touch(session.id, call))).toBe('session_expired');
    expect((await fake.getSession(session.id, call)).step).toBe('expired');
  });

  it('closes the session as ineligible when the user lost the chosen ecosystem', async () => {
    const { ana, fake } = world();
    const session = await fake.createSession({ flow: 'technical-assistance', userId: ana.id }, call);
    await fake.selectEcosystem(session.id, ana.ecosystems[0]!.id, call);
    ana.ecosystems = ana.ecosystems.slice(1);
    expect(await refusal(fake.sendCode(session.id, 'agent', call))).toBe('user_ineligible');
    const closed = await fake.getSession(session.id, call);
    expect([closed.step, closed.ineligibleReason]).toEqual(['ineligible', 'membership_removed']);
    expect(fake.outbox).toEqual([]);
  });

  it('serves a successor only the processes of the verified ecosystem, page by page', async () => {
    const { ana, fake } = world();
    const legacy = ana.ecosystems[1]!;
    fake.seedProcesses(ana.id, legacy.id, 5);
    fake.seedProcesses(ana.id, ana.ecosystems[0]!.id, 3);
    const session = await fake.createSession({ flow: 'ecosystem-admin', userId: ana.id }, call);
    expect(await refusal(fake.listProcesses(session.id, {}, call))).toBe('wrong_step');
    await fake.sendCode(session.id, 'user', call);
    await fake.verifyCode(session.id, 'user', fake.lastCode('user'), call);
    expect(await refusal(fake.selectEcosystem(session.id, ana.ecosystems[0]!.id, call))).toBe(
      'invalid_input',
    );
    await fake.selectEcosystem(session.id, legacy.id, call);
    await fake.sendCode(session.id, 'agent', call);
    await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), call);
    const first = await fake.listProcesses(session.id, { limit: 2 }, call);
    expect([first.items.length, first.total, first.nextCursor]).toEqual([2, 5, 'o2']);
    const last = await fake.listProcesses(session.id, { cursor: 'o4', limit: 2 }, call);
    expect([last.items.length, last.nextCursor]).toEqual([1, null]);
    expect(await refusal(fake.listProcesses(session.id, { ecosystemId: ana.ecosystems[0]!.id }, call))).toBe(
      'forbidden',
    );
  });

  it('answers an injected failure for the calls asked, then the real rules again', async () => {
    const { ana, fake } = world();
    fake.fail('lookup', new SupportError('rate_limited', 'Slow down.', { retryAfterSeconds: 30 }), 1);
    expect(await refusal(fake.lookup({ email: ana.email, flow: 'technical-assistance' }, call))).toBe(
      'rate_limited',
    );
    expect(await fake.lookup({ email: ana.email, flow: 'technical-assistance' }, call)).toMatchObject({
      found: true,
      eligible: true,
    });
    expect(fake.calls).toEqual(['lookup', 'lookup']);
  });
});
