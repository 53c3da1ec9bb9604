import { describe, expect, it } from 'vitest';
import {
  codePurposeOf,
  DEFAULT_LIMITS,
  destinationPage,
  destinationsForRole,
  FLOW_STEPS,
  firstStep,
  ineligibility,
  isClosedStep,
  isDestinationAllowed,
  maskEmail,
  nextStep,
  resolveLimits,
  selectableEcosystems,
} from '../src/index.js';
import { ECOSYSTEMS } from './fixtures.js';

describe('destinations by role', () => {
  it('gives an administrator three buttons: Store, Web, App', () => {
    expect(destinationsForRole('administrator')).toEqual(['store', 'web', 'app']);
  });

  it('gives a managed user two buttons: Web, App', () => {
    expect(destinationsForRole('managed')).toEqual(['web', 'app']);
    expect(isDestinationAllowed('managed', 'store')).toBe(false);
  });

  it('opens the Web home for administrators and My Ecosystem for managed users', () => {
    expect(destinationPage('administrator', 'web')).toBe('web-home');
    expect(destinationPage('managed', 'web')).toBe('web-my-ecosystem');
    expect(destinationPage('administrator', 'store')).toBe('store');
    expect(destinationPage('managed', 'app')).toBe('app');
  });
});

describe('step order', () => {
  it('verifies the agent before the user in Technical Assistance', () => {
    expect(FLOW_STEPS['technical-assistance']).toEqual([
      'select_ecosystem',
      'agent_code',
      'user_code',
      'verified',
    ]);
    expect(firstStep('technical-assistance')).toBe('select_ecosystem');
    expect(nextStep('technical-assistance', 'agent_code')).toBe('user_code');
  });

  it('verifies the user before ecosystem and agent in Ecosystem Admin', () => {
    expect(FLOW_STEPS['ecosystem-admin']).toEqual([
      'user_code',
      'select_ecosystem',
      'agent_code',
      'verified',
    ]);
    expect(nextStep('ecosystem-admin', 'user_code')).toBe('select_ecosystem');
    expect(nextStep('ecosystem-admin', 'agent_code')).toBe('verified');
  });

  it('has no step after verified or a closed step', () => {
    expect(nextStep('technical-assistance', 'verified')).toBeNull();
    expect(nextStep('technical-assistance', 'cancelled')).toBeNull();
    expect(isClosedStep('locked')).toBe(true);
    expect(isClosedStep('user_code')).toBe(false);
  });

  it('binds each code step to its purpose', () => {
    expect(codePurposeOf('agent_code')).toBe('agent');
    expect(codePurposeOf('user_code')).toBe('user');
    expect(codePurposeOf('verified')).toBeNull();
  });
});

describe('eligibility', () => {
  const active = { status: 'active' as const, ecosystems: ECOSYSTEMS };

  it('lets an active user with ecosystems be assisted', () => {
    expect(ineligibility('technical-assistance', active)).toBeNull();
    expect(ineligibility('ecosystem-admin', active)).toBeNull();
  });

  it('names why a user cannot be assisted', () => {
    expect(ineligibility('technical-assistance', { ...active, status: 'unconfirmed' })).toBe(
      'account_unconfirmed',
    );
    expect(ineligibility('technical-assistance', { ...active, status: 'disabled' })).toBe('account_disabled');
    expect(ineligibility('technical-assistance', { ...active, status: 'locked' })).toBe('account_locked');
    expect(ineligibility('technical-assistance', { ...active, ecosystems: [] })).toBe('no_ecosystems');
    const notInherited = ECOSYSTEMS.filter((e) => !e.inherited);
    expect(ineligibility('ecosystem-admin', { ...active, ecosystems: notInherited })).toBe('not_a_successor');
  });

  it('offers only inherited ecosystems to successor support', () => {
    expect(selectableEcosystems('ecosystem-admin', ECOSYSTEMS).map((e) => e.name)).toEqual([
      'Grandpa Estate',
    ]);
    expect(selectableEcosystems('technical-assistance', ECOSYSTEMS)).toHaveLength(3);
  });
});

describe('limits', () => {
  it('defaults to the security checklist', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      codeDigits: 6,
      codeTtlSeconds: 600,
      codeMaxAttempts: 5,
      resendCooldownSeconds: 30,
      maxResends: 3,
      handoffTokenBytes: 16,
      handoffTtlSeconds: 120,
      idleTimeoutSeconds: 900,
      absoluteTimeoutSeconds: 3600,
    });
  });

  it("gives one agent a share of a user's code sends below the per-user cap (docs/limits.md)", () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      codeSendsPerSessionPerHour: 8,
      codeSendsPerAgentUserPerHour: 6,
      codeSendsPerUserPerHour: 20,
      codeSendsPerAgentPerHour: 60,
    });
    expect(DEFAULT_LIMITS.codeSendsPerAgentUserPerHour).toBeLessThan(DEFAULT_LIMITS.codeSendsPerUserPerHour);
  });

  it('accepts a stricter configuration', () => {
    expect(resolveLimits({ idleTimeoutSeconds: 600, codeTtlSeconds: 300 }).idleTimeoutSeconds).toBe(600);
  });

  it.each([
    [{ codeTtlSeconds: 3600 }, 'codeTtlSeconds'],
    [{ codeDigits: 4 }, 'codeDigits'],
    [{ handoffTokenBytes: 8 }, 'handoffTokenBytes'],
    [{ codeMaxAttempts: 0 }, 'codeMaxAttempts'],
    [{ idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 900 }, 'absoluteTimeoutSeconds'],
    [{ idleWarningSeconds: 900 }, 'idleWarningSeconds'],
    [{ codeTtlSeconds: 60, resendCooldownSeconds: 60 }, 'resendCooldownSeconds'],
    [{ codeSendsPerAgentUserPerHour: 20, codeSendsPerUserPerHour: 20 }, 'codeSendsPerAgentUserPerHour'],
    [{ codeSendsPerAgentUserPerHour: 3, maxResends: 3 }, 'codeSendsPerAgentUserPerHour'],
    [{ codeSendsPerUserPerHour: 1 }, 'codeSendsPerUserPerHour'],
    [{ unknownLimit: 1 } as never, 'unknownLimit'],
  ])('refuses %j naming the field', (input, field) => {
    expect(() => resolveLimits(input)).toThrow(new RegExp(field));
  });
});

describe('maskEmail', () => {
  it('keeps the first and last letter and the domain', () => {
    expect(maskEmail('ana.perez@example.com')).toBe('a***z@example.com');
    expect(maskEmail('al@example.com')).toBe('a***@example.com');
    expect(maskEmail('nonsense')).toBe('***');
  });
});
