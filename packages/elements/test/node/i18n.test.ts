import { describe, expect, it, vi } from 'vitest';
import { en } from '../../src/i18n/en.js';
import {
  format,
  formatDate,
  formatDuration,
  formatWait,
  loadMessages,
  resolveLang,
} from '../../src/i18n/index.js';

describe('i18n', () => {
  it('serves English until Spanish is asked for, then loads it once', async () => {
    // A fresh module instance, so no other test of this file has loaded Spanish already.
    vi.resetModules();
    const fresh = await import('../../src/i18n/index.js');
    const english = (await import('../../src/i18n/en.js')).en;
    expect(fresh.messagesNow('es')).toBe(english);
    const es = await fresh.loadMessages('es');
    expect(es['lookup.start']).toBe('Iniciar proceso de verificación');
    expect(fresh.messagesNow('es')).toBe(es);
    expect(await fresh.loadMessages('es')).toBe(es);
  });

  it('has a Spanish string for every English key', async () => {
    const es = await loadMessages('es');
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(es)) expect(value, key).not.toBe('');
  });

  it('resolves languages, fills placeholders as text and formats countdowns', () => {
    expect(resolveLang('es-CO')).toBe('es');
    expect(resolveLang('fr')).toBe('en');
    expect(resolveLang(null)).toBe('en');
    expect(format('Hi {name}', { name: '<b>x</b>' })).toBe('Hi <b>x</b>');
    expect(formatDuration(61_000)).toBe('1:01');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('says a wait in words, rounding up so nobody is told to retry too early', () => {
    expect(formatWait(2940, 'en')).toBe('49 minutes');
    expect(formatWait(2940, 'es')).toBe('49 minutos');
    expect(formatWait(30, 'en')).toBe('30 seconds');
    expect(formatWait(30, 'es')).toBe('30 segundos');
    expect(formatWait(1, 'en')).toBe('1 second');
    expect(formatWait(61, 'en')).toBe('2 minutes');
    expect(formatWait(60, 'es')).toBe('1 minuto');
    expect(formatWait(3600, 'en')).toBe('60 minutes');
    expect(formatWait(7200, 'en')).toBe('2 hours');
  });

  it('formats dates per language with one formatter each, not one per row', async () => {
    // A fresh module instance, so no other test of this file has made a formatter already.
    vi.resetModules();
    const fresh = await import('../../src/i18n/index.js');
    const Real = Intl.DateTimeFormat;
    const made = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (
      this: unknown,
      ...args: ConstructorParameters<typeof Real>
    ) {
      return new Real(...args);
    } as typeof Real);
    try {
      const iso = '2026-03-04T05:06:00Z';
      const en = Array.from({ length: 40 }, () => fresh.formatDate(iso, 'en'));
      const es = Array.from({ length: 40 }, () => fresh.formatDate(iso, 'es'));
      expect(new Set(en).size).toBe(1);
      expect(en[0]).toMatch(/Mar 4, 2026/);
      expect(es[0]).toMatch(/4 mar 2026/);
      expect(made).toHaveBeenCalledTimes(2);
      expect(formatDate('not a date', 'en')).toBe('not a date');
    } finally {
      made.mockRestore();
    }
  });
});
