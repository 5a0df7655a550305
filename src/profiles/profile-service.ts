/**
 * Profile use cases: list, get, create, update, delete, activate, and resolving a profile for a
 * test. Every write goes through one vault commit (copy-then-commit under the vault's mutex)
 * after safe storage is confirmed available, so a failed request changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/llm-profiles.js';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError, type FieldError } from '../errors.js';
import type { ProfileVault } from '../vault/store.js';
import type { SafeStorage, UnlockedKey } from '../vault/safe-storage.js';
import type { ProviderType, StoredProfile, VaultData } from '../vault/state.js';
import { etagOf, ifMatchSatisfied } from './etag.js';
import { checkProfile, keyMustBeResent, normaliseName, sameName, type ProfileFields } from './rules.js';

/** A profile as the learner enters it, and the fields an update may change (from the contract). */
export type ProfileInput = components['schemas']['ProfileInput'];
export type ProfileChanges = components['schemas']['ProfileChanges'];

export interface ProfileRecord {
  profile: StoredProfile;
  isActive: boolean;
  etag: string;
}

/** Hashed on first use: a list never sends ETags, and hashing every profile was 8 % of its CPU. */
class StoredRecord implements ProfileRecord {
  private cachedEtag: string | undefined;

  constructor(
    readonly profile: StoredProfile,
    readonly isActive: boolean,
  ) {}

  get etag(): string {
    return (this.cachedEtag ??= etagOf(this.profile, this.isActive));
  }
}

export interface ProfileServiceDeps {
  vault: ProfileVault;
  safeStorage: SafeStorage;
  /** How many profiles may be saved (from the contract: the list's `maxItems`). */
  maxProfiles: number;
  now?: () => Date;
  newId?: () => string;
}

function fieldsOf(profile: ProfileFields): ProfileFields {
  return {
    name: profile.name,
    providerType: profile.providerType,
    endpointUrl: profile.endpointUrl,
    modelId: profile.modelId,
    consentTimestamp: profile.consentTimestamp,
  };
}

/** A date-time JavaScript cannot represent (a leap second, 23:59:60) is a field error, not a RangeError. */
function normaliseTimestamp(value: string | null | undefined, pointer: string): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ValidationError([{ pointer, messageKey: 'field.format', params: { format: 'date-time' } }]);
  return new Date(time).toISOString();
}

export class ProfileService {
  private readonly vault: ProfileVault;
  private readonly safeStorage: SafeStorage;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly maxProfiles: number;

  constructor(deps: ProfileServiceDeps) {
    this.maxProfiles = deps.maxProfiles;
    this.vault = deps.vault;
    this.safeStorage = deps.safeStorage;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  private record(data: Readonly<VaultData>, profile: StoredProfile): ProfileRecord {
    return new StoredRecord(profile, data.activeProfileId === profile.id);
  }

  /** `version` is the committed state listed: the same object until the next commit. */
  list(providerTypes?: readonly ProviderType[]): { profiles: ProfileRecord[]; activeProfileId: string | null; version: object } {
    const data = this.vault.snapshot();
    const wanted = providerTypes && providerTypes.length > 0 ? new Set(providerTypes) : null;
    const profiles = data.profiles.filter((p) => !wanted || wanted.has(p.providerType)).map((p) => this.record(data, p));
    return { profiles, activeProfileId: data.activeProfileId, version: data };
  }

  get(id: string): ProfileRecord {
    const data = this.vault.snapshot();
    const profile = data.profiles.find((p) => p.id === id);
    if (!profile) throw new NotFoundError(id);
    return this.record(data, profile);
  }

  /** Address class and key presence of every saved profile, for discovery's comparison. */
  endpoints(): { id: string; providerType: ProviderType; endpointUrl: string }[] {
    return this.vault.snapshot().profiles.map(({ id, providerType, endpointUrl }) => ({ id, providerType, endpointUrl }));
  }

  /** A draft for the "test before save" button: the same rules as create; nothing is stored. */
  checkTestDraft(input: ProfileInput): ProfileFields {
    // Like every profile operation, it answers VAULT_READ_ERROR while the store is unreadable.
    this.vault.snapshot();
    return this.checkDraft(input);
  }

  /** Rules for a profile that is not saved (create and the draft test). */
  checkDraft(input: ProfileInput): ProfileFields {
    const fields: ProfileFields = {
      name: normaliseName(input.name),
      providerType: input.providerType,
      endpointUrl: input.endpointUrl,
      modelId: input.modelId ?? null,
      consentTimestamp: normaliseTimestamp(input.consentTimestamp, '/consentTimestamp'),
    };
    const errors = checkProfile(fields, typeof input.apiKey === 'string');
    if (errors.length > 0) throw new ValidationError(errors);
    return fields;
  }

  private assertUniqueName(data: VaultData, name: string, pointer: string, exceptId?: string): void {
    const clash = data.profiles.find((p) => p.id !== exceptId && sameName(p.name, name));
    if (clash) {
      const error: FieldError = { pointer, messageKey: 'rule.name.duplicate', params: { name } };
      throw new ConflictError('DUPLICATE_PROFILE_NAME', { name }, [error]);
    }
  }

  private async unlock(data: VaultData): Promise<UnlockedKey> {
    const key = await this.safeStorage.unlock(data.keyCheck);
    if (!data.keyCheck) data.keyCheck = key.makeKeyCheck();
    return key;
  }

  async create(input: ProfileInput): Promise<ProfileRecord> {
    const fields = this.checkDraft(input);
    const stamp = this.now().toISOString();
    const id = this.newId();
    const { data, profile } = await this.vault.commit(async (draft) => {
      const key = await this.unlock(draft);
      if (draft.profiles.length >= this.maxProfiles) {
        throw new ValidationError([{ pointer: '', messageKey: 'rule.profiles.tooMany', params: { limit: this.maxProfiles } }]);
      }
      this.assertUniqueName(draft, fields.name, '/name');
      const stored: StoredProfile = {
        id,
        ...fields,
        createdAt: stamp,
        modifiedAt: stamp,
        apiKey: typeof input.apiKey === 'string' ? key.encrypt(input.apiKey, id) : null,
      };
      draft.profiles.push(stored);
      if (draft.activeProfileId === null) draft.activeProfileId = id;
      return { data: draft, profile: stored };
    });
    return this.record(data, profile);
  }

  async update(id: string, changes: ProfileChanges, ifMatch?: string): Promise<ProfileRecord> {
    const { data, profile } = await this.vault.commit(async (draft) => {
      const index = draft.profiles.findIndex((p) => p.id === id);
      const current = draft.profiles[index];
      if (!current) throw new NotFoundError(id);
      if (!ifMatchSatisfied(ifMatch, etagOf(current, draft.activeProfileId === id))) throw new PreconditionFailedError();
      const key = await this.unlock(draft);

      const before = fieldsOf(current);
      const after: ProfileFields = {
        name: changes.name !== undefined ? normaliseName(changes.name) : before.name,
        providerType: changes.providerType ?? before.providerType,
        endpointUrl: changes.endpointUrl ?? before.endpointUrl,
        modelId: changes.modelId !== undefined ? changes.modelId : before.modelId,
        consentTimestamp: changes.consentTimestamp !== undefined ? normaliseTimestamp(changes.consentTimestamp, '/consentTimestamp') : before.consentTimestamp,
      };
      const hadKey = current.apiKey !== null;
      const willHaveKey = changes.apiKey === undefined ? hadKey : changes.apiKey !== null;
      const errors = checkProfile(after, willHaveKey);
      if (keyMustBeResent(before, after, hadKey, changes.apiKey !== undefined)) {
        errors.push({ pointer: '/apiKey', messageKey: 'rule.apiKey.mustResend' });
      }
      if (errors.length > 0) throw new ValidationError(errors);
      if (changes.name !== undefined) this.assertUniqueName(draft, after.name, '/name', id);

      const updated: StoredProfile = {
        ...current,
        ...after,
        modifiedAt: this.now().toISOString(),
        apiKey: changes.apiKey === undefined ? current.apiKey : changes.apiKey === null ? null : key.encrypt(changes.apiKey, id),
      };
      draft.profiles[index] = updated;
      return { data: draft, profile: updated };
    });
    return this.record(data, profile);
  }

  async delete(id: string, successorId?: string, ifMatch?: string): Promise<{ deletedId: string; activeProfileId: string | null }> {
    return this.vault.commit(async (draft) => {
      const current = draft.profiles.find((p) => p.id === id);
      if (!current) throw new NotFoundError(id);
      if (!ifMatchSatisfied(ifMatch, etagOf(current, draft.activeProfileId === id))) throw new PreconditionFailedError();
      if (successorId !== undefined && (successorId === id || !draft.profiles.some((p) => p.id === successorId))) {
        throw new ConflictError('ALTERNATE_NOT_FOUND', { successorProfileId: successorId }, [
          { pointer: '/successorProfileId', messageKey: successorId === id ? 'rule.successor.self' : 'rule.successor.notFound', params: { successorProfileId: successorId } },
        ]);
      }
      const wasActive = draft.activeProfileId === id;
      const remaining = draft.profiles.filter((p) => p.id !== id);
      if (wasActive && remaining.length > 0 && successorId === undefined) {
        throw new ConflictError('ACTIVE_PROFILE_REQUIRED', { profileId: id });
      }
      await this.unlock(draft);
      draft.profiles = remaining;
      if (wasActive) draft.activeProfileId = successorId ?? null;
      return { deletedId: id, activeProfileId: draft.activeProfileId };
    });
  }

  async activate(id: string): Promise<{ record: ProfileRecord; previousActiveId: string | null; changed: boolean }> {
    const snapshot = this.vault.snapshot();
    const current = snapshot.profiles.find((p) => p.id === id);
    if (!current) throw new NotFoundError(id);
    await this.safeStorage.unlock(snapshot.keyCheck);
    if (snapshot.activeProfileId === id) return { record: this.record(snapshot, current), previousActiveId: null, changed: false };

    return this.vault.commit(async (draft) => {
      const target = draft.profiles.find((p) => p.id === id);
      if (!target) throw new NotFoundError(id);
      await this.unlock(draft);
      const previous = draft.activeProfileId;
      draft.activeProfileId = id;
      return { record: this.record(draft, target), previousActiveId: previous === id ? null : previous, changed: previous !== id };
    });
  }

  /** The profile and its decrypted key, for one test call. Throws VaultLockedError when the key is needed but locked. */
  async resolveForTest(id: string): Promise<{ record: ProfileRecord; apiKey: string | null }> {
    const record = this.get(id);
    if (record.profile.apiKey === null) return { record, apiKey: null };
    const key = await this.safeStorage.unlock(this.vault.snapshot().keyCheck);
    return { record, apiKey: key.decrypt(record.profile.apiKey, id) };
  }
}
