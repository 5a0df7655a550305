/**
 * The one place where errors become HTTP: domain errors map to a status and problem+json with
 * localised `userMessage`/`remediation` and field `errors[]`. Anything unknown is a generic 500
 * whose details go only to the log.
 */
import type { Response } from 'express';
import { providerTypeValues } from '../../generated/llm-profiles.js';
import { type DomainError, RateLimitedError, ValidationError, ConflictError, VaultLockedError, VaultReadError, type FieldError, type ProblemCode } from '../errors.js';
import { MethodNotAllowedError } from './errors.js';
import { hasMessage, translate, type Locale, type MessageParams } from '../i18n/index.js';
import { contextOf, metaOf } from './context.js';
import type { ProblemPayload } from './types.js';

export const STATUS_OF: Record<ProblemCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  PROFILE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  ACTIVE_PROFILE_REQUIRED: 409,
  ALTERNATE_NOT_FOUND: 409,
  DUPLICATE_PROFILE_NAME: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SAFE_STORAGE_UNAVAILABLE: 423,
  RATE_LIMITED: 429,
  VAULT_READ_ERROR: 500,
  VAULT_WRITE_ERROR: 500,
  INTERNAL_ERROR: 500,
};

const PROVIDER_TYPES = new Set<string>(providerTypeValues);

/** Provider types in messages read as their display names ("Azure OpenAI", not "azure"). */
function localiseParams(locale: Locale, params: MessageParams = {}): MessageParams {
  const out: MessageParams = { ...params };
  const provider = params.provider;
  if (typeof provider === 'string' && PROVIDER_TYPES.has(provider)) out.provider = translate(locale, `provider.${provider}`);
  return out;
}

/** The field a pointer names; inside a list, the list's name and the 1-based position ("hosts (item 2)"). */
function fieldName(locale: Locale, pointer: string): string {
  const segments = pointer
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = segments.pop() ?? 'body';
  if (!/^\d+$/.test(last)) return last;
  return translate(locale, 'field.item', { field: segments.pop() ?? 'body', position: Number(last) + 1 });
}

function fieldErrorMessage(locale: Locale, error: FieldError): string {
  const params = localiseParams(locale, { field: fieldName(locale, error.pointer), ...error.params });
  return translate(locale, error.messageKey, params, error.fallback ?? translate(locale, 'field.invalid', params));
}

/** Which variant key says the most about this error, e.g. the reason safe storage is locked. */
function variantKey(error: DomainError): string | null {
  if (error instanceof VaultLockedError || error instanceof VaultReadError) return `problem.${error.code}.reason.${error.reason}`;
  return null;
}

function problemOf(error: DomainError, locale: Locale, instance: string): ProblemPayload {
  const code = error.code;
  const params = localiseParams(locale, error.params);
  const variant = variantKey(error);
  const remediation = variant && hasMessage(variant) ? translate(locale, variant, params) : translate(locale, `problem.${code}.remediation`, params);
  const fieldErrors = error instanceof ValidationError || error instanceof ConflictError ? error.fieldErrors : [];
  const body: ProblemPayload = {
    type: `https://llm-tutor.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: translate(locale, `problem.${code}.title`, params),
    status: STATUS_OF[code],
    detail: error.message,
    instance,
    code,
    userMessage: translate(locale, `problem.${code}.userMessage`, params),
    remediation,
  };
  if (error instanceof VaultLockedError) body.reason = error.reason;
  if (fieldErrors.length > 0) body.errors = fieldErrors.slice(0, 100).map((fe) => ({ pointer: fe.pointer, message: fieldErrorMessage(locale, fe) }));
  return body;
}

export function sendProblem(res: Response, error: DomainError, instance: string): void {
  const ctx = contextOf(res);
  // A damaged single secret is not a safe-storage outage; a key-file or keyring problem is.
  if (error instanceof VaultLockedError && error.reason.startsWith('key')) ctx.safeStorageStatus = 'unavailable';
  ctx.resultCode = error.code;
  const body = problemOf(error, ctx.locale, instance);
  if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.code === 'UNAUTHORIZED') res.setHeader('WWW-Authenticate', 'Bearer realm="llm-profiles"');
  res
    .status(body.status)
    .type('application/problem+json')
    .json({ ...body, ...metaOf(ctx) });
}
