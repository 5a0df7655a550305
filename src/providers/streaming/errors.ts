/**
 * An error that arrives inside a stream, after the provider already answered 200, is judged by
 * the same adapter code as the error it stands for before a stream starts: it is turned back
 * into that reply (the status the provider names, or the one its error type has in the
 * provider's documented table), read by the adapter, and then marked for what it was — a 200.
 */
import { isRecord } from '../classify.js';
import type { ProviderFailure, ProviderReply } from '../types.js';

/** HTTP statuses that OpenAI's, Anthropic's and OpenRouter's error types are sent with. */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  model_not_found: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  api_error: 500,
  server_error: 500,
  overloaded_error: 529,
};
/** Nothing more said: the server broke down while answering. */
const UNNAMED_STATUS = 500;

function namedStatus(error: Record<string, unknown>): number | null {
  const inner = isRecord(error.error) ? error.error : error;
  const code = typeof inner.code === 'number' ? inner.code : typeof inner.code === 'string' && /^\d{3}$/.test(inner.code) ? Number(inner.code) : null;
  return code !== null && code >= 400 && code <= 599 ? code : null;
}

function typedStatus(error: Record<string, unknown>): number | null {
  const inner = isRecord(error.error) ? error.error : error;
  for (const candidate of [inner.code, inner.type]) {
    if (typeof candidate === 'string' && Object.hasOwn(STATUS_OF_TYPE, candidate)) return STATUS_OF_TYPE[candidate] ?? null;
  }
  return null;
}

/** The reply the streamed error stands for, and the status the provider itself named, if any. */
export function replyForStreamedError(error: Record<string, unknown>, streamReply: ProviderReply): { reply: ProviderReply; named: number | null } {
  const named = namedStatus(error);
  const status = named ?? typedStatus(error) ?? UNNAMED_STATUS;
  return { reply: { kind: 'reply', status, headers: streamReply.headers, body: JSON.stringify(error), json: error }, named };
}

/** The adapter's verdict on a streamed error, with the status that really came over the wire. */
export function asStreamedFailure(failure: ProviderFailure, streamReply: ProviderReply, named: number | null): ProviderFailure {
  return { ...failure, providerStatus: streamReply.status, params: { ...failure.params, status: named } };
}
