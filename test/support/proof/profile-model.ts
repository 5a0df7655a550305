/**
 * A deliberately simple in-memory model of the profile store, written from docs/architecture.md §4 (rules,
 * uniqueness, activation and delete invariants) without reading the service's code. Given a
 * command it predicts the status, the code and the state after; the stateful test compares
 * that with what the server answers.
 */
import { providerTypeValues, type components } from '../../../generated/llm-profiles.js';

export type ProviderType = components['schemas']['ProviderType'];

export const PROVIDER_TYPES: readonly ProviderType[] = providerTypeValues;

export interface ModelProfile {
  id: string;
  name: string;
  providerType: ProviderType;
  endpointUrl: string;
  modelId: string | null;
  consentTimestamp: string | null;
  hasApiKey: boolean;
}

export interface ModelState {
  /** In creation order. */
  profiles: ModelProfile[];
  activeProfileId: string | null;
}

type Fields = Omit<ModelProfile, 'id' | 'hasApiKey'>;

/** What a request should get: the status, the problem code for an error, and for a success the state after. */
export type Prediction = { status: number; code?: string };

type AddressClass = 'loopback' | 'private' | 'public';

function classOf(hostname: string): AddressClass {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return 'loopback';
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return 'private';
  return 'public';
}

function localityOf(endpointUrl: string): 'this-device' | 'local-network' | 'internet' {
  const cls = classOf(new URL(endpointUrl).hostname);
  return cls === 'loopback' ? 'this-device' : cls === 'private' ? 'local-network' : 'internet';
}

const AZURE_SUFFIXES = ['.openai.azure.com', '.cognitiveservices.azure.com', '.services.ai.azure.com'];

/** The profile rules of docs/architecture.md §4 for the endpoints the test uses: true when the profile may be saved. */
function allowed(fields: Fields, hasKey: boolean): boolean {
  const url = new URL(fields.endpointUrl);
  const cls = classOf(url.hostname);
  const https = url.protocol === 'https:';
  if (cls === 'public' && !https) return false;
  if (cls !== 'loopback' && !fields.consentTimestamp) return false;
  if (fields.providerType === 'azure') {
    if (cls !== 'loopback' && (!https || !AZURE_SUFFIXES.some((s) => url.hostname.endsWith(s)))) return false;
    if (!fields.modelId) return false;
  }
  const needsKey = fields.providerType === 'azure' || fields.providerType === 'anthropic' || (fields.providerType === 'custom' && cls === 'public');
  return !needsKey || hasKey;
}

function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase('en');
}

function nameTaken(state: ModelState, name: string, exceptId?: string): boolean {
  return state.profiles.some((p) => p.id !== exceptId && nameKey(p.name) === nameKey(name));
}

export interface CreateInput {
  fields: Fields;
  apiKey: string | null;
}

export interface ChangeInput {
  name?: string;
  providerType?: ProviderType;
  endpointUrl?: string;
  /** string = replace, null = clear. */
  apiKey?: string | null;
  modelId?: string | null;
  consentTimestamp?: string | null;
}

function normalisedConsent(value: string | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** Applies a create to `state` (when it would succeed) and says what the server should answer. `id` is the id the server chose. */
export function applyCreate(state: ModelState, input: CreateInput, id: string | null): Prediction {
  const fields: Fields = { ...input.fields, name: input.fields.name.trim(), consentTimestamp: normalisedConsent(input.fields.consentTimestamp) };
  if (!allowed(fields, input.apiKey !== null)) return { status: 400, code: 'VALIDATION_ERROR' };
  if (nameTaken(state, fields.name)) return { status: 409, code: 'DUPLICATE_PROFILE_NAME' };
  if (id !== null) {
    state.profiles.push({ id, ...fields, hasApiKey: input.apiKey !== null });
    state.activeProfileId ??= id;
  }
  return { status: 201 };
}

export function applyUpdate(state: ModelState, id: string, changes: ChangeInput): Prediction {
  const current = state.profiles.find((p) => p.id === id);
  if (!current) return { status: 404, code: 'PROFILE_NOT_FOUND' };
  const after: ModelProfile = {
    ...current,
    ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
    ...(changes.providerType !== undefined ? { providerType: changes.providerType } : {}),
    ...(changes.endpointUrl !== undefined ? { endpointUrl: changes.endpointUrl } : {}),
    ...(changes.modelId !== undefined ? { modelId: changes.modelId } : {}),
    ...(changes.consentTimestamp !== undefined ? { consentTimestamp: normalisedConsent(changes.consentTimestamp) } : {}),
    hasApiKey: changes.apiKey === undefined ? current.hasApiKey : changes.apiKey !== null,
  };
  // A saved key never follows the profile to another origin or provider type unless sent again.
  const moved = after.providerType !== current.providerType || new URL(after.endpointUrl).origin !== new URL(current.endpointUrl).origin;
  if (!allowed(after, after.hasApiKey) || (current.hasApiKey && changes.apiKey === undefined && moved)) return { status: 400, code: 'VALIDATION_ERROR' };
  if (changes.name !== undefined && nameTaken(state, after.name, id)) return { status: 409, code: 'DUPLICATE_PROFILE_NAME' };
  state.profiles[state.profiles.indexOf(current)] = after;
  return { status: 200 };
}

export function applyDelete(state: ModelState, id: string, successor: string | undefined): Prediction & { activeProfileId?: string | null } {
  if (!state.profiles.some((p) => p.id === id)) return { status: 404, code: 'PROFILE_NOT_FOUND' };
  if (successor !== undefined && (successor === id || !state.profiles.some((p) => p.id === successor))) return { status: 409, code: 'ALTERNATE_NOT_FOUND' };
  const wasActive = state.activeProfileId === id;
  const remaining = state.profiles.filter((p) => p.id !== id);
  if (wasActive && remaining.length > 0 && successor === undefined) return { status: 409, code: 'ACTIVE_PROFILE_REQUIRED' };
  state.profiles = remaining;
  if (wasActive) state.activeProfileId = successor ?? null;
  return { status: 200, activeProfileId: state.activeProfileId };
}

export function applyActivate(state: ModelState, id: string): Prediction & { previousActiveId?: string | null; changed?: boolean } {
  if (!state.profiles.some((p) => p.id === id)) return { status: 404, code: 'PROFILE_NOT_FOUND' };
  if (state.activeProfileId === id) return { status: 200, previousActiveId: null, changed: false };
  const previousActiveId = state.activeProfileId;
  state.activeProfileId = id;
  return { status: 200, previousActiveId, changed: true };
}

/** Differences between a profile as the server shows it and as the model has it. */
export function profileDifferences(shown: Record<string, unknown>, expected: ModelProfile, active: boolean): string[] {
  const want: Record<string, unknown> = {
    id: expected.id,
    name: expected.name,
    providerType: expected.providerType,
    endpointUrl: expected.endpointUrl,
    modelId: expected.modelId,
    consentTimestamp: expected.consentTimestamp,
    hasApiKey: expected.hasApiKey,
    isActive: active,
    locality: localityOf(expected.endpointUrl),
  };
  return Object.entries(want)
    .filter(([key, value]) => shown[key] !== value)
    .map(([key, value]) => `${expected.id}.${key}: server ${JSON.stringify(shown[key])}, model ${JSON.stringify(value)}`);
}
