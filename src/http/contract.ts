/**
 * The contract: the OpenAPI document loaded once, the validator that enforces it on requests
 * and responses, and the translation of the validator's and body parser's errors into domain
 * errors (so src/http/problem.ts stays the only place that speaks HTTP status).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OpenApiValidator from 'express-openapi-validator';
import { load as parse } from 'js-yaml';
import { DomainError, ValidationError, type FieldError } from '../errors.js';
import { MethodNotAllowedError, NotAcceptableError, PayloadTooLargeError, RouteNotFoundError, UnsupportedMediaTypeError } from './errors.js';
import { memoisedFullFormats } from './formats.js';

/** The spec sits at the package root; this module runs from src/ (tests) or dist/src/ (built). */
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
  const document = parse(yaml) as Record<string, unknown>;
  return { yaml, document };
}

export function contractValidator(contract: ContractDocument) {
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(contract.document) as never,
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

/** Turns one validator complaint into a field error with a catalogue key and safe params. */
function fieldErrorOf(issue: ValidatorIssue): FieldError {
  const message = issue.message ?? 'is not valid';
  const keyword = issue.errorCode?.split('.')[0] ?? '';
  let pointer = toPointer(issue.path);
  const params: Record<string, string | number> = {};
  const missing = /required property '([^']+)'/.exec(message);
  if (keyword === 'required' && missing?.[1] && !pointer.endsWith(`/${missing[1]}`)) pointer = `${pointer}/${missing[1]}`;
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

/** Maps validator and body-parser errors to domain errors; anything else passes through untouched. */
export function translateFrameworkError(error: unknown, bodyLimitBytes: number): unknown {
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
      return new ValidationError((candidate.errors ?? []).map(fieldErrorOf));
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
