/**
 * The contract: the OpenAPI document loaded once, the validator that enforces it on requests
 * and responses, and the translation of the validator's and body parser's errors into domain
 * errors (so src/http/problem.ts stays the only place that speaks HTTP status).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseQueryString } from 'node:querystring';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OpenApiValidator from 'express-openapi-validator';
import type { TimeoutRange } from '../discovery/types.js';
import { DomainError, ValidationError, type FieldError } from '../errors.js';
import { MethodNotAllowedError, NotAcceptableError, PayloadTooLargeError, RouteNotFoundError, UnsupportedMediaTypeError } from './errors.js';
import { parseContract } from './contract-cache.js';
import { memoisedFullFormats } from './formats.js';

/** The spec sits at the package root; this module runs from src/ (tests), dist/src/ (built) or dist/service/ (bundled). */
export function findSpecPath(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'openapi', 'llm-profiles.yaml');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`openapi/llm-profiles.yaml not found above ${from}`);
  }
}

export interface ContractDocument {
  /** The file's text, served as it is at /openapi.yaml. */
  yaml: string;
  document: Record<string, unknown>;
}

export function loadContract(specPath = findSpecPath()): ContractDocument {
  const yaml = readFileSync(specPath, 'utf8');
  return { yaml, document: parseContract(specPath, yaml) };
}

/** The contract as served: the same document naming the address the service really listens on. */
export interface ServedContract {
  yaml: string;
  document: Record<string, unknown>;
}

/**
 * Built once when the port is known, so "Try it out" and generated clients' default base URL
 * reach this instance; the file on disk keeps the default port.
 */
export function servedContract(contract: ContractDocument, url: string): ServedContract {
  const [first, ...rest] = (contract.document.servers as { url: string; description?: string }[] | undefined) ?? [];
  const servers = [{ ...first, url, description: 'This running service.' }, ...rest];
  const yaml = contract.yaml.replace(/^servers:\n {2}- url: .*$\n( {4}description: .*$)?/m, `servers:\n  - url: ${url}\n    description: This running service.`);
  if (yaml === contract.yaml) throw new Error('the contract has no servers block to point at this service');
  return { yaml, document: { ...contract.document, servers } };
}

type SchemaNode = {
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
};

function schemaOf(contract: ContractDocument, name: string): SchemaNode {
  const schemas = (contract.document.components as { schemas: Record<string, SchemaNode> }).schemas;
  const schema = schemas[name];
  if (!schema) throw new Error(`the contract has no schema ${name}`);
  return schema;
}

function propertyOf(schema: SchemaNode, name: string): SchemaNode {
  const found = schema.properties?.[name] ?? schema.allOf?.map((part) => part.properties?.[name]).find(Boolean);
  if (!found) throw new Error(`the contract's schema has no property ${name}`);
  return found;
}

/** The limits the code needs, read from the contract so they are written once. */
export interface ContractLimits {
  /** How many profiles may be saved (the list response's `maxItems`). */
  maxProfiles: number;
  /** The longest `instance` a problem may carry. */
  problemInstanceMaxLength: number;
  /** How many models a model list holds at most (its array branch's `maxItems`). */
  maxModels: number;
  /** The deadlines a discovery scan may ask for, and its default (`DiscoveryScope.timeoutMs`). */
  discoveryTimeoutMs: TimeoutRange;
}

export function contractLimits(contract: ContractDocument): ContractLimits {
  const maxProfiles = propertyOf(schemaOf(contract, 'ProfileListResponse'), 'profiles').maxItems;
  const problemInstanceMaxLength = propertyOf(schemaOf(contract, 'Problem'), 'instance').maxLength;
  const maxModels = propertyOf(schemaOf(contract, 'ModelListResponse'), 'models').oneOf?.find((branch) => branch.maxItems !== undefined)?.maxItems;
  const scanTimeout = propertyOf(schemaOf(contract, 'DiscoveryScope'), 'timeoutMs');
  const { minimum, maximum, default: fallback } = scanTimeout;
  if (
    maxProfiles === undefined ||
    problemInstanceMaxLength === undefined ||
    maxModels === undefined ||
    minimum === undefined ||
    maximum === undefined ||
    typeof fallback !== 'number'
  ) {
    throw new Error('the contract lacks a limit the code relies on');
  }
  return { maxProfiles, problemInstanceMaxLength, maxModels, discoveryTimeoutMs: { minimum, maximum, default: fallback } };
}

export function contractValidator(contract: ContractDocument) {
  return OpenApiValidator.middleware({
    // Not cloned here: the validator deep-copies the spec it is given before it changes anything.
    apiSpec: contract.document as never,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: { removeAdditional: false, coerceTypes: false },
    validateSecurity: false,
    // The contract has no multipart bodies: no multipart middleware on every request.
    fileUploader: false,
    validateFormats: true,
    // 'full', not the default regex-only 'fast': the contract's formats mean real dates and URIs (no 30 February, no unclosed IPv6 host).
    ajvFormats: { mode: 'full' },
    formats: memoisedFullFormats(['date-time', 'date', 'uri']) as never,
    ignoreUndocumented: false,
    // The spec ships with the code and cannot change at run time, and `npm test` lints it strictly:
    // checking it against the OpenAPI meta-schema at every start would only delay the first answer.
    validateApiSpec: false,
  });
}

type ParameterNode = { name?: string; in?: string; schema?: { type?: unknown } };

/**
 * The query parser: node's plain one, plus what generated clients send for the contract's array
 * parameters. `name[]=a&name[]=b` (axios, qs) and `name[0]=a` read as `name=a,b`; an empty value
 * (`name=`) means no filter rather than a list holding an empty string.
 */
export function queryParser(contract: ContractDocument): (query: string) => Record<string, unknown> {
  const parameters = Object.values((contract.document.components as { parameters?: Record<string, ParameterNode> }).parameters ?? {});
  const arrays = new Set(parameters.filter((p) => p.in === 'query' && p.schema?.type === 'array').map((p) => p.name as string));
  return (query) => {
    const parsed: Record<string, unknown> = parseQueryString(query);
    for (const key of Object.keys(parsed)) {
      const base = /^(.+)\[\d*\]$/.exec(key)?.[1];
      const name = base !== undefined && arrays.has(base) ? base : key;
      if (!arrays.has(name)) continue;
      const values = [parsed[name], ...(name === key ? [] : [parsed[key]])].flat().filter((v): v is string => typeof v === 'string' && v !== '');
      if (name !== key) delete parsed[key];
      if (values.length === 0) delete parsed[name];
      else parsed[name] = values.join(',');
    }
    return parsed;
  };
}

interface ValidatorIssue {
  path?: string;
  message?: string;
  errorCode?: string;
}

interface ValidatorError {
  status?: number;
  errors?: ValidatorIssue[];
  headers?: Record<string, string>;
  type?: string;
  limit?: number;
}

const KEYWORD_KEYS: Record<string, string> = {
  required: 'field.required',
  type: 'field.type',
  enum: 'field.enum',
  format: 'field.format',
  maxLength: 'field.maxLength',
  minLength: 'field.minLength',
  minimum: 'field.minimum',
  maximum: 'field.maximum',
  exclusiveMinimum: 'field.minimum',
  exclusiveMaximum: 'field.maximum',
  pattern: 'field.pattern',
  additionalProperties: 'field.unknown',
  unevaluatedProperties: 'field.unknown',
  minProperties: 'field.minProperties',
  maxItems: 'field.maxItems',
  minItems: 'field.minItems',
  uniqueItems: 'field.uniqueItems',
};

function toPointer(path: string | undefined): string {
  if (!path) return '/body';
  const normalised = path.startsWith('/') ? path : `/${path.replace(/^\./, '').replace(/\./g, '/')}`;
  return normalised.replace(/\[(\d+)\]/g, '/$1');
}

function limitOf(message: string): number | undefined {
  const match = /(?:than|equal to|=) (\d+)/.exec(message);
  return match?.[1] !== undefined ? Number(match[1]) : undefined;
}

function valueAt(body: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(2)
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
}

/**
 * The profile rules the contract states as `if`/`then` (and the patterns that carry a rule) fail
 * with ajv's generic words; these say what the service's own rule says, naming the field.
 */
function ruleErrorOf(pointer: string, keyword: string, message: string, body: unknown): FieldError | undefined {
  const at = /^\/body\/profile\/(apiKey|modelId|consentTimestamp|endpointUrl)$/.exec(pointer)?.[1];
  const conditionalType = keyword === 'type' && message === 'must be string';
  if (at === 'apiKey' && keyword === 'required') {
    return { pointer, messageKey: 'rule.apiKey.required', params: { provider: String(valueAt(body, '/body/profile/providerType')) } };
  }
  if (at === 'modelId' && (keyword === 'required' || conditionalType)) return { pointer, messageKey: 'rule.modelId.requiredAzure' };
  if (at === 'consentTimestamp' && (keyword === 'required' || conditionalType)) return { pointer, messageKey: 'rule.consent.required' };
  if (at === 'endpointUrl' && (keyword === 'anyOf' || keyword === 'pattern')) return { pointer, messageKey: 'rule.endpoint.azureHost' };
  if (keyword === 'pattern' && /^\/body\/(profile|changes)\/name$/.test(pointer)) return { pointer, messageKey: 'rule.name.blank' };
  if (keyword === 'pattern' && /^\/body\/scope\/hosts\/\d+$/.test(pointer)) {
    return { pointer, messageKey: 'rule.discovery.hostInvalid', params: { host: String(valueAt(body, pointer)).slice(0, 100) } };
  }
  return undefined;
}

/** Turns one validator complaint into a field error with a catalogue key and safe params. */
function fieldErrorOf(issue: ValidatorIssue, body: unknown): FieldError {
  const message = issue.message ?? 'is not valid';
  const keyword = issue.errorCode?.split('.')[0] ?? '';
  let pointer = toPointer(issue.path);
  const params: Record<string, string | number> = {};
  const missing = /required property '([^']+)'/.exec(message);
  if (keyword === 'required' && missing?.[1] && !pointer.endsWith(`/${missing[1]}`)) pointer = `${pointer}/${missing[1]}`;
  const rule = ruleErrorOf(pointer, keyword, message, body);
  if (rule) return rule;
  const extra = /additional propert(?:y|ies)(?: '([^']+)')?/.exec(message);
  if ((keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') && extra?.[1]) pointer = `${pointer}/${extra[1]}`;
  const limit = limitOf(message);
  if (limit !== undefined) params.limit = limit;
  const allowed = /allowed values?: (.+)$/.exec(message);
  if (allowed?.[1]) params.allowed = allowed[1].slice(0, 150);
  const format = /must match format "([^"]+)"/.exec(message);
  if (format?.[1]) params.format = format[1];
  const type = /must be (\w+)$/.exec(message);
  if (keyword === 'type' && type?.[1]) params.expected = type[1];
  return { pointer, messageKey: KEYWORD_KEYS[keyword] ?? 'field.invalid', params };
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * One error per field and rule: a failed `if`/`then` adds ajv's "must match then schema" to the
 * real complaint, and an `anyOf` reports each branch; the learner needs the real one once.
 */
function fieldErrorsOf(issues: ValidatorIssue[], body: unknown): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.errorCode?.startsWith('if.')) continue;
    const error = fieldErrorOf(issue, body);
    const key = `${error.pointer} ${error.messageKey}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(error);
  }
  return errors;
}

/**
 * Maps validator and body-parser errors to domain errors; anything else passes through untouched.
 * `body` is the parsed request body, for the values some rule messages name.
 */
export function translateFrameworkError(error: unknown, bodyLimitBytes: number, body?: unknown): unknown {
  if (error instanceof DomainError || typeof error !== 'object' || error === null) return error;
  const candidate = error as ValidatorError;
  if (candidate.type === 'entity.too.large') return new PayloadTooLargeError(candidate.limit ?? bodyLimitBytes);
  if (candidate.type === 'entity.parse.failed') {
    return new ValidationError([{ pointer: '/body', messageKey: 'field.malformedJson' }]);
  }
  if (candidate.type === 'encoding.unsupported' || candidate.type === 'charset.unsupported') return new UnsupportedMediaTypeError();
  const isValidatorError = Array.isArray(candidate.errors) && typeof candidate.status === 'number';
  if (!isValidatorError) return error;
  switch (candidate.status) {
    case 400:
      return new ValidationError(fieldErrorsOf(candidate.errors ?? [], body));
    case 404:
      return new RouteNotFoundError();
    case 405:
      return new MethodNotAllowedError(
        (candidate.headers?.Allow ?? '')
          .split(',')
          .map((m) => m.trim().toUpperCase())
          .filter(Boolean)
          .sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b)),
      );
    case 406:
      return new NotAcceptableError();
    case 413:
      return new PayloadTooLargeError(bodyLimitBytes);
    case 415:
      return new UnsupportedMediaTypeError();
    default:
      return error;
  }
}
