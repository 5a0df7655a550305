/**
 * Chooses the most specific outcome message that can be filled in: a provider's own variant,
 * then the variant for every provider, then the provider's text, then the general one, then a
 * `.fallback` for when the general text needs a value this outcome lacks.
 */
import { hasMessage, placeholders, template, translate, type Locale, type MessageParams } from '../i18n/index.js';
import { hostedServiceName } from '../providers/hosted-services.js';
import type { Note, OutcomeErrorCode, ProviderFailure, ProviderType } from '../providers/types.js';
import { clip } from './preview.js';

/** How long a model name or code may be inside a sentence, and a host name. */
export const PARAM_MAX_CHARS = 60;
const HOST_PARAM_MAX_CHARS = 100;

/** What a failure sentence may name, the same for a test and for a model list. */
export function failureParams(
  locale: Locale,
  target: { providerType: ProviderType; endpointUrl: string; model: string | null },
  result: ProviderFailure,
  limits: { timeoutMs: number; maxResponseBytes: number },
): MessageParams {
  const url = new URL(target.endpointUrl);
  return {
    provider: translate(locale, `outcome.provider.${target.providerType}`),
    host: clip(url.host, HOST_PARAM_MAX_CHARS).text,
    hostname: clip(url.hostname, HOST_PARAM_MAX_CHARS).text,
    service: hostedServiceName(url.hostname) ?? (target.providerType === 'anthropic' ? 'Anthropic' : null),
    model: target.model === null ? null : clip(target.model, PARAM_MAX_CHARS).text,
    seconds: Math.round(limits.timeoutMs / 1000),
    limitKb: Math.ceil(limits.maxResponseBytes / 1024),
    status: result.providerStatus,
    retryAfterSeconds: result.retryAfterMs === null ? null : Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
    ...result.params,
  };
}

function candidates(code: OutcomeErrorCode, providerType: ProviderType, variant: string | undefined): string[] {
  const bases = variant ? [`outcome.${code}.${providerType}.${variant}`, `outcome.${code}.${variant}`] : [];
  return [...bases, `outcome.${code}.${providerType}`, `outcome.${code}`, `outcome.${code}.fallback`];
}

function fillable(locale: Locale, key: string, params: MessageParams): boolean {
  if (!hasMessage(key)) return false;
  return placeholders(template(locale, key) ?? '').every((name) => params[name] !== undefined && params[name] !== null);
}

function pick(locale: Locale, bases: string[], field: string, params: MessageParams): string | null {
  for (const base of bases) {
    const key = `${base}.${field}`;
    if (fillable(locale, key, params)) return translate(locale, key, params);
  }
  return null;
}

export function failureTexts(
  locale: Locale,
  code: OutcomeErrorCode,
  providerType: ProviderType,
  variant: string | undefined,
  params: MessageParams,
): { userMessage: string; remediation: string | null } {
  const bases = candidates(code, providerType, variant);
  return {
    userMessage: pick(locale, bases, 'userMessage', params) ?? translate(locale, `outcome.${code}.userMessage`, params),
    remediation: pick(locale, bases, 'remediation', params),
  };
}

export function successText(locale: Locale): string {
  return translate(locale, 'outcome.success.userMessage');
}

export function noteText(locale: Locale, note: Note): string {
  return translate(locale, note.key, note.params ?? {});
}
