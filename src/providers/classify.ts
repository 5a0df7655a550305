/**
 * Reading provider replies safely, shared by the adapters: what an error body says (reduced
 * to identifiers — a provider's message may quote the key or the prompt, so it is only ever
 * matched against, never passed on), how long a provider asks us to wait, and the meaning of
 * a status code when nothing more specific applies.
 */
import { isRecord } from '../is-record.js';
import type { OutcomeErrorCode, ProviderFailure, ProviderReply } from './types.js';

// The adapters read replies with it beside the other helpers here.
export { isRecord };

export interface ErrorFields {
  type: string | null;
  code: string | null;
  /** Lower-cased, for matching only; never copied into an outcome. */
  message: string;
  /** The request fields the error is about (OpenAI's `param`, each validation error's `loc`). */
  params: string[];
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/**
 * A wait is honoured when 0 < wait ≤ 24 h. openai-python keeps only waits up to 60 s because it
 * sleeps on them itself; here the wait is reported to the learner and the app, and a long one
 * (Azure's "retry after 86400 seconds" for a daily quota) is the most useful thing to say.
 */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * A validation error list (`[{type, loc:["body","field"], msg}, ...]`), as FastAPI-style servers
 * send it: Mistral inside `message`, others as `detail`. Its type and wording come from the
 * first entry; the fields from every entry of that type.
 */
function validationDetail(value: unknown): { type: string | null; params: string[]; message: string } | null {
  const list: unknown = isRecord(value) ? value.detail : value;
  const entries = Array.isArray(list) ? list.filter(isRecord) : [];
  const first = entries[0];
  if (!first) return null;
  const type = text(first.type);
  const params = entries.flatMap((entry) => {
    const last: unknown = Array.isArray(entry.loc) ? entry.loc.at(-1) : undefined;
    return text(entry.type) === type && typeof last === 'string' ? [last] : [];
  });
  return { type, params, message: (text(first.msg) ?? '').toLowerCase() };
}

function fieldsOf(type: unknown, code: unknown, message: unknown, param: unknown): ErrorFields {
  const detail = validationDetail(message);
  return {
    type: text(type),
    // Mistral puts the validation error's type where OpenAI puts `code`, and leaves `code` null.
    code: text(code) ?? detail?.type ?? null,
    message: (text(message) ?? detail?.message ?? '').toLowerCase(),
    params: typeof param === 'string' ? [param] : (detail?.params ?? []),
  };
}

/**
 * The error parts of the shapes providers use: OpenAI `{error:{message,type,param,code}}`,
 * Azure (string `code`), llama.cpp (number `code`), Anthropic `{type:"error",error:{type,message}}`,
 * Ollama and LM Studio `{error:"..."}`, vLLM's old flat `{object:"error",message,type,code}`,
 * Mistral's object-valued `message`, Gemini's list `[{error:{code,message,status}}]`, FastAPI
 * `{detail:"..."}` or `{detail:[...]}`. `null` when none applies.
 */
export function errorFields(json: unknown): ErrorFields | null {
  if (Array.isArray(json)) return errorFields(json[0]);
  if (!isRecord(json)) return null;
  const { error } = json;
  if (typeof error === 'string') return { type: null, code: null, message: error.toLowerCase(), params: [] };
  if (isRecord(error)) return fieldsOf(error.type ?? error.status, error.code, error.message, error.param);
  if (json.object === 'error') return fieldsOf(json.type, json.code, json.message, json.param);
  if (typeof json.detail === 'string') return { type: null, code: null, message: json.detail.toLowerCase(), params: [] };
  const detail = validationDetail(json);
  return detail ? { type: null, code: detail.type, message: detail.message, params: detail.params } : null;
}

/** The provider's error code or type when it is a plain identifier; digits-only codes say nothing new. */
export function providerCodeOf(fields: ErrorFields | null): string | null {
  if (!fields) return null;
  for (const candidate of [fields.code, fields.type]) {
    if (candidate && IDENTIFIER.test(candidate)) return candidate;
  }
  return null;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function header(reply: ProviderReply, name: string): string | null {
  const value = reply.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * How long the provider asked us to wait, read the way openai-python does: `retry-after-ms`
 * (Azure) first, then `retry-after` as seconds or an HTTP date; a value that is not a usable
 * wait (unparseable, zero or negative, over the cap) counts as unsaid and the next is tried.
 */
export function retryAfterMs(reply: ProviderReply, nowMs: number = Date.now()): number | null {
  const ms = header(reply, 'retry-after-ms');
  const fromMs = ms !== null && DECIMAL.test(ms.trim()) ? usableWait(Number(ms)) : null;
  if (fromMs !== null) return fromMs;
  const after = header(reply, 'retry-after');
  if (after === null) return null;
  if (DECIMAL.test(after.trim())) return usableWait(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : usableWait(date - nowMs);
}

function usableWait(ms: number): number | null {
  const rounded = Math.ceil(ms);
  return Number.isFinite(rounded) && rounded > 0 && rounded <= MAX_RETRY_AFTER_MS ? rounded : null;
}

export function failure(
  errorCode: OutcomeErrorCode,
  retryable: boolean,
  reply: ProviderReply | null,
  extra: Partial<Pick<ProviderFailure, 'variant' | 'params' | 'providerCode' | 'retryAfterMs'>> = {},
): ProviderFailure {
  return {
    kind: 'failure',
    errorCode,
    retryable,
    providerStatus: reply?.status ?? null,
    retryAfterMs: extra.retryAfterMs ?? null,
    ...(extra.variant !== undefined ? { variant: extra.variant } : {}),
    ...(extra.params !== undefined ? { params: extra.params } : {}),
    providerCode: extra.providerCode ?? (reply ? providerCodeOf(errorFields(reply.json)) : null),
  };
}

/** What a non-2xx status means when the adapter knows nothing more specific. */
export function classifyStatus(reply: ProviderReply): ProviderFailure {
  const { status } = reply;
  if (status === 401) return failure('PROVIDER_UNAUTHORIZED', false, reply);
  if (status === 403) return failure('PROVIDER_FORBIDDEN', false, reply);
  if (status === 408) return failure('TIMEOUT', true, reply, { variant: 'provider' });
  if (status === 429) return failure('RATE_LIMITED', true, reply, { retryAfterMs: retryAfterMs(reply) });
  if (status >= 500) return failure('PROVIDER_ERROR', true, reply, { variant: 'server', retryAfterMs: retryAfterMs(reply) });
  if (status === 404) return failure('PROVIDER_ERROR', false, reply, { variant: 'notFound' });
  return failure('PROVIDER_ERROR', false, reply, { variant: 'request' });
}

/**
 * The JSON object of a 2xx reply, or the failure it amounts to. Bodies are judged, not statuses:
 * LM Studio answers unknown paths and unloaded models with 200 `{"error":"..."}`.
 */
export function successBody(reply: ProviderReply): { kind: 'body'; body: Record<string, unknown> } | ProviderFailure {
  if (!isRecord(reply.json)) return failure('INVALID_RESPONSE', false, reply, { variant: 'notJson' });
  const { error, object } = reply.json;
  if ((error !== undefined && error !== null) || object === 'error') {
    const wrongPath = errorFields(reply.json)?.message.startsWith('unexpected endpoint') ?? false;
    return failure('INVALID_RESPONSE', false, reply, { variant: wrongPath ? 'wrongPath' : 'errorBody' });
  }
  return { kind: 'body', body: reply.json };
}

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A finite, non-negative number, or `undefined`. */
export function nonNegative(value: unknown, scale = 1): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * scale * 10) / 10;
}

export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Drops the fields a provider did not report; `null` when it reported none. */
export function compactTimings<T extends object>(timings: T): T | null {
  const entries = Object.entries(timings).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? null : (Object.fromEntries(entries) as T);
}

/** Joins a base URL (query and fragment dropped) with a path, without doubling slashes. */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

/** Removes one trailing segment such as `/v1` when the learner pasted a longer address. */
export function withoutSuffix(url: URL, suffixes: readonly string[]): URL {
  const copy = new URL(url.href);
  let path = copy.pathname.replace(/\/+$/, '');
  for (const suffix of suffixes) {
    if (path.toLowerCase().endsWith(suffix)) {
      path = path.slice(0, -suffix.length);
      break;
    }
  }
  copy.pathname = path === '' ? '/' : path;
  return copy;
}
