/**
 * JSON Schema → fast-check, for the subset the contract uses: objects (properties, required,
 * additionalProperties: false, minProperties), strings (length, pattern, format uuid / uri /
 * date-time, enum), integers and numbers with bounds, booleans, arrays (items, min/maxItems,
 * uniqueItems), oneOf (with null) and $ref. `validArbitrary` draws values the schema accepts;
 * `mutationSites` lists the ways one value can be made to break it, each named by kind.
 */
import fc from 'fast-check';
import { resolveRef } from '../contract.js';

export type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Path = readonly (string | number)[];

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** Follows $ref (keeping sibling keywords, as OpenAPI 3.1 allows). */
export function deref(schema: Schema): Schema {
  if (typeof schema?.$ref !== 'string') return schema;
  const { $ref, ...siblings } = schema;
  const target = deref(resolveRef({ $ref }));
  return Object.keys(siblings).length > 0 ? { ...target, ...siblings } : target;
}

/** Length as JSON Schema counts it: in code points. */
function codePoints(text: string): number {
  return [...text].length;
}

function regexOf(schema: Schema): RegExp | null {
  return typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : null;
}

function lengthOk(schema: Schema, text: string): boolean {
  const length = codePoints(text);
  return length >= (schema.minLength ?? 0) && (schema.maxLength === undefined || length <= schema.maxLength);
}

export interface GenerateOptions {
  /** A biased arbitrary for the value at `path`, or undefined to draw from the schema. */
  override?: (path: Path, schema: Schema) => fc.Arbitrary<unknown> | undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * RFC 3339 date-times in the forms the standard allows: any offset, lower-case t/z, a space
 * separator, fractions of any length, and the leap second 23:59:60.
 */
function dateTimeArbitrary(): fc.Arbitrary<string> {
  const instant = fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('2999-12-31T23:59:59.999Z'), noInvalidDate: true });
  const offsetMinutes = fc.oneof(fc.constant(0), fc.integer({ min: -12 * 60, max: 14 * 60 }));
  const styled = fc
    .record({
      instant,
      offsetMinutes,
      separator: fc.constantFrom('T', 't', ' '),
      zulu: fc.constantFrom('Z', 'z'),
      fraction: fc.stringMatching(/^(\.\d{1,9})?$/),
      leap: fc.nat(9).map((n) => n === 0),
    })
    .map(({ instant: date, offsetMinutes, separator, zulu, fraction, leap }) => {
      // A leap second is only valid at 23:59 UTC, so it goes with a zero offset.
      const offset = leap ? 0 : offsetMinutes;
      const local = new Date(date.getTime() + offset * 60_000);
      const day = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
      const time = leap ? '23:59:60' : `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
      const zone = offset === 0 ? zulu : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
      return `${day}${separator}${time}${fraction}${zone}`;
    });
  return fc.oneof({ weight: 3, arbitrary: instant.map((date) => date.toISOString()) }, { weight: 1, arbitrary: styled });
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  const fits = (text: string) => lengthOk(schema, text);
  if (schema.format === 'uuid') return fc.uuid().filter(fits);
  if (schema.format === 'date-time') return dateTimeArbitrary().filter(fits);
  if (schema.format === 'uri') {
    return fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }).filter(fits);
  }
  const pattern = regexOf(schema);
  // Short by default; a long tail only where the schema allows long values.
  const cap = Math.min(max ?? 80, Math.max(min, 120));
  const unicode = fc.string({ unit: 'grapheme', minLength: min, maxLength: cap });
  if (!pattern) return fc.oneof(fc.string({ minLength: min, maxLength: cap }), unicode).filter(fits);
  const matching = fc.stringMatching(pattern).filter(fits);
  // Unicode text only where the pattern lets a fair share of it through (decided once, seeded).
  const share = fc.sample(unicode, { numRuns: 50, seed: 7 }).filter((text) => pattern.test(text) && fits(text)).length / 50;
  return share >= 0.3
    ? fc.oneof(
        matching,
        unicode.filter((text) => pattern.test(text) && fits(text)),
      )
    : matching;
}

/**
 * An object schema written as allOf (fields in a member, `if`/`then` rules in others) read as one
 * object: its members' properties and required lists merged. The rules are left to the caller,
 * which keeps only drawn values the whole schema accepts.
 */
function flattenAllOf(s: Schema): Schema {
  if (!Array.isArray(s.allOf)) return s;
  const members = (s.allOf as Schema[]).map(deref).filter((member) => member.properties);
  return {
    ...s,
    allOf: undefined,
    type: 'object',
    properties: Object.assign({}, s.properties, ...members.map((member) => member.properties)),
    required: [...((s.required ?? []) as string[]), ...members.flatMap((member) => (member.required ?? []) as string[])],
  };
}

export function validArbitrary(schema: Schema, options: GenerateOptions = {}, path: Path = []): fc.Arbitrary<unknown> {
  const s = flattenAllOf(deref(schema));
  const custom = options.override?.(path, s);
  if (custom) return custom;
  if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((type) => validArbitrary({ ...s, type }, options, path)));
  if (Array.isArray(s.oneOf)) return fc.oneof(...s.oneOf.map((branch: Schema) => validArbitrary(branch, options, path)));
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000, noNaN: true, noDefaultInfinity: true });
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const items = validArbitrary(s.items ?? {}, options, [...path, 0]);
      const bounds = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 6, 16) };
      return s.uniqueItems ? fc.uniqueArray(items, { ...bounds, selector: (v) => JSON.stringify(v) }) : fc.array(items, bounds);
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, validArbitrary(child, options, [...path, key])]));
      const record = fc.record(model, { requiredKeys: (s.required ?? []) as string[] }) as fc.Arbitrary<Record<string, unknown>>;
      const min = s.minProperties ?? 0;
      return min > 0 ? record.filter((value) => Object.keys(value).length >= min) : record;
    }
    default:
      throw new Error(`no generator for the schema at /${path.join('/')}: ${JSON.stringify(s).slice(0, 200)}`);
  }
}

/** Every JSON type the schema accepts. */
function acceptedTypes(schema: Schema): Set<JsonType> {
  const s = deref(schema);
  const types = new Set<JsonType>();
  if (Array.isArray(s.oneOf)) {
    for (const branch of s.oneOf as Schema[]) for (const t of acceptedTypes(branch)) types.add(t);
    return types;
  }
  if (Array.isArray(s.enum)) for (const v of s.enum as unknown[]) types.add(jsonTypeOf(v));
  for (const t of Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) types.add(t as JsonType);
  if (types.has('number')) types.add('integer');
  return types;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

type MutationKind =
  | 'dropRequired'
  | 'wrongType'
  | 'extraProperty'
  | 'overLong'
  | 'tooShort'
  | 'badEnum'
  | 'badFormat'
  | 'badPattern'
  | 'outOfRange'
  | 'tooManyItems'
  | 'tooFewItems'
  | 'duplicateItems'
  | 'tooFewProperties';

/** One way to break a value: `replace` returns the broken value for `path` (undefined = delete it). */
export interface MutationSite {
  kind: MutationKind;
  path: Path;
  /** Alternatives; the caller picks one with a generated index. */
  variants: (() => unknown)[];
  deletes?: boolean;
}

const WRONG_TYPE_SAMPLES: [JsonType, unknown][] = [
  ['string', 'not-the-right-type'],
  ['integer', 12_345],
  ['number', 1.5],
  ['boolean', true],
  ['null', null],
  ['array', ['x']],
  ['object', { unexpected: 1 }],
];

function wrongTypeValues(schema: Schema, textOnly: boolean): unknown[] {
  const accepted = acceptedTypes(schema);
  if (textOnly) return accepted.has('string') ? [] : ['not-the-right-type'];
  return WRONG_TYPE_SAMPLES.filter(([type]) => !accepted.has(type)).map(([, value]) => value);
}

// Besides plainly wrong values, ones a regex-only ("fast") format check lets through: no such day, no such hour, an unclosed IPv6 host.
const BAD_FORMATS: Record<string, string[]> = {
  uuid: ['not-a-uuid', '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a9', '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a9g', '3f0c9a527d1e4f6b9a432b8c5d7e1a90', '12345'],
  'date-time': ['yesterday', '2026-13-45T09:30:00Z', '2026-11-20 09:30', '2026-11-20', '2026-02-30T10:00:00Z', '2026-13-32T24:00:00Z', '2026-19-39T29:59:59Z'],
  uri: ['not a url', '//no-scheme.example', 'http://exa mple.com', '127.0.0.1:8080', 'http://[::1', 'http://[::1:8080/v1'],
};

const PATTERN_BREAKERS = ['   ', ' ', '\u0001', 'has space', 'tab\there', 'line\nbreak', '\u007f', 'é', '@#$', ''];

/** Options for values that travel as text (query, path, headers): only text-expressible breaks. */
export interface SiteOptions {
  textOnly?: boolean;
}

/** The ways `value` (valid for `schema`) can be broken, found by walking it alongside the schema. */
export function mutationSites(schema: Schema, value: unknown, options: SiteOptions = {}, path: Path = [], sites: MutationSite[] = []): MutationSite[] {
  const s = flattenAllOf(deref(schema));
  const wrong = wrongTypeValues(s, options.textOnly ?? false);
  if (wrong.length > 0) sites.push({ kind: 'wrongType', path, variants: wrong.map((v) => () => v) });
  if (Array.isArray(s.oneOf)) {
    const type = jsonTypeOf(value);
    const branch = (s.oneOf as Schema[]).find((b) => acceptedTypes(b).has(type));
    if (branch) innerSites(deref(branch), value, options, path, sites);
    return sites;
  }
  innerSites(s, value, options, path, sites);
  return sites;
}

function innerSites(s: Schema, value: unknown, options: SiteOptions, path: Path, sites: MutationSite[]): void {
  if (Array.isArray(s.enum)) {
    sites.push({ kind: 'badEnum', path, variants: [() => 'not-a-listed-value', () => `${String(value).toUpperCase()}!`, () => ''] });
    return;
  }
  if (typeof value === 'string') {
    if (s.maxLength !== undefined) {
      sites.push({ kind: 'overLong', path, variants: [1, 7, 100].map((extra) => () => value + 'a'.repeat(Math.max(0, s.maxLength - codePoints(value)) + extra)) });
    }
    if ((s.minLength ?? 0) > 0) sites.push({ kind: 'tooShort', path, variants: [() => [...value].slice(0, s.minLength - 1).join('')] });
    if (typeof s.format === 'string' && BAD_FORMATS[s.format]) {
      sites.push({ kind: 'badFormat', path, variants: (BAD_FORMATS[s.format] as string[]).map((bad) => () => bad) });
    }
    const pattern = regexOf(s);
    if (pattern) {
      const breakers = PATTERN_BREAKERS.filter((text) => !pattern.test(text) && lengthOk(s, text));
      if (breakers.length > 0) sites.push({ kind: 'badPattern', path, variants: breakers.map((text) => () => text) });
    }
    return;
  }
  if (typeof value === 'number') {
    const variants: (() => unknown)[] = [];
    if (s.minimum !== undefined)
      variants.push(
        () => s.minimum - 1,
        () => s.minimum - 1_000_000,
      );
    if (s.maximum !== undefined)
      variants.push(
        () => s.maximum + 1,
        () => s.maximum * 10 + 7,
      );
    if (variants.length > 0) sites.push({ kind: 'outOfRange', path, variants });
    return;
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined) {
      const filler = value.length > 0 ? value : ['x'];
      sites.push({ kind: 'tooManyItems', path, variants: [() => Array.from({ length: s.maxItems + 1 }, (_, i) => filler[i % filler.length])] });
    }
    if ((s.minItems ?? 0) > 0) sites.push({ kind: 'tooFewItems', path, variants: [() => []] });
    if (s.uniqueItems && value.length > 0) sites.push({ kind: 'duplicateItems', path, variants: [() => [...value, value[0]]] });
    value.forEach((item, index) => mutationSites(s.items ?? {}, item, options, [...path, index], sites));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) {
      if (key in record) sites.push({ kind: 'dropRequired', path: [...path, key], variants: [() => undefined], deletes: true });
    }
    if (s.additionalProperties === false) {
      sites.push({
        kind: 'extraProperty',
        path: [...path, 'unexpectedField'],
        variants: [() => 'surprise', () => 1, () => null, () => ({ nested: true })],
      });
    }
    if ((s.minProperties ?? 0) > 0 && Object.keys(record).length > 0) sites.push({ kind: 'tooFewProperties', path, variants: [() => ({})] });
    for (const [key, child] of Object.entries(record)) {
      if (properties[key]) mutationSites(properties[key], child, options, [...path, key], sites);
    }
  }
}

/** A deep copy of `root` with the value at `path` replaced (or deleted). */
export function applyAt(root: unknown, path: Path, replacement: unknown, deletes = false): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (deletes) delete node[last];
  else node[last] = replacement;
  return copy;
}
