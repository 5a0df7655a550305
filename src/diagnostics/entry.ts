/**
 * The diagnostics line and its allow-list. Only the fields named here reach the disk, meta
 * values are primitives, and strings lose URL queries, user info and bearer credentials, so a
 * careless caller cannot write an API key, token, prompt or response body into the trail.
 */

import type { components } from '../../generated/llm-profiles.js';

type DiagnosticsMeta = Record<string, string | number | boolean | null>;

/** The contract's DiagnosticsEntry; `meta` holds safe metadata only (lengths, counts, host names). */
export type DiagnosticsEntry = Omit<components['schemas']['DiagnosticsEntry'], 'meta'> & { meta?: DiagnosticsMeta };

const KINDS = new Set(['request', 'outbound', 'event']);
/** Caps follow the contract's DiagnosticsEntry schema so an export always validates. */
const ID_MAX = 64;
const PROVIDER_MAX = 32;
const META_STRING_MAX = 200;
const META_KEYS_MAX = 32;
const META_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const SECRET_META_KEY = /key|token|secret|prompt|authorization|password|body/i;
/** A length is useful for support and reveals nothing of the prompt itself. */
const ALLOWED_DESPITE_NAME = new Set(['promptLength']);

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi;
const BEARER_CREDENTIAL = /\b(bearer|basic)\s+[^\s,;]+/gi;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** Keeps scheme, host and path of a URL; drops user info, query and fragment. */
function stripUrl(text: string): string {
  try {
    const url = new URL(text);
    const host = url.host ? `//${url.host}` : '';
    return `${url.protocol}${host}${url.pathname}`;
  } catch {
    return text.replace(/\/\/[^/@\s]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** Cleans free text for the trail: no control characters, URLs, path queries or credentials. */
function safeText(value: string, max: number): string {
  let text = value.replace(CONTROL_CHARS, ' ').replace(URL_IN_TEXT, stripUrl).replace(BEARER_CREDENTIAL, '$1 [redacted]');
  if (text.startsWith('/')) text = text.replace(/[?#].*$/, '');
  return text.length > max ? text.slice(0, max) : text;
}

function optionalText(value: unknown, max: number): string | null {
  return typeof value === 'string' ? safeText(value, max) : null;
}

function safeMeta(meta: unknown): DiagnosticsMeta | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const out: DiagnosticsMeta = {};
  let count = 0;
  for (const [key, value] of Object.entries(meta)) {
    if (count >= META_KEYS_MAX) break;
    if (!META_KEY.test(key) || (SECRET_META_KEY.test(key) && !ALLOWED_DESPITE_NAME.has(key))) continue;
    if (typeof value === 'string') out[key] = safeText(value, META_STRING_MAX);
    else if (typeof value === 'number') out[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === 'boolean' || value === null) out[key] = value;
    else continue;
    count += 1;
  }
  return out;
}

function safeTimestamp(value: unknown, now: () => number): string {
  const time = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
  return new Date(Number.isFinite(time) ? time : now()).toISOString();
}

/**
 * Builds the line that may be stored from whatever the caller passed: unknown fields are
 * dropped, every kept field is coerced to its documented shape.
 */
export function sanitizeEntry(input: DiagnosticsEntry, now: () => number = Date.now): DiagnosticsEntry {
  const raw = input as unknown as Record<string, unknown>;
  const status = raw.httpStatus;
  const duration = raw.durationMs;
  const entry: DiagnosticsEntry = {
    timestamp: safeTimestamp(raw.timestamp, now),
    kind: typeof raw.kind === 'string' && KINDS.has(raw.kind) ? (raw.kind as DiagnosticsEntry['kind']) : 'event',
    operationId: optionalText(raw.operationId, ID_MAX),
    requestId: optionalText(raw.requestId, ID_MAX) ?? '',
    correlationId: optionalText(raw.correlationId, ID_MAX) ?? '',
    resultCode: optionalText(raw.resultCode, ID_MAX) ?? '',
    httpStatus: typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : null,
    durationMs: typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : 0,
    safeStorageStatus: raw.safeStorageStatus === 'unavailable' ? 'unavailable' : 'available',
  };
  if (raw.profileId !== undefined) entry.profileId = optionalText(raw.profileId, ID_MAX);
  if (raw.providerType !== undefined) entry.providerType = optionalText(raw.providerType, PROVIDER_MAX);
  const meta = safeMeta(raw.meta);
  if (meta !== undefined) entry.meta = meta;
  return entry;
}

/** Reads one stored line back, re-applying the allow-list (the file may have been edited). */
export function parseEntry(line: string): DiagnosticsEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.requestId !== 'string' || typeof candidate.correlationId !== 'string' || typeof candidate.timestamp !== 'string') return null;
  return sanitizeEntry(candidate as unknown as DiagnosticsEntry);
}
