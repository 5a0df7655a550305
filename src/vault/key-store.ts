/**
 * Where the vault key lives: the OS keyring or a 0600 file beside the profiles. Both answer the
 * same four calls, so safe storage, the first start and `migrate-key` never ask which one it is.
 * No answer carries the key's location or a platform message: only a short reason word.
 */
import type { components } from '../../generated/llm-profiles.js';
import type { KeyStoreKind } from './state.js';

export type { KeyStoreKind } from './state.js';
export type SafeStorageReason = NonNullable<components['schemas']['HealthResponse']['safeStorageReason']>;

export const KEY_BYTES = 32;

export type KeyRead = { ok: true; key: Buffer } | { ok: false; reason: SafeStorageReason };

export interface KeyStore {
  readonly kind: KeyStoreKind;
  /** The stored key, checked for shape; `key-missing` / `keyring-key-missing` when there is none. */
  read(): Promise<KeyRead>;
  /** Stores `key`. The file store never replaces an existing file (EEXIST). */
  write(key: Buffer): Promise<void>;
  /** Removes this store's copy; true when there was one. */
  remove(): Promise<boolean>;
  /** Ends whatever the store keeps running (the keyring's helper process). */
  close(): void;
}

/** True for a reason that says "this store holds no key" rather than "it cannot be asked". */
export function isMissing(reason: SafeStorageReason): boolean {
  return reason === 'key-missing' || reason === 'keyring-key-missing';
}
