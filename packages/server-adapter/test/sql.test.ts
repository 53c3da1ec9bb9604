import { DEFAULT_LIMITS, OPEN_SESSION_STEPS } from '@waizant/support-core';
import { describe, expect, it } from 'vitest';
import { expiredSession, instantAt, liveSession } from '../src/services/session-store.js';
import { bind } from '../src/services/sql.js';

describe('named SQL parameters', () => {
  it('numbers each name once, in order of first use, and leaves ::type casts alone', () => {
    const [text, params] = bind('SELECT :b::uuid, :a, :b, $x::text[], :a_1', { a: 1, b: 'two', a_1: null });
    expect(text).toBe('SELECT $1::uuid, $2, $1, $x::text[], $3');
    expect(params).toEqual(['two', 1, null]);
  });

  it('refuses a name without a value instead of binding NULL', () => {
    expect(() => bind('SELECT :missing', {})).toThrow('SQL parameter :missing has no value');
  });
});

describe('the live-session predicate', () => {
  const at = instantAt(new Date('2026-11-29T12:00:00.000Z'), DEFAULT_LIMITS);

  it("names exactly core's open steps and binds now and the idle cutoff from one instant", () => {
    const live = liveSession(at, 's');
    const list = OPEN_SESSION_STEPS.map((step) => `'${step}'`).join(', ');
    expect(live.sql).toBe(
      `s.step IN (${list}) AND s.closed_at IS NULL AND s.last_activity_at > :idle_cutoff AND s.absolute_expires_at > :now`,
    );
    expect(live.params).toEqual({ now: '2026-11-29T12:00:00.000Z', idle_cutoff: '2026-11-29T11:45:00.000Z' });
  });

  it('and its expiry counterpart is the negation of the two limits over the same open steps', () => {
    const expired = expiredSession(at);
    expect(expired.sql).toContain(`step IN (${OPEN_SESSION_STEPS.map((s) => `'${s}'`).join(', ')})`);
    expect(expired.sql).toContain('(last_activity_at <= :idle_cutoff OR absolute_expires_at <= :now)');
    expect(expired.params).toEqual(liveSession(at).params);
  });
});
