/**
 * The vault's data model and the checks a state must pass before it is kept in memory or
 * written. Error messages name the offending field by position, never its value, so a stored
 * name or key never ends up in a log.
 */
import { providerTypeValues, type components } from '../../generated/llm-profiles.js';
import { isRecord } from '../is-record.js';

export type ProviderType = components['schemas']['ProviderType'];
export type KeyStoreKind = components['schemas']['KeyStore'];

const KEY_STORES: readonly KeyStoreKind[] = ['keyring', 'file'];

/** An encrypted secret; `iv`, `tag` and `ct` are base64. */
export interface KeyEnvelope {
  v: 1;
  alg: 'AES-256-GCM';
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface StoredProfile {
  id: string;
  name: string;
  providerType: ProviderType;
  endpointUrl: string;
  modelId: string | null;
  consentTimestamp: string | null;
  createdAt: string;
  modifiedAt: string;
  apiKey: KeyEnvelope | null;
}

export interface VaultData {
  schemaVersion: 1;
  activeProfileId: string | null;
  profiles: StoredProfile[];
  /** Verifier: a fixed constant encrypted with the key (AAD "key-check"), so a wrong key is caught before use. */
  keyCheck: KeyEnvelope | null;
  /** Where the key lives; absent means the key file (vaults from before the keyring). */
  keyStore?: KeyStoreKind;
  /** A `migrate-key` under way: set before the new copy is written, cleared once the old one is gone. */
  keyMove?: { from: KeyStoreKind; to: KeyStoreKind };
}

export function emptyVaultData(): VaultData {
  return { schemaVersion: 1, activeProfileId: null, profiles: [], keyCheck: null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const VAULT_KEYS = ['schemaVersion', 'activeProfileId', 'profiles', 'keyCheck'];
const OPTIONAL_VAULT_KEYS = ['keyStore', 'keyMove'];
const PROFILE_KEYS = ['id', 'name', 'providerType', 'endpointUrl', 'modelId', 'consentTimestamp', 'createdAt', 'modifiedAt', 'apiKey'];
const ENVELOPE_KEYS = ['v', 'alg', 'kid', 'iv', 'tag', 'ct'];

type Fields = Record<string, unknown>;

// Unknown fields are refused rather than dropped: rewriting the file would otherwise lose them.
function checkKeys(value: Fields, allowed: readonly string[], where: string, optional: readonly string[] = []): void {
  for (const key of allowed) {
    if (!(key in value)) throw new Error(`${where}.${key}: missing`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key) && !optional.includes(key)) throw new Error(`${where}: unexpected field "${key.slice(0, 40)}"`);
  }
}

function checkKeyStore(value: unknown, where: string): void {
  if (!KEY_STORES.includes(value as KeyStoreKind)) throw new Error(`${where}: must be one of ${KEY_STORES.join(', ')}`);
}

function checkString(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${where}: must be a non-empty string`);
}

function checkDateTime(value: unknown, where: string): void {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new Error(`${where}: must be an ISO date-time`);
  }
}

function checkEnvelope(value: unknown, where: string): void {
  if (!isRecord(value)) throw new Error(`${where}: must be an object or null`);
  checkKeys(value, ENVELOPE_KEYS, where);
  if (value.v !== 1) throw new Error(`${where}.v: unsupported version`);
  if (value.alg !== 'AES-256-GCM') throw new Error(`${where}.alg: unsupported algorithm`);
  for (const key of ['kid', 'iv', 'tag', 'ct']) checkString(value[key], `${where}.${key}`);
}

function checkProfile(value: unknown, where: string): void {
  if (!isRecord(value)) throw new Error(`${where}: must be an object`);
  checkKeys(value, PROFILE_KEYS, where);
  if (typeof value.id !== 'string' || !UUID.test(value.id)) throw new Error(`${where}.id: must be a uuid`);
  checkString(value.name, `${where}.name`);
  if (value.name.trim().length === 0) throw new Error(`${where}.name: must not be blank`);
  if (!providerTypeValues.includes(value.providerType as ProviderType)) throw new Error(`${where}.providerType: unknown provider type`);
  checkString(value.endpointUrl, `${where}.endpointUrl`);
  if (value.modelId !== null) checkString(value.modelId, `${where}.modelId`);
  if (value.consentTimestamp !== null) checkDateTime(value.consentTimestamp, `${where}.consentTimestamp`);
  checkDateTime(value.createdAt, `${where}.createdAt`);
  checkDateTime(value.modifiedAt, `${where}.modifiedAt`);
  if (value.apiKey !== null) checkEnvelope(value.apiKey, `${where}.apiKey`);
}

function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase('en');
}

function checkTopLevel(raw: unknown, previousKeyCheck: unknown): asserts raw is Fields & { profiles: unknown[] } {
  if (!isRecord(raw)) throw new Error('vault: must be an object');
  checkKeys(raw, VAULT_KEYS, 'vault', OPTIONAL_VAULT_KEYS);
  if (raw.schemaVersion !== 1) throw new Error('vault.schemaVersion: unsupported version');
  if ('keyStore' in raw) checkKeyStore(raw.keyStore, 'vault.keyStore');
  if ('keyMove' in raw) {
    const move = raw.keyMove;
    if (!isRecord(move)) throw new Error('vault.keyMove: must be an object');
    checkKeys(move, ['from', 'to'], 'vault.keyMove');
    checkKeyStore(move.from, 'vault.keyMove.from');
    checkKeyStore(move.to, 'vault.keyMove.to');
    if (move.from === move.to) throw new Error('vault.keyMove: from and to must differ');
  }
  if (!Array.isArray(raw.profiles)) throw new Error('vault.profiles: must be an array');
  // A key check carried over unchanged from a checked state is the same frozen object.
  if (raw.keyCheck !== null && raw.keyCheck !== previousKeyCheck) checkEnvelope(raw.keyCheck, 'vault.keyCheck');
  if (raw.activeProfileId !== null && typeof raw.activeProfileId !== 'string') {
    throw new Error('vault.activeProfileId: must be a string or null');
  }
}

function checkActive(activeProfileId: unknown, ids: ReadonlySet<string>): void {
  if (ids.size === 0 && activeProfileId !== null) throw new Error('vault.activeProfileId: must be null when there are no profiles');
  if (ids.size > 0 && (activeProfileId === null || !ids.has(activeProfileId as string))) {
    throw new Error('vault.activeProfileId: must name an existing profile');
  }
}

/** Checks one profile and that its id and name are not taken yet; then takes them. */
function admitProfile(profile: unknown, where: string, ids: Set<string>, names: Set<string>): void {
  checkProfile(profile, where);
  const { id, name } = profile as StoredProfile;
  if (ids.has(id)) throw new Error(`${where}.id: duplicate id`);
  if (names.has(nameKey(name))) throw new Error(`${where}.name: duplicate name`);
  ids.add(id);
  names.add(nameKey(name));
}

/** Throws an Error with a short reason when `data` is not a well-formed, consistent vault state. */
export function checkInvariants(data: VaultData): void {
  const raw: unknown = data;
  checkTopLevel(raw, null);
  const ids = new Set<string>();
  const names = new Set<string>();
  raw.profiles.forEach((profile: unknown, index: number) => {
    admitProfile(profile, `vault.profiles[${index}]`, ids, names);
  });
  checkActive(raw.activeProfileId, ids);
}

/**
 * The ids and name keys of a checked state, kept so the next state (a copy-on-write of this one
 * whose unchanged profiles are the same frozen objects) is checked by what changed: the new or
 * replaced profiles in full, uniqueness against these sets, never the whole list again.
 */
export class VaultIndex {
  private constructor(
    private readonly data: Readonly<VaultData>,
    private readonly ids: ReadonlySet<string>,
    private readonly names: ReadonlySet<string>,
  ) {}

  /** Checks `data` in full (as checkInvariants does) and indexes it. */
  static of(data: Readonly<VaultData>): VaultIndex {
    checkInvariants(data as VaultData);
    return new VaultIndex(data, new Set(data.profiles.map((p) => p.id)), new Set(data.profiles.map((p) => nameKey(p.name))));
  }

  /** Checks `next`, derived from this index's state, with the same answers checkInvariants gives; returns its index. */
  next(next: VaultData): VaultIndex {
    const raw: unknown = next;
    checkTopLevel(raw, this.data.keyCheck);
    const before = new Set<unknown>(this.data.profiles);
    const present = new Set<unknown>(raw.profiles);
    const ids = new Set(this.ids);
    const names = new Set(this.names);
    for (const profile of this.data.profiles) {
      if (present.has(profile)) continue;
      ids.delete(profile.id);
      names.delete(nameKey(profile.name));
    }
    const kept = new Set<unknown>();
    raw.profiles.forEach((profile: unknown, index: number) => {
      const where = `vault.profiles[${index}]`;
      if (before.has(profile)) {
        // An unchanged profile listed twice is a duplicate id, as the full check would find.
        if (kept.has(profile)) throw new Error(`${where}.id: duplicate id`);
        kept.add(profile);
        return;
      }
      admitProfile(profile, where, ids, names);
    });
    checkActive(raw.activeProfileId, ids);
    return new VaultIndex(next, ids, names);
  }
}

/** Parses + checks shape and invariants; throws an Error describing the first problem. */
export function parseVaultData(raw: unknown): VaultData {
  checkInvariants(raw as VaultData);
  return raw as VaultData;
}
