/**
 * The vault key: 32 random bytes in a 0600 file owned by this user. Availability is decided
 * afresh on every call from a stat (cheap), and the file is re-read only when its stat
 * signature changes, so an outage mid-run is noticed and so is its end. The key bytes stay
 * in this object's memory; no error or state carries them or the file's path.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { VaultLockedError } from '../errors.js';
import { decryptSecret, encryptSecret, keyIdOf } from './cipher.js';
import { nodeFs, type FileStat, type FsLayer } from './fs-layer.js';
import { asidePattern, createByLink, sweepDebris } from './scratch-files.js';
import type { KeyEnvelope } from './state.js';

export type SafeStorageReason = 'key-missing' | 'key-unreadable' | 'key-permissions' | 'key-owner' | 'key-malformed' | 'key-mismatch';

export type SafeStorageState = { status: 'available'; kid: string } | { status: 'unavailable'; reason: SafeStorageReason };

export interface UnlockedKey {
  kid: string;
  encrypt(plaintext: string, aad: string): KeyEnvelope;
  /** Throws SecretUnreadableError. */
  decrypt(envelope: KeyEnvelope, aad: string): string;
  makeKeyCheck(): KeyEnvelope;
}

export interface SafeStorageOptions {
  keyFile: string;
  /** Owner the key file must have; defaults to process.getuid() (no owner check where there is none). */
  uid?: number;
  fs?: FsLayer;
}

const KEY_BYTES = 32;
const KEY_MODE = 0o600;
const KEY_CHECK_AAD = 'key-check';
const KEY_CHECK_PLAINTEXT = 'llm-profiles vault key check v1';

interface LoadedKey {
  signature: string;
  unlocked: UnlockedKey;
  /** The last keyCheck this key was verified against, as JSON, so a verified check is not redone. */
  verified: string | null;
}

type Outcome = { ok: true; key: LoadedKey } | { ok: false; reason: SafeStorageReason };

function unlockedKey(key: Buffer): UnlockedKey {
  const kid = keyIdOf(key);
  return {
    kid,
    encrypt: (plaintext, aad) => encryptSecret(key, kid, plaintext, aad),
    decrypt: (envelope, aad) => decryptSecret(key, envelope, aad),
    makeKeyCheck: () => encryptSecret(key, kid, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD),
  };
}

function signatureOf(stat: FileStat): string {
  return [stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, stat.mode, stat.uid].join(':');
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export class SafeStorage {
  private readonly keyFile: string;
  private readonly uid: number | undefined;
  private readonly fs: FsLayer;
  private loaded: LoadedKey | null = null;

  constructor(options: SafeStorageOptions) {
    this.keyFile = options.keyFile;
    this.uid = options.uid ?? process.getuid?.();
    this.fs = options.fs ?? nodeFs;
  }

  /** At start: if the key file is missing and `vaultHasCiphertext` is false, create 32 random bytes 0600. Never over existing ciphertext. */
  async initialize(vaultHasCiphertext: boolean): Promise<void> {
    await this.sweepScratch();
    if (vaultHasCiphertext) return;
    try {
      await this.fs.stat(this.keyFile);
      return;
    } catch (error) {
      // Present but not stat-able: check() reports it; creating a key is only for a missing one.
      if (!isMissing(error)) return;
    }
    // Written aside and hard-linked into place: a start cut short (kill -9, power loss) must never
    // leave a short key file behind, which would lock safe storage until someone deletes it by hand.
    // Created meanwhile: keep whatever is there.
    if (!(await createByLink(this.fs, this.keyFile, randomBytes(KEY_BYTES), KEY_MODE, { sync: true }))) return;
    try {
      await this.fs.syncDir(path.dirname(this.keyFile));
    } catch (error) {
      await this.fs.unlink(this.keyFile).catch(() => undefined);
      throw error;
    }
  }

  /** Removes key files an interrupted initialize() left aside. */
  private async sweepScratch(): Promise<void> {
    await sweepDebris(this.fs, path.dirname(this.keyFile), asidePattern(this.keyFile));
  }

  /** Cheap check for every request: stat the key file; re-read + re-verify only when its stat signature changed. */
  async check(keyCheck: KeyEnvelope | null): Promise<SafeStorageState> {
    const outcome = await this.evaluate(keyCheck);
    return outcome.ok ? { status: 'available', kid: outcome.key.unlocked.kid } : { status: 'unavailable', reason: outcome.reason };
  }

  /** For writes/decrypts: like check but returns the key or throws VaultLockedError(reason). */
  async unlock(keyCheck: KeyEnvelope | null): Promise<UnlockedKey> {
    const outcome = await this.evaluate(keyCheck);
    if (!outcome.ok) throw new VaultLockedError(outcome.reason);
    return outcome.key.unlocked;
  }

  private async evaluate(keyCheck: KeyEnvelope | null): Promise<Outcome> {
    let stat: FileStat;
    try {
      stat = await this.fs.stat(this.keyFile);
    } catch (error) {
      return { ok: false, reason: isMissing(error) ? 'key-missing' : 'key-unreadable' };
    }
    if (!stat.isFile()) return { ok: false, reason: 'key-unreadable' };
    if (this.uid !== undefined && stat.uid !== this.uid) return { ok: false, reason: 'key-owner' };
    if ((stat.mode & 0o777) !== KEY_MODE) return { ok: false, reason: 'key-permissions' };
    if (stat.size !== KEY_BYTES) return { ok: false, reason: 'key-malformed' };

    const signature = signatureOf(stat);
    let key = this.loaded;
    if (key?.signature !== signature) {
      this.loaded = null;
      let bytes: Buffer;
      try {
        bytes = await this.fs.readFile(this.keyFile);
      } catch (error) {
        return { ok: false, reason: isMissing(error) ? 'key-missing' : 'key-unreadable' };
      }
      if (bytes.length !== KEY_BYTES) return { ok: false, reason: 'key-malformed' };
      key = { signature, unlocked: unlockedKey(bytes), verified: null };
      this.loaded = key;
    }
    return this.verify(key, keyCheck) ? { ok: true, key } : { ok: false, reason: 'key-mismatch' };
  }

  private verify(key: LoadedKey, keyCheck: KeyEnvelope | null): boolean {
    if (keyCheck === null) return true;
    const fingerprint = JSON.stringify(keyCheck);
    if (key.verified === fingerprint) return true;
    try {
      if (key.unlocked.decrypt(keyCheck, KEY_CHECK_AAD) !== KEY_CHECK_PLAINTEXT) return false;
    } catch {
      return false;
    }
    key.verified = fingerprint;
    return true;
  }
}
