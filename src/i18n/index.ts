/**
 * Message catalogue. Each area keeps its own file under ./messages (problems, fields,
 * profiles, outcomes, discovery) exporting a `Catalogue`; this module merges them and fills
 * `{placeholders}`. English is the fallback for any key a locale lacks.
 */
import type { Locale, MessageParams } from './types.js';
import { catalogues } from './messages/index.js';

export type { Locale, MessageParams } from './types.js';
export const LOCALES: readonly Locale[] = ['en', 'es'];
const DEFAULT_LOCALE: Locale = 'en';

const merged: Record<Locale, Record<string, string>> = { en: {}, es: {} };
for (const catalogue of catalogues) {
  for (const locale of LOCALES) Object.assign(merged[locale], catalogue[locale]);
}

export function hasMessage(key: string, locale: Locale = DEFAULT_LOCALE): boolean {
  return Object.hasOwn(merged[locale], key);
}

export function template(locale: Locale, key: string): string | undefined {
  return merged[locale][key] ?? merged[DEFAULT_LOCALE][key];
}

/** Placeholders a template expects, e.g. `{name}` → `name`. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
}

/**
 * Translates `key`, falling back to English, then to `fallback`, then to the key itself.
 * A placeholder with no value is left visible rather than silently dropped, so tests catch it.
 */
export function translate(locale: Locale, key: string, params: MessageParams = {}, fallback?: string): string {
  const text = template(locale, key) ?? fallback ?? key;
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

export function pickLocale(candidates: readonly string[] | false | undefined): Locale {
  if (!candidates) return DEFAULT_LOCALE;
  for (const candidate of candidates) {
    const primary = candidate.toLowerCase().split('-')[0];
    if (primary === 'en' || primary === 'es') return primary;
  }
  return DEFAULT_LOCALE;
}
