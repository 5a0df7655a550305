/**
 * The profile rules of docs/architecture.md §4, in one place, used by create, update and the draft test. The contract
 * validator runs first and already holds a new profile to the rules its schema states (name
 * length and blankness, Azure's model, key and host, keys for Anthropic and internet services,
 * consent off this computer); these run again on the merged result of an update, which no schema
 * sees, and add the rules a schema cannot say (parsed addresses, secrets in the query).
 */
import type { FieldError } from '../errors.js';
import { classifyHostname } from '../net/address.js';
import type { ProviderType } from '../vault/state.js';
import { originOf, parseEndpoint } from './endpoint.js';

export interface ProfileFields {
  name: string;
  providerType: ProviderType;
  endpointUrl: string;
  modelId: string | null;
  consentTimestamp: string | null;
}

const AZURE_HOST_SUFFIXES = ['.openai.azure.com', '.cognitiveservices.azure.com', '.services.ai.azure.com'];
const SECRET_QUERY_NAME = /key|token|secret|sig|signature|password|passwd|auth|credential|session/i;

export function normaliseName(name: string): string {
  return name.trim();
}

export function sameName(a: string, b: string): boolean {
  return normaliseName(a).toLocaleLowerCase('en') === normaliseName(b).toLocaleLowerCase('en');
}

function endpointErrors(fields: ProfileFields, pointer: string): FieldError[] {
  const url = parseEndpoint(fields.endpointUrl);
  if (!url) return [{ pointer, messageKey: 'rule.endpoint.invalidUrl' }];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [{ pointer, messageKey: 'rule.endpoint.scheme' }];
  const errors: FieldError[] = [];
  if (url.username || url.password) errors.push({ pointer, messageKey: 'rule.endpoint.userinfo' });
  if (fields.endpointUrl.includes('#')) errors.push({ pointer, messageKey: 'rule.endpoint.fragment' });
  if ([...url.searchParams.keys()].some((name) => SECRET_QUERY_NAME.test(name))) {
    errors.push({ pointer, messageKey: 'rule.endpoint.secretQuery' });
  }
  const host = url.host;
  const addressClass = classifyHostname(url.hostname);
  if (addressClass === 'forbidden') errors.push({ pointer, messageKey: 'rule.endpoint.forbiddenAddress', params: { host } });
  else if (addressClass === 'public' && url.protocol !== 'https:') {
    errors.push({ pointer, messageKey: 'rule.endpoint.httpsRequired', params: { host } });
  }
  if (fields.providerType === 'azure' && addressClass !== 'loopback') {
    const hostname = url.hostname.toLowerCase();
    if (url.protocol !== 'https:' || !AZURE_HOST_SUFFIXES.some((suffix) => hostname.endsWith(suffix))) {
      errors.push({ pointer, messageKey: 'rule.endpoint.azureHost' });
    }
  }
  return errors;
}

/** Whether a profile of this shape must carry an API key. */
function requiresApiKey(fields: Pick<ProfileFields, 'providerType' | 'endpointUrl'>): boolean {
  if (fields.providerType === 'azure' || fields.providerType === 'anthropic') return true;
  if (fields.providerType !== 'custom') return false;
  const url = parseEndpoint(fields.endpointUrl);
  return url !== null && classifyHostname(url.hostname) === 'public';
}

function isLoopbackEndpoint(endpointUrl: string): boolean {
  const url = parseEndpoint(endpointUrl);
  return url !== null && classifyHostname(url.hostname) === 'loopback';
}

/**
 * Checks a complete profile; `hasApiKey` is whether the result would carry a key. Pointers name
 * the profile's own fields (`/name`); the route places them in the request.
 */
export function checkProfile(fields: ProfileFields, hasApiKey: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const urlErrors = endpointErrors(fields, '/endpointUrl');
  errors.push(...urlErrors);
  if (urlErrors.length === 0 && !isLoopbackEndpoint(fields.endpointUrl) && !fields.consentTimestamp) {
    errors.push({ pointer: '/consentTimestamp', messageKey: 'rule.consent.required' });
  }
  if (fields.providerType === 'azure' && !fields.modelId) {
    errors.push({ pointer: '/modelId', messageKey: 'rule.modelId.requiredAzure' });
  }
  if (urlErrors.length === 0 && requiresApiKey(fields) && !hasApiKey) {
    errors.push({ pointer: '/apiKey', messageKey: 'rule.apiKey.required', params: { provider: fields.providerType } });
  }
  return errors;
}

/** A saved key never follows a profile to another origin or provider type unless sent again. */
export function keyMustBeResent(before: ProfileFields, after: ProfileFields, hadKey: boolean, keyInChanges: boolean): boolean {
  if (!hadKey || keyInChanges) return false;
  return before.providerType !== after.providerType || originOf(before.endpointUrl) !== originOf(after.endpointUrl);
}
