/**
 * Errors of the transport, not of the domain: a request refused before any use case sees it
 * (token, Host, Origin, media types, size) or that names no route. They share DomainError's
 * shape so src/http/problem.ts maps every error in one place.
 */
import { DomainError } from '../errors.js';

export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED' as const;
  constructor() {
    super('A valid bearer token is required.');
  }
}

export class HostNotAllowedError extends DomainError {
  readonly code = 'HOST_NOT_ALLOWED' as const;
  constructor() {
    super('The Host header does not name this service.');
  }
}

export class OriginNotAllowedError extends DomainError {
  readonly code = 'ORIGIN_NOT_ALLOWED' as const;
  constructor() {
    super('Requests from this origin are not allowed.');
  }
}

export class MethodNotAllowedError extends DomainError {
  readonly code = 'METHOD_NOT_ALLOWED' as const;
  constructor(readonly allow: string[]) {
    super('Method not allowed.', { allow: allow.join(', ') });
  }
}

export class NotAcceptableError extends DomainError {
  readonly code = 'NOT_ACCEPTABLE' as const;
  constructor() {
    super('This service answers in JSON only.');
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(limitBytes: number) {
    super('The request body is too large.', { limitKb: Math.max(1, Math.round(limitBytes / 1024)) });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
  constructor() {
    super('Request bodies must be application/json.');
  }
}

export class RouteNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  constructor() {
    super('No such resource.');
  }
}
