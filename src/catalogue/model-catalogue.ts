/**
 * The model catalogue: asks a profile's server which models it offers, through the same
 * outbound policy as test prompts (no redirects, address checked at connect time, size cap,
 * one deadline for every page), and says what happened in the learner's language. A saved
 * profile's list is kept for a short time, keyed by the profile's version so an edit reads it
 * again; calls made while a read is under way share it. Drafts are never kept.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { components } from '../../generated/llm-profiles.js';
import { translate, type Locale } from '../i18n/index.js';
import { exchangeWithin } from '../providers/http-call.js';
import { MODEL_LISTERS } from '../providers/models/index.js';
import { llamaModelName } from '../providers/models/llama-cpp.js';
import type { CatalogueModel, ListedModel, ListResult } from '../providers/models/types.js';
import type { Exchange, ProviderFailure, ProviderType } from '../providers/types.js';
import { failureParams, failureTexts, PARAM_MAX_CHARS } from '../prompt-test/messages.js';
import { clip } from '../prompt-test/preview.js';
import { redactDeep, secretsOf } from '../prompt-test/redact.js';

type ModelListResponse = components['schemas']['ModelListResponse'];
/** The contract's model list without the meta fields the HTTP layer adds. */
export type ModelList = Omit<ModelListResponse, keyof components['schemas']['ResponseMeta']>;

export interface CatalogueTarget {
  profileId: string | null;
  providerType: ProviderType;
  endpointUrl: string;
  modelId: string | null;
  /** Plaintext, in memory for this call only. */
  apiKey: string | null;
  savedAddressClass: 'loopback' | 'private' | 'public';
}

export interface ListOptions {
  locale: Locale;
  timeoutMs?: number;
  /** Aborts the outbound calls (drafts only: a shared read outlives the caller that started it). */
  signal?: AbortSignal;
}

export interface CatalogueDeps {
  /** The contract's bound on a list (`ModelListResponse.models.maxItems`). */
  maxModels: number;
  lookup?: LookupFunction;
  /** Default 4 MiB: OpenRouter's list with descriptions is well over the test prompt's 1 MiB. */
  maxResponseBytes?: number;
  /** Default 60 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

/** What a read of the server found; kept per profile and localised per request. */
interface Fetched {
  /** Redacted: a server that echoes the key in a model's name does not get it shown. */
  result: ListResult;
  fetchedAt: string;
  timeoutMs: number;
  /** Whether the read carried a key (the key itself is not kept). */
  withKey: boolean;
}

interface Entry {
  version: string;
  expiresAt: number | null;
  fetched: Promise<Fetched>;
}

const DEFAULT_LIST_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_LIST_BYTES = 4 * 1024 * 1024;
const DEFAULT_CACHE_TTL_MS = 60_000;
/** Names inside sentences are shortened so a message stays readable and within the contract's length. */
const MAX_NOTES = 10;

/** Whether a listed id is the profile's model: Ollama reads a bare name as `:latest`; llama.cpp lists a path by its file name. */
function isProfileModel(providerType: ProviderType, modelId: string, id: string): boolean {
  if (id === modelId) return true;
  if (providerType === 'ollama' && !modelId.includes(':')) return id === `${modelId}:latest`;
  if (providerType === 'llama.cpp') return id === llamaModelName(modelId);
  return false;
}

export class ModelCatalogue {
  private readonly maxModels: number;
  private readonly lookup: LookupFunction;
  private readonly maxResponseBytes: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(deps: CatalogueDeps) {
    this.maxModels = deps.maxModels;
    this.lookup = deps.lookup ?? (dnsLookup as LookupFunction);
    this.maxResponseBytes = deps.maxResponseBytes ?? DEFAULT_MAX_LIST_BYTES;
    this.cacheTtlMs = deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = deps.now ?? (() => performance.now());
  }

  /**
   * A saved profile's list. `version` changes whenever the profile does; `resolveKey` is called
   * only when the server has to be asked (a kept list needs no key).
   */
  async forProfile(
    target: Omit<CatalogueTarget, 'apiKey'> & { profileId: string },
    version: string,
    resolveKey: () => Promise<string | null>,
    options: ListOptions & { refresh?: boolean },
  ): Promise<ModelList> {
    this.sweep();
    const kept = this.entries.get(target.profileId);
    const fresh = kept !== undefined && kept.version === version;
    const inFlight = fresh && kept.expiresAt === null;
    if (fresh && (inFlight || !options.refresh)) {
      return this.present(target, await kept.fetched, options.locale, !inFlight, []);
    }
    const apiKey = await resolveKey();
    const full: CatalogueTarget = { ...target, apiKey };
    const entry: Entry = { version, expiresAt: null, fetched: this.fetch(full, { ...options, signal: undefined }) };
    this.entries.set(target.profileId, entry);
    let fetched: Fetched;
    try {
      fetched = await entry.fetched;
    } catch (error) {
      if (this.entries.get(target.profileId) === entry) this.entries.delete(target.profileId);
      throw error;
    }
    if (this.entries.get(target.profileId) === entry) {
      if (fetched.result.kind === 'listing') entry.expiresAt = this.now() + this.cacheTtlMs;
      else this.entries.delete(target.profileId);
    }
    return this.present(full, fetched, options.locale, false, secretsOf(apiKey, ''));
  }

  /** An unsaved draft's list: read every time, never kept. */
  async forDraft(target: CatalogueTarget, options: ListOptions): Promise<ModelList> {
    return this.present(target, await this.fetch(target, options), options.locale, false, secretsOf(target.apiKey, ''));
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(id);
  }

  private async fetch(target: CatalogueTarget, options: ListOptions): Promise<Fetched> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
    const deadline = this.now() + timeoutMs;
    const exchange: Exchange = exchangeWithin(deadline, {
      ...(options.signal ? { signal: options.signal } : {}),
      lookup: this.lookup,
      savedAddressClass: target.savedAddressClass,
      maxResponseBytes: this.maxResponseBytes,
      now: this.now,
    });
    const lister = MODEL_LISTERS[target.providerType];
    const local = target.savedAddressClass !== 'public';
    const result = await lister.list({ endpointUrl: target.endpointUrl, apiKey: target.apiKey, local }, exchange, this.maxModels);
    return { result: redactDeep(result, secretsOf(target.apiKey, '')), fetchedAt: new Date().toISOString(), timeoutMs, withKey: target.apiKey !== null };
  }

  private present(target: Omit<CatalogueTarget, 'apiKey'>, fetched: Fetched, locale: Locale, cached: boolean, secrets: string[]): ModelList {
    const { result } = fetched;
    const base = {
      profileId: target.profileId,
      providerType: target.providerType,
      selectedModelId: target.modelId,
      cached,
      fetchedAt: fetched.fetchedAt,
    };
    let list: ModelList;
    if (result.kind === 'listing') {
      const { modelId } = target;
      const models: CatalogueModel[] = result.models.map((model: ListedModel) => ({ ...model }));
      const selected = modelId === null ? undefined : models.find((model) => isProfileModel(target.providerType, modelId, model.id));
      if (selected) selected.selected = true;
      const notes: string[] = [];
      const selectedMissing = modelId !== null && selected === undefined;
      if (selectedMissing) notes.push(translate(locale, 'models.note.selectedMissing', { model: clip(modelId, PARAM_MAX_CHARS).text }));
      if (result.truncated) notes.push(translate(locale, 'models.note.truncated', { count: models.length }));
      if (result.filtered > 0) notes.push(translate(locale, 'models.note.filtered', { count: result.filtered }));
      if (!result.keyChecked && fetched.withKey) notes.push(translate(locale, 'models.note.keyNotChecked'));
      list = {
        ...base,
        success: true,
        models,
        truncated: result.truncated,
        keyChecked: result.keyChecked,
        selectedMissing,
        errorCode: null,
        retryable: false,
        retryAfterMs: null,
        providerStatus: result.providerStatus,
        ...this.successTexts(locale, target.providerType, models.length),
        notes: notes.slice(0, MAX_NOTES),
      };
    } else if (result.kind === 'not-supported') {
      list = {
        ...base,
        ...this.noList(),
        errorCode: 'LISTING_NOT_SUPPORTED',
        retryable: false,
        retryAfterMs: null,
        providerStatus: null,
        userMessage: translate(locale, `models.LISTING_NOT_SUPPORTED.${target.providerType}.userMessage`),
        remediation: translate(locale, `models.LISTING_NOT_SUPPORTED.${target.providerType}.remediation`),
        notes: [],
      };
    } else {
      list = { ...base, ...this.noList(), ...this.failureOutcome(target, result, fetched, locale) };
    }
    return redactDeep(list, secrets);
  }

  private noList() {
    return { success: false, models: null, truncated: false, keyChecked: false, selectedMissing: false };
  }

  private successTexts(locale: Locale, providerType: ProviderType, count: number): { userMessage: string; remediation: string | null } {
    if (count > 0) return { userMessage: translate(locale, count === 1 ? 'models.success.one.userMessage' : 'models.success.userMessage', { count }), remediation: null };
    const specific = `models.none.${providerType}.remediation`;
    return {
      userMessage: translate(locale, 'models.none.userMessage'),
      remediation: translate(locale, specific, {}, translate(locale, 'models.none.remediation')),
    };
  }

  private failureOutcome(target: Omit<CatalogueTarget, 'apiKey'>, result: ProviderFailure, fetched: Fetched, locale: Locale) {
    const params = failureParams(locale, { providerType: target.providerType, endpointUrl: target.endpointUrl, model: target.modelId }, result, {
      timeoutMs: fetched.timeoutMs,
      maxResponseBytes: this.maxResponseBytes,
    });
    const variant = result.variant ?? (result.errorCode === 'PROVIDER_UNAUTHORIZED' && !fetched.withKey ? 'noKey' : undefined);
    const texts = failureTexts(locale, result.errorCode, target.providerType, variant, params);
    const notes = result.providerCode ? [translate(locale, 'outcome.note.providerCode', { code: clip(result.providerCode, PARAM_MAX_CHARS).text })] : [];
    return {
      errorCode: result.errorCode,
      retryable: result.retryable,
      retryAfterMs: result.retryAfterMs,
      providerStatus: result.providerStatus,
      userMessage: texts.userMessage,
      remediation: texts.remediation,
      notes,
    };
  }
}
