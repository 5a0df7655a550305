import { problemCodeValues, providerTypeValues } from '../../../generated/llm-profiles.js';
import { LOCALES, hasMessage, pickLocale, placeholders, translate } from '../../../src/i18n/index.js';
import { catalogues } from '../../../src/i18n/messages/index.js';
import { fieldMessages } from '../../../src/i18n/messages/fields.js';
import { problemMessages } from '../../../src/i18n/messages/problems.js';
import { profileMessages } from '../../../src/i18n/messages/profiles.js';

// Internals a learner must never read: library names, runtime leftovers, paths.
const BANNED_WORDS = /\b(express|ajv|lowdb|forge|got|stack|undefined|null|nan)\b/i;
const BANNED_FRAGMENTS = ['json schema', '/home/', '/tmp/'];
const MAX_LENGTH = 200;

const allEntries = catalogues.flatMap((catalogue) => LOCALES.flatMap((locale) => Object.entries(catalogue[locale]).map(([key, text]) => ({ locale, key, text }))));

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

describe('message catalogue', () => {
  it('includes the problem, field and profile catalogues', () => {
    expect(catalogues).toEqual(expect.arrayContaining([problemMessages, fieldMessages, profileMessages]));
  });

  it.each([...problemCodeValues])('has a title, user message and remediation for %s in every locale', (code) => {
    const keys = ['title', 'userMessage', 'remediation'].map((part) => `problem.${code}.${part}`);
    const missing = LOCALES.flatMap((locale) => keys.filter((key) => !hasMessage(key, locale)).map((key) => `${locale}:${key}`));
    expect(missing).toEqual([]);
  });

  it('has every safe-storage and profile-store reason variant', () => {
    const reasons = [
      ...[
        'key-missing',
        'key-unreadable',
        'key-permissions',
        'key-owner',
        'key-malformed',
        'key-mismatch',
        'keyring-locked',
        'keyring-absent',
        'keyring-timeout',
        'keyring-key-missing',
      ].map((r) => `problem.SAFE_STORAGE_UNAVAILABLE.reason.${r}`),
      ...['parse', 'invariant', 'io'].map((r) => `problem.VAULT_READ_ERROR.reason.${r}`),
      'health.vault.ok',
      'health.vault.unreadable',
      'health.safeStorage.available',
      'health.safeStorage.unavailable',
    ];
    const missing = LOCALES.flatMap((locale) => reasons.filter((key) => !hasMessage(key, locale)).map((key) => `${locale}:${key}`));
    expect(missing).toEqual([]);
  });

  it('has the same keys in English and Spanish in every catalogue', () => {
    for (const catalogue of catalogues) {
      expect(sorted(Object.keys(catalogue.es))).toEqual(sorted(Object.keys(catalogue.en)));
    }
  });

  it('uses the same placeholders in every locale', () => {
    const mismatches = catalogues.flatMap((catalogue) =>
      Object.keys(catalogue.en)
        .filter((key) => JSON.stringify(sorted(placeholders(catalogue.en[key] ?? ''))) !== JSON.stringify(sorted(placeholders(catalogue.es[key] ?? ''))))
        .map((key) => key),
    );
    expect(mismatches).toEqual([]);
  });

  it('keeps every message non-empty, short and free of internals', () => {
    expect(allEntries.length).toBeGreaterThan(100);
    const offenders = allEntries.filter(({ text }) => {
      const lower = text.toLowerCase();
      return text.trim().length === 0 || text.length > MAX_LENGTH || BANNED_WORDS.test(text) || BANNED_FRAGMENTS.some((f) => lower.includes(f));
    });
    expect(offenders).toEqual([]);
  });

  it('fills the documented placeholders of the problem texts', () => {
    expect(translate('en', 'problem.PROFILE_NOT_FOUND.userMessage', { profileId: 'abc' })).toContain('abc');
    expect(translate('es', 'problem.RATE_LIMITED.remediation', { retryAfterSeconds: 12 })).toBe('Espera 12 segundos y vuelve a intentarlo.');
    expect(translate('en', 'problem.DUPLICATE_PROFILE_NAME.userMessage', { name: 'Local' })).toContain('“Local”');
    expect(translate('en', 'problem.METHOD_NOT_ALLOWED.remediation', { allow: 'GET, PATCH' })).toContain('GET, PATCH');
    expect(translate('es', 'problem.PAYLOAD_TOO_LARGE.userMessage', { limitKb: 64 })).toContain('64 KB');
    expect(translate('en', 'rule.timeoutMs.range', { min: 1000, max: 120000 })).toBe('The time limit must be between 1000 and 120000 milliseconds.');
  });

  it('builds the screen-reader label and description from parts', () => {
    const label = translate('en', 'a11y.label', {
      name: 'Local llama.cpp',
      status: translate('en', 'a11y.status.active'),
      locality: translate('en', 'locality.this-device'),
    });
    expect(label).toBe('Local llama.cpp — active — runs on this computer');
    const description = translate('es', 'a11y.description', {
      provider: translate('es', 'provider.custom'),
      host: 'api.example.com',
      keyState: translate('es', 'a11y.key.saved'),
      consentState: translate('es', 'a11y.consent.given', { date: '2025-01-31' }),
    });
    expect(description).toBe('Servidor compatible con OpenAI en api.example.com. Clave de API guardada. Se aceptó enviar mensajes fuera de este equipo el 2025-01-31.');
    for (const type of providerTypeValues) expect(hasMessage(`provider.${type}`, 'es')).toBe(true);
    expect(translate('en', 'provider.azure')).toBe('Azure OpenAI');
  });

  it('falls back to the given text, then to the key, when no locale has the key', () => {
    expect(translate('es', 'no.such.key', {}, 'Fallback text')).toBe('Fallback text');
    expect(translate('es', 'no.such.key')).toBe('no.such.key');
  });

  it('leaves a placeholder with no value visible', () => {
    expect(translate('en', 'problem.RATE_LIMITED.remediation')).toBe('Wait {retryAfterSeconds} seconds, then try again.');
    expect(translate('es', 'rule.name.duplicate', { name: null })).toContain('{name}');
  });

  it('picks the locale from Accept-Language candidates', () => {
    expect(pickLocale(['es-MX'])).toBe('es');
    expect(pickLocale(['fr'])).toBe('en');
    expect(pickLocale(['fr-CA', 'ES'])).toBe('es');
    expect(pickLocale(undefined)).toBe('en');
    expect(pickLocale(false)).toBe('en');
  });
});
