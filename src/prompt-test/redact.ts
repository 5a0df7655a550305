/**
 * The last guard before an outcome leaves the use case: the API key and the prompt are
 * removed from every string in it, whatever path they took there (a model that echoes the
 * prompt, a key pasted into the model field, a proxy that reflects headers).
 */
export const REDACTED = '[…]';
/** Shorter secrets would match ordinary words; a key is never this short. */
const MIN_KEY_LENGTH = 4;
/** A short prompt such as "hi" is an ordinary word in any answer. */
const MIN_PROMPT_LENGTH = 12;

export function secretsOf(apiKey: string | null, prompt: string): string[] {
  const secrets: string[] = [];
  if (apiKey && apiKey.length >= MIN_KEY_LENGTH) secrets.push(apiKey);
  if (prompt.trim().length >= MIN_PROMPT_LENGTH) secrets.push(prompt, prompt.trim());
  // Longest first, so a secret containing another is removed whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Returns a copy of `value` with every string redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, secrets)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, secrets)])) as T;
  }
  return value;
}
