/**
 * ajv-formats' `full` checks for the formats the contract uses that run code (date-time parses the
 * date, uri runs a long regex), each remembered per string. The same functions give the answers;
 * a value seen before (every stored profile's timestamps and URL, on every list) is not re-checked.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

type Check = (value: string) => boolean;
type FormatDefinition = Check | { validate: Check; compare?: (a: string, b: string) => number | undefined };

const REMEMBERED_PER_FORMAT = 4096;

function remembered(check: Check): Check {
  const answers = new Map<string, boolean>();
  return (value) => {
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = check(value);
      // Bounded: a flood of distinct strings starts the memory over rather than growing it.
      if (answers.size >= REMEMBERED_PER_FORMAT) answers.clear();
      answers.set(value, answer);
    }
    return answer;
  };
}

/** Memoised `full` definitions for the named formats, to pass to the validator beside `ajvFormats: { mode: 'full' }`. */
export function memoisedFullFormats(names: readonly string[]): Record<string, FormatDefinition> {
  const formats: Record<string, FormatDefinition> = {};
  for (const name of names) {
    const definition = (fullFormats as Record<string, unknown>)[name];
    if (typeof definition === 'function') formats[name] = remembered(definition as Check);
    else if (typeof definition === 'object' && definition !== null && 'validate' in definition && typeof definition.validate === 'function') {
      formats[name] = { ...(definition as object), validate: remembered(definition.validate as Check) };
    }
  }
  return formats;
}
