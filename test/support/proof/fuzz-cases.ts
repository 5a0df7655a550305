/**
 * Test cases for one operation, drawn from the contract: valid requests (every parameter and
 * body from its schema, biased so a fair share really succeeds) and invalid ones (one valid
 * request broken in one place, by a named kind). Profile ids are symbolic until sent, so a
 * case can name "an existing profile" without knowing which ones exist when it is drawn.
 */
import fc from 'fast-check';
import { operation } from '../contract.js';
import type { ProofRequest } from './http-client.js';
import { applyAt, deref, mutationSites, validArbitrary, type MutationSite, type Path, type Schema } from './schema-arbitrary.js';
import { parametersOf, problemsAt, requestBodyOf, type ParameterInfo } from './spec-validation.js';

/** A profile id: an index into the profiles that exist when the case is sent, or a literal. */
type IdRef = { existing: number } | { literal: string };

type InvalidKind = MutationSite['kind'] | 'wrongContentType' | 'malformedJson' | 'unknownQueryParameter';

export interface FuzzCase {
  operationId: string;
  valid: boolean;
  kind: 'valid' | InvalidKind;
  /** Where the case was broken, e.g. `body/profile/name` or `query/limit`. */
  target: string | null;
  path: Record<string, IdRef | string>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: { value: unknown } | null;
  /** Overrides for the wire form of the body. */
  contentType?: string;
  rawBody?: string;
  /** Give the profile a name no other profile has, so a create or rename can succeed. */
  uniqueName: boolean;
}

export interface CaseContext {
  /** Ports on 127.0.0.1 where nothing listens: tests through them fail fast with NETWORK_ERROR. */
  closedPorts: number[];
}

const HEADER_SAFE = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

function isUuidSchema(schema: Schema): boolean {
  return deref(schema).format === 'uuid';
}

function idRefArbitrary(): fc.Arbitrary<IdRef> {
  return fc.oneof({ weight: 3, arbitrary: fc.nat().map((existing) => ({ existing })) }, { weight: 1, arbitrary: fc.uuid().map((literal) => ({ literal })) });
}

function endsWith(path: Path, key: string): boolean {
  return path[path.length - 1] === key;
}

/** Biases for valid bodies: loopback endpoints at closed ports half the time, tests near their shortest timeout. */
function bodyOverride(operationId: string, context: CaseContext) {
  const loopback = fc
    .tuple(fc.constantFrom('http://127.0.0.1', 'http://localhost', 'http://[::1]', 'https://127.0.0.1'), fc.constantFrom(...context.closedPorts), fc.constantFrom('', '/', '/v1'))
    .map(([origin, port, suffix]) => `${origin}:${port}${suffix}`);
  const isTest = operationId === 'testProfile' || operationId === 'testDraftProfile';
  return (path: Path, schema: Schema): fc.Arbitrary<unknown> | undefined => {
    if (endsWith(path, 'endpointUrl')) return fc.oneof(loopback, validArbitrary(schema));
    if (isTest && path.length === 1 && path[0] === 'timeoutMs') return fc.oneof(fc.constant(1000), fc.integer({ min: 1000, max: 1500 }));
    // Discovery resolves remote host names with the system resolver (compose offers no seam for it), and tests
    // talk to loopback only: hosts are address literals or localhost, and scans short (nothing is probed anyway).
    if (path.join('/') === 'scope/timeoutMs') return fc.oneof(fc.constant(500), fc.integer({ min: 500, max: 600 }));
    if (path.join('/') === 'scope/hosts/0')
      return fc.oneof(
        fc.ipV4(),
        fc.ipV6().map((address) => (address.includes('.') ? address : `[${address}]`)),
        fc.constantFrom('[::1]', '::1', 'localhost'),
      );
    return undefined;
  };
}

function parameterArbitrary(parameter: ParameterInfo): fc.Arbitrary<unknown> {
  if (isUuidSchema(parameter.schema)) return idRefArbitrary();
  if (parameter.in === 'header') {
    const max = Math.min(deref(parameter.schema).maxLength ?? 80, 80);
    return fc
      .string({ unit: HEADER_SAFE, minLength: 1, maxLength: max })
      .map((text) => text.trim())
      .filter((text) => text.length > 0);
  }
  return validArbitrary(parameter.schema);
}

/** Valid requests for the operation. */
export function validCases(operationId: string, context: CaseContext): fc.Arbitrary<FuzzCase> {
  const parameters = parametersOf(operationId);
  const body = requestBodyOf(operationId);
  const optional = (arb: fc.Arbitrary<unknown>, presentWeight: number, absentWeight: number) =>
    fc.oneof({ weight: presentWeight, arbitrary: arb }, { weight: absentWeight, arbitrary: fc.constant(undefined) });
  const parameterModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of parameters) {
    const arb = parameterArbitrary(parameter);
    // If-Match mostly absent: a random one can only ever answer 412.
    parameterModel[`${parameter.in}:${parameter.name}`] = parameter.required ? arb : parameter.name === 'If-Match' ? optional(arb, 1, 4) : optional(arb, 1, 1);
  }
  let bodyArb: fc.Arbitrary<{ value: unknown } | null> = fc.constant(null);
  if (body) {
    // The generator reads fields and types; the contract's `if`/`then` rules decide which drawn bodies are valid.
    const drawn = validArbitrary(body.schema, { override: bodyOverride(operationId, context) })
      .filter((value) => problemsAt(body.schemaPointer, value).length === 0)
      .map((value) => ({ value }));
    bodyArb = body.required ? drawn : fc.option(drawn, { nil: null });
  }
  return fc.record({ parameters: fc.record(parameterModel), body: bodyArb, uniqueName: fc.boolean() }).map(({ parameters: values, body: drawn, uniqueName }) => {
    const testCase: FuzzCase = { operationId, valid: true, kind: 'valid', target: null, path: {}, query: {}, headers: {}, body: drawn, uniqueName };
    for (const parameter of parameters) {
      const value = values[`${parameter.in}:${parameter.name}`];
      if (value === undefined) continue;
      if (parameter.in === 'path') testCase.path[parameter.name] = value as IdRef;
      else if (parameter.in === 'query') testCase.query[parameter.name] = value;
      else testCase.headers[parameter.name] = value as string;
    }
    return testCase;
  });
}

interface CaseSite {
  kind: InvalidKind;
  target: string;
  variants: ((base: FuzzCase, extraName: string) => FuzzCase | null)[];
}

function withBody(base: FuzzCase, value: unknown): FuzzCase {
  return { ...base, body: { value } };
}

/** Every way to break `base` in one place: body sites, parameter sites and the wire-level ones. */
function caseSites(base: FuzzCase): CaseSite[] {
  const sites: CaseSite[] = [];
  const body = requestBodyOf(base.operationId);
  if (body && base.body) {
    for (const site of mutationSites(body.schema, base.body.value)) {
      sites.push({
        kind: site.kind,
        target: ['body', ...site.path].join('/'),
        variants: site.variants.map((variant) => (b: FuzzCase) => withBody(b, applyAt(b.body?.value, site.path, variant(), site.deletes))),
      });
    }
  }
  if (body) {
    const payload = (b: FuzzCase) => JSON.stringify(b.body?.value ?? {});
    sites.push({
      kind: 'wrongContentType',
      target: 'header/Content-Type',
      variants: ['text/plain', 'application/x-www-form-urlencoded', 'text/html; charset=utf-8', 'application/xml'].map((contentType) => (b: FuzzCase) => ({
        ...b,
        body: b.body ?? { value: {} },
        contentType,
        rawBody: payload(b),
      })),
    });
    sites.push({
      kind: 'malformedJson',
      target: 'body',
      variants: [
        (b: FuzzCase) => ({ ...b, body: b.body ?? { value: {} }, rawBody: payload(b).slice(0, -1) }),
        (b: FuzzCase) => ({ ...b, body: b.body ?? { value: {} }, rawBody: `${payload(b)},` }),
        (b: FuzzCase) => ({ ...b, body: b.body ?? { value: {} }, rawBody: "{'single': 'quotes'}" }),
      ],
    });
  }
  for (const parameter of parametersOf(base.operationId)) {
    const where = parameter.in === 'path' ? base.path : parameter.in === 'query' ? base.query : base.headers;
    const present = where[parameter.name];
    if (present === undefined) continue;
    const current = literalIds(present);
    for (const site of mutationSites(parameter.schema, current, { textOnly: true })) {
      sites.push({
        kind: site.kind,
        target: [parameter.in, parameter.name, ...site.path].join('/'),
        variants: site.variants.map((variant) => (b: FuzzCase) => {
          const value = applyAt(current, site.path, variant(), site.deletes);
          if (parameter.in === 'path') return { ...b, path: { ...b.path, [parameter.name]: String(value) } };
          if (parameter.in === 'query') return { ...b, query: { ...b.query, [parameter.name]: value } };
          if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) return null;
          return { ...b, headers: { ...b.headers, [parameter.name]: value } };
        }),
      });
    }
  }
  sites.push({
    kind: 'unknownQueryParameter',
    target: 'query',
    variants: [
      (b: FuzzCase, extraName: string) => ({ ...b, query: { ...b.query, [extraName]: 'surprise' } }),
      (b: FuzzCase, extraName: string) => ({ ...b, query: { ...b.query, [extraName]: '' } }),
    ],
  });
  return sites;
}

/** A symbolic id as a literal the validator can judge (any uuid does: only its form matters). */
function literalIds(value: unknown): unknown {
  return typeof value === 'object' && value !== null && ('existing' in value || 'literal' in value) ? '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90' : value;
}

/** What the independent validator finds wrong with a case's body and parameters (empty = schema-valid). */
export function schemaViolations(testCase: FuzzCase): string[] {
  const found: string[] = [];
  const body = requestBodyOf(testCase.operationId);
  if (body && testCase.body) found.push(...problemsAt(body.schemaPointer, testCase.body.value).map((p) => `body${p}`));
  if (body?.required && !testCase.body) found.push('body: required');
  for (const parameter of parametersOf(testCase.operationId)) {
    const where = parameter.in === 'path' ? testCase.path : parameter.in === 'query' ? testCase.query : testCase.headers;
    const value = where[parameter.name];
    if (value === undefined) {
      if (parameter.required) found.push(`${parameter.in} ${parameter.name}: required`);
      continue;
    }
    found.push(...problemsAt(parameter.schemaPointer, literalIds(value)).map((p) => `${parameter.in} ${parameter.name}${p}`));
  }
  return found;
}

/** The independent validator's verdict that a broken case really is invalid. */
function reallyInvalid(broken: FuzzCase): boolean {
  if (broken.kind === 'wrongContentType' || broken.kind === 'malformedJson' || broken.kind === 'unknownQueryParameter') return true;
  return schemaViolations(broken).length > 0;
}

/** Invalid requests: a valid one broken once, the kind chosen first so every kind gets its share. */
export function invalidCases(operationId: string, context: CaseContext): fc.Arbitrary<FuzzCase> {
  const declared = new Set(parametersOf(operationId).map((p) => p.name.toLowerCase()));
  const extraName = fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,15}$/).filter((name) => !declared.has(name.toLowerCase()));
  return fc
    .tuple(validCases(operationId, context), fc.nat(), fc.nat(), fc.nat(), extraName)
    .map(([base, kindIndex, siteIndex, variantIndex, extra]) => {
      const sites = caseSites(base);
      const kinds = [...new Set(sites.map((s) => s.kind))].sort();
      const kind = kinds[kindIndex % kinds.length] as InvalidKind;
      const ofKind = sites.filter((s) => s.kind === kind);
      const site = ofKind[siteIndex % ofKind.length] as CaseSite;
      const variant = site.variants[variantIndex % site.variants.length] as CaseSite['variants'][number];
      const broken = variant(base, extra);
      return broken ? ({ ...broken, valid: false, kind, target: site.target, uniqueName: false } satisfies FuzzCase as FuzzCase | null) : null;
    })
    .filter((c): c is FuzzCase => c !== null && reallyInvalid(c));
}

export interface SendContext {
  /** Ids of the profiles that exist now, for `{ existing }` references. */
  pool: readonly string[];
  token: string | null;
  /** A fresh number for a unique name. */
  nextNumber: () => number;
}

function resolveId(ref: IdRef | string, pool: readonly string[]): string {
  if (typeof ref === 'string') return ref;
  if ('literal' in ref) return ref.literal;
  return pool.length > 0 ? (pool[ref.existing % pool.length] as string) : '00000000-0000-4000-8000-000000000000';
}

function queryValue(value: unknown, pool: readonly string[]): string {
  if (Array.isArray(value)) return value.map((item) => encodeURIComponent(String(item))).join(',');
  if (typeof value === 'object' && value !== null && ('existing' in value || 'literal' in value)) return encodeURIComponent(resolveId(value as IdRef, pool));
  return encodeURIComponent(String(value));
}

function uniquify(body: unknown, n: number): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const copy = structuredClone(body) as Record<string, Record<string, unknown>>;
  for (const holder of ['profile', 'changes']) {
    const fields = copy[holder];
    if (fields && typeof fields.name === 'string') fields.name = `${fields.name.trim().slice(0, 80) || 'Profile'} #${n}`;
  }
  return copy;
}

/** The wire request for a case, with ids resolved against the profiles that exist now. */
export function toRequest(testCase: FuzzCase, context: SendContext): { request: ProofRequest; ids: Record<string, string> } {
  const op = operation(testCase.operationId);
  const ids: Record<string, string> = {};
  const path = op.route.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = testCase.path[name];
    const resolved = value === undefined ? '' : resolveId(value, context.pool);
    ids[name] = resolved;
    return encodeURIComponent(resolved);
  });
  const query = Object.entries(testCase.query)
    .map(([name, value]) => {
      if (typeof value === 'object' && value !== null && ('existing' in value || 'literal' in value)) ids[name] = resolveId(value as IdRef, context.pool);
      return `${encodeURIComponent(name)}=${queryValue(value, context.pool)}`;
    })
    .join('&');
  const headers: Record<string, string> = { ...testCase.headers };
  if (context.token !== null) headers.Authorization = `Bearer ${context.token}`;
  let body: string | undefined;
  if (testCase.body) {
    const value = testCase.valid && testCase.uniqueName ? uniquify(testCase.body.value, context.nextNumber()) : testCase.body.value;
    body = testCase.rawBody ?? JSON.stringify(value);
    headers['Content-Type'] = testCase.contentType ?? 'application/json';
  }
  return { request: { method: op.method.toUpperCase(), path: query ? `${path}?${query}` : path, headers, ...(body === undefined ? {} : { body }) }, ids };
}
