/**
 * Domain errors. Services throw these; they know nothing of HTTP. The one place that turns
 * them into responses is src/http/problem.ts (code → status, localised text).
 */
import type { components } from '../generated/llm-profiles.js';

/** The contract's ProblemCode; its values, for code that iterates them, are `problemCodeValues` in generated/. */
export type ProblemCode = components['schemas']['ProblemCode'];

/** A field-level complaint: `pointer` is a JSON pointer into the request (`/body/profile/name`). */
export interface FieldError {
  pointer: string;
  /** Message key in the i18n catalogue (`field.required`, `rule.endpoint.httpsRequired`, ...). */
  messageKey: string;
  params?: Record<string, string | number>;
  /** English fallback text when the key is not a catalogue key (e.g. a schema message). */
  fallback?: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ProblemCode;
  /** Values the localised message may interpolate. Never secrets. */
  readonly params: Record<string, string | number>;

  constructor(message: string, params: Record<string, string | number> = {}) {
    super(message);
    this.name = new.target.name;
    this.params = params;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_ERROR' as const;
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request is not valid.');
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'PROFILE_NOT_FOUND' as const;
  constructor(profileId: string) {
    super('Profile not found.', { profileId });
  }
}

export type ConflictCode = 'ACTIVE_PROFILE_REQUIRED' | 'ALTERNATE_NOT_FOUND' | 'DUPLICATE_PROFILE_NAME';

export class ConflictError extends DomainError {
  constructor(
    readonly code: ConflictCode,
    params: Record<string, string | number> = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(`Conflict: ${code}`, params);
  }
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'PRECONDITION_FAILED' as const;
  constructor() {
    super('The profile changed since it was read.');
  }
}

/** Safe storage (the vault key) is unavailable; `reason` is a short machine word, never a path. */
export class VaultLockedError extends DomainError {
  readonly code = 'SAFE_STORAGE_UNAVAILABLE' as const;
  constructor(readonly reason: NonNullable<components['schemas']['Problem']['reason']>) {
    super(`Safe storage is unavailable (${reason}).`, { reason });
  }
}

export class VaultReadError extends DomainError {
  readonly code = 'VAULT_READ_ERROR' as const;
  constructor(readonly reason: string) {
    super(`The profile store cannot be read (${reason}).`, { reason });
  }
}

export class VaultWriteError extends DomainError {
  readonly code = 'VAULT_WRITE_ERROR' as const;
  constructor(
    readonly step: string,
    options?: { cause?: unknown },
  ) {
    super(`The profile store could not be written (${step}).`, { step });
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests.', { retryAfterSeconds });
  }
}

export class InternalError extends DomainError {
  readonly code = 'INTERNAL_ERROR' as const;
  constructor() {
    super('Something unexpected went wrong.');
  }
}
