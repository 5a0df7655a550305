import { fullFormats } from 'ajv-formats/dist/formats.js';
import { memoisedFullFormats } from '../../../src/http/formats.js';

type Check = (value: string) => boolean;
const checkOf = (definition: unknown): Check => (typeof definition === 'function' ? (definition as Check) : (definition as { validate: Check }).validate);

const samples: Record<string, string[]> = {
  'date-time': ['2026-02-28T10:00:00Z', '2026-02-30T10:00:00Z', '2026-02-28T25:00:00Z', '2026-02-28T10:00:00+01:00', '2026-02-28 10:00:00Z', ''],
  date: ['2024-02-29', '2026-02-29', '2026-13-01'],
  uri: ['http://127.0.0.1:8080', 'http://[::1', 'not a uri', 'https://example.test/a?b=c#d', ''],
};

test.each(Object.keys(samples))('memoised %s gives the same answers as ajv-formats full, first time and again', (name) => {
  const memoised = checkOf(memoisedFullFormats([name])[name]);
  const original = checkOf((fullFormats as Record<string, unknown>)[name]);
  for (const value of samples[name] ?? []) {
    expect([value, memoised(value)]).toEqual([value, original(value)]);
    expect([value, memoised(value)]).toEqual([value, original(value)]);
  }
  expect(samples[name]?.some((value) => !original(value))).toBe(true);
});

test('compare functions are kept (formatMinimum and the like still work)', () => {
  const dateTime = memoisedFullFormats(['date-time'])['date-time'] as { compare?: unknown };
  expect(dateTime.compare).toBe((fullFormats['date-time'] as { compare?: unknown }).compare);
});
