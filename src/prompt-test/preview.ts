/**
 * Text from a provider shown to the learner: control characters removed (line breaks and
 * tabs become spaces, so the preview stays on one line), bidirectional overrides removed (they
 * can disguise text), and the length capped without splitting a character.
 */
export const PREVIEW_MAX_CHARS = 500;

const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function cleanText(text: string): string {
  return text.replace(WHITESPACE_CONTROLS, ' ').replace(INVISIBLE_CONTROLS, '').trim();
}

/** Cuts `text` to `max` characters (code points); `truncated` says whether anything was cut. */
export function clip(text: string, max: number): { text: string; truncated: boolean } {
  const chars = Array.from(text);
  return chars.length <= max ? { text, truncated: false } : { text: chars.slice(0, max).join(''), truncated: true };
}

export function previewOf(text: string, max: number = PREVIEW_MAX_CHARS): { preview: string; truncated: boolean } {
  const { text: preview, truncated } = clip(cleanText(text), max);
  return { preview, truncated };
}
