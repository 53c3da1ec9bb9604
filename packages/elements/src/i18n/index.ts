import { en, type MessageKey, type Messages } from './en.js';

export type { MessageKey, Messages };
export type Lang = 'en' | 'es';

/** `es`, `es-CO`, `ES` → `es`; anything else → `en`. */
export function resolveLang(value: string | null | undefined): Lang {
  return value?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

const loaded = new Map<Lang, Messages>([['en', en]]);

/** English is bundled; Spanish is a separate chunk fetched the first time it is asked for. */
export async function loadMessages(lang: Lang): Promise<Messages> {
  const cached = loaded.get(lang);
  if (cached) return cached;
  const { es } = await import('./es.js');
  loaded.set('es', es);
  return es;
}

/** The messages already loaded for `lang`, or English while they load. */
export function messagesNow(lang: Lang): Messages {
  return loaded.get(lang) ?? en;
}

/** Fills `{name}` placeholders. The result is plain text: render it with a Lit binding. */
export function format(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** `m:ss` for a countdown; never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * A wait in words for a person: "30 seconds", "49 minutes" ("49 minutos"). Under a minute in
 * seconds, then whole minutes rounded up (never sooner than the server allows), hours from 2 h.
 */
export function formatWait(seconds: number, lang: Lang): string {
  const total = Math.max(1, Math.ceil(seconds));
  const [value, unit] =
    total < 60
      ? [total, 'second']
      : total < 7200
        ? [Math.ceil(total / 60), 'minute']
        : [Math.ceil(total / 3600), 'hour'];
  return formatter(
    `${lang}|${unit}`,
    () => new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }),
  ).format(value);
}

/**
 * Intl formatters, made once per language (and unit): making one takes milliseconds, and the
 * process list formats a date on every row it renders (README, Performance).
 */
const formatters = new Map<string, { format(value: number | Date): string }>();
function formatter<F extends { format(value: number | Date): string }>(key: string, make: () => F): F {
  let found = formatters.get(key) as F | undefined;
  if (!found) {
    found = make();
    formatters.set(key, found);
  }
  return found;
}

const dateFormat = (lang: Lang) =>
  formatter(`${lang}|date`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }));

export function formatDate(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateFormat(lang).format(date);
}

/**
 * Makes the date format of `lang` ahead of its first use: the first Intl date format a page
 * makes loads the locale's calendar data, tens of milliseconds that would otherwise fall on the
 * first paint of a process list.
 */
export function prepareDateFormat(lang: Lang): void {
  dateFormat(lang);
}
