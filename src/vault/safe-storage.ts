/**
 * Safe storage: the vault key from its store (the OS keyring or a 0600 file), checked against the
 * vault's verifier before use. Every write asks the store afresh; a read reuses the last answer
 * while the vault's verifier is the same object and that answer is under `reuseForMs` old — so an
 * outage mid-run, and its end, are noticed within a second without a store call per request.
 * The keyring is never waited on by a read: reads answer from the last probe and refresh it in
 * the background. The key bytes stay in this object's memory; no error or state carries them,
 * the key file's path or the platform's own words.
 */
import { randomBytes } from 'node:crypto';
import { VaultLockedError } from '../errors.js';
import { decryptSecret, encryptSecret, keyIdOf, loadCipher } from './cipher.js';
import { FileKeyStore } from './file-key-store.js';
import type { FsLayer } from './fs-layer.js';
import { KEY_BYTES, type KeyRead, type KeyStore, type KeyStoreKind, type SafeStorageReason } from './key-store.js';
import type { KeyEnvelope } from './state.js';

export type { KeyStoreKind, SafeStorageReason } from './key-store.js';

export type SafeStorageState = { status: 'available'; kid: string } | { status: 'unavailable'; reason: SafeStorageReason };

export interface UnlockedKey {
  kid: string;
  encrypt(plaintext: string, aad: string): KeyEnvelope;
  /** Throws SecretUnreadableError. */
  decrypt(envelope: KeyEnvelope, aad: string): string;
  makeKeyCheck(): KeyEnvelope;
}

export type SafeStorageOptions = ({ store: KeyStore } | { keyFile: string; uid?: number; fs?: FsLayer }) & {
  /** How long a read may reuse the last check (default 1000 ms). Writes always check afresh. */
  reuseForMs?: number;
  now?: () => number;
};

const KEY_CHECK_AAD = 'key-check';
const KEY_CHECK_PLAINTEXT = 'llm-profiles vault key check v1';
const DEFAULT_REUSE_MS = 1000;

interface LoadedKey {
  bytes: Buffer;
  unlocked: UnlockedKey;
  /** The last keyCheck this key was verified against, as JSON, so a verified check is not redone. */
  verified: string | null;
}

interface LastCheck {
  state: SafeStorageState;
  keyCheck: KeyEnvelope | null;
  at: number;
}

function unlockedKey(key: Buffer): UnlockedKey {
  const kid = keyIdOf(key);
  return {
    kid,
    encrypt: (plaintext, aad) => encryptSecret(key, kid, plaintext, aad),
    decrypt: (envelope, aad) => decryptSecret(key, envelope, aad),
    makeKeyCheck: () => encryptSecret(key, kid, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD),
  };
}

/** True when `key` decrypts the vault's verifier (or there is none yet). */
export function keyMatches(key: Buffer, keyCheck: KeyEnvelope | null): boolean {
  if (keyCheck === null) return true;
  try {
    return decryptSecret(key, keyCheck, KEY_CHECK_AAD) === KEY_CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}

/** The vault's verifier for `key`. */
export function keyCheckFor(key: Buffer): KeyEnvelope {
  return unlockedKey(key).makeKeyCheck();
}

export function newVaultKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export class SafeStorage {
  readonly store: KeyStore;
  private readonly reuseForMs: number;
  private readonly now: () => number;
  private loaded: LoadedKey | null = null;
  private last: LastCheck | null = null;
  private refreshing: Promise<SafeStorageState> | null = null;

  constructor(options: SafeStorageOptions) {
    this.store = 'store' in options ? options.store : new FileKeyStore(options);
    this.reuseForMs = options.reuseForMs ?? DEFAULT_REUSE_MS;
    this.now = options.now ?? Date.now;
  }

  get kind(): KeyStoreKind {
    return this.store.kind;
  }

  /**
   * At start, for the file store: sweeps what an interrupted key write left aside and, when the
   * key file is missing and `vaultHasCiphertext` is false, creates 32 random bytes 0600. Never
   * over existing ciphertext. The keyring's first key is made by the start-up (see key-setup.ts).
   */
  async initialize(vaultHasCiphertext: boolean): Promise<void> {
    const store = this.store;
    if (!(store instanceof FileKeyStore)) return;
    await store.sweepScratch();
    if (vaultHasCiphertext || (await store.exists())) return;
    try {
      await store.write(newVaultKey());
    } catch (error) {
      // Created meanwhile: keep whatever is there.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  /** For reads: the last answer while it is fresh and the verifier is unchanged, else a new one. */
  async check(keyCheck: KeyEnvelope | null): Promise<SafeStorageState> {
    const last = this.last;
    if (last && last.keyCheck === keyCheck && this.now() - last.at < this.reuseForMs) return last.state;
    if (last && this.store.kind === 'keyring') {
      this.refresh(keyCheck).catch(() => undefined);
      return last.keyCheck === keyCheck || last.state.status === 'unavailable' ? last.state : this.verifyInMemory(keyCheck);
    }
    return this.refresh(keyCheck);
  }

  /** For writes and decrypts: asks the store afresh; returns the key or throws VaultLockedError(reason). */
  async unlock(keyCheck: KeyEnvelope | null): Promise<UnlockedKey> {
    const state = await this.refresh(keyCheck);
    if (state.status === 'unavailable' || !this.loaded) throw new VaultLockedError(state.status === 'unavailable' ? state.reason : 'key-missing');
    return this.loaded.unlocked;
  }

  /** The most recent answer (a write's fresh check included), for the response being sent. */
  lastStatus(): SafeStorageState['status'] | null {
    return this.last?.state.status ?? null;
  }

  close(): void {
    this.store.close();
  }

  private verifyInMemory(keyCheck: KeyEnvelope | null): SafeStorageState {
    const key = this.loaded;
    if (key && this.verify(key, keyCheck)) return { status: 'available', kid: key.unlocked.kid };
    return { status: 'unavailable', reason: 'key-mismatch' };
  }

  /**
   * One store call at a time: a check that arrives while one is under way takes its answer (it
   * started moments ago), so a write never queues behind a read's background probe.
   */
  private refresh(keyCheck: KeyEnvelope | null): Promise<SafeStorageState> {
    const running = this.refreshing;
    if (running) return running.then((state) => (state.status === 'available' ? this.verifyInMemory(keyCheck) : state));
    const run = this.probe(keyCheck).finally(() => (this.refreshing = null));
    this.refreshing = run;
    return run;
  }

  /**
   * At start, when set-up has just read a first key back from its store: that answer is the first
   * check, rather than asking the store again a moment later.
   */
  adopt(read: KeyRead, keyCheck: KeyEnvelope | null): SafeStorageState {
    return this.settle(read, keyCheck);
  }

  private async probe(keyCheck: KeyEnvelope | null): Promise<SafeStorageState> {
    const reading = this.store.read();
    // A keyring answers from another process: the cipher the check needs loads meanwhile.
    if (keyCheck !== null) loadCipher();
    return this.settle(await reading, keyCheck);
  }

  private settle(read: KeyRead, keyCheck: KeyEnvelope | null): SafeStorageState {
    let state: SafeStorageState;
    if (!read.ok) {
      state = { status: 'unavailable', reason: read.reason };
    } else {
      const key = this.loaded?.bytes.equals(read.key) ? this.loaded : { bytes: read.key, unlocked: unlockedKey(read.key), verified: null };
      if (this.verify(key, keyCheck)) {
        this.loaded = key;
        state = { status: 'available', kid: key.unlocked.kid };
      } else {
        state = { status: 'unavailable', reason: 'key-mismatch' };
      }
    }
    this.last = { state, keyCheck, at: this.now() };
    return state;
  }

  private verify(key: LoadedKey, keyCheck: KeyEnvelope | null): boolean {
    if (keyCheck === null) return true;
    const fingerprint = JSON.stringify(keyCheck);
    if (key.verified === fingerprint) return true;
    if (!keyMatches(key.bytes, keyCheck)) return false;
    key.verified = fingerprint;
    return true;
  }
}
