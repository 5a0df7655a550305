/**
 * The profile store: one lowdb JSON file in the data dir, written copy-then-commit under a
 * mutex. Memory only ever holds a state that is on disk, and a file that cannot be read is
 * never overwritten — the operator may still be able to repair it.
 */
import path from 'node:path';
import { Mutex } from 'async-mutex';
import { Low } from 'lowdb';
import { VaultReadError } from '../errors.js';
import { DurableFileAdapter, serializeVault } from './durable-file-adapter.js';
import { nodeFs, type FsLayer } from './fs-layer.js';
import { emptyVaultData, VaultIndex, type VaultData } from './state.js';

export interface ProfileVaultOptions {
  dataDir: string;
  /** Defaults to 'profiles.json'. */
  fileName?: string;
  fs?: FsLayer;
}

export type VaultHealth = { status: 'ok' } | { status: 'unreadable'; reason: 'parse' | 'invariant' | 'io' };

type UnreadableReason = Extract<VaultHealth, { status: 'unreadable' }>['reason'];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function unreadableReason(error: unknown): UnreadableReason {
  const reason = error instanceof VaultReadError ? error.reason : 'io';
  return reason === 'parse' || reason === 'invariant' ? reason : 'io';
}

export class ProfileVault {
  private readonly mutex = new Mutex();
  private readonly db: Low<VaultData>;
  private currentHealth: VaultHealth = { status: 'ok' };
  /** Serialised form of the committed state, so a commit that changes nothing writes nothing. */
  private committedText: string;
  /** The committed state's ids and names, so a commit checks only what it changed. */
  private index: VaultIndex;

  private constructor(private readonly adapter: DurableFileAdapter) {
    this.db = new Low(adapter, deepFreeze(emptyVaultData()));
    this.committedText = serializeVault(this.db.data);
    this.index = VaultIndex.of(this.db.data);
  }

  static async open(options: ProfileVaultOptions): Promise<ProfileVault> {
    const fs = options.fs ?? nodeFs;
    await fs.mkdir(options.dataDir, 0o700);
    const adapter = new DurableFileAdapter(path.join(options.dataDir, options.fileName ?? 'profiles.json'), fs);
    await adapter.sweep();
    const vault = new ProfileVault(adapter);
    await vault.load();
    return vault;
  }

  health(): VaultHealth {
    return this.currentHealth;
  }

  /** Current committed state, deep-frozen. Throws VaultReadError(reason) when unreadable. */
  snapshot(): Readonly<VaultData> {
    this.assertReadable();
    return this.db.data;
  }

  /** Resolves once no commit is running or queued (for shutdown). */
  settled(): Promise<void> {
    return this.mutex.waitForUnlock();
  }

  /**
   * Serialised write, copy-on-write: the draft is a new top-level object and profile list over the
   * committed (frozen) profiles, which a mutation replaces rather than edits. mutate(draft) → the
   * invariants, checked on what changed → serialised once → durable write → swap. Whatever fails
   * (mutate, the invariants, any write step) leaves memory and the file as they were;
   * VaultWriteError(step) reports a failed write. The draft becomes the committed state, frozen.
   */
  commit<T>(mutate: (draft: VaultData) => T | Promise<T>): Promise<T> {
    return this.mutex.runExclusive(async () => {
      this.assertReadable();
      const committed = this.db.data;
      const draft: VaultData = { ...committed, profiles: [...committed.profiles] };
      const result = await mutate(draft);
      const index = this.index.next(draft);
      const text = serializeVault(draft);
      if (text !== this.committedText) await this.adapter.writeSerialised(text);
      // Only what the mutation added is walked: the profiles it kept are frozen already.
      this.db.data = deepFreeze(draft);
      this.committedText = text;
      this.index = index;
      return result;
    });
  }

  /** Re-reads the file (used by tests and after operator repair). */
  reload(): Promise<void> {
    return this.mutex.runExclusive(() => this.load());
  }

  private async load(): Promise<void> {
    try {
      // lowdb keeps its current data when the adapter reads null (no file yet).
      this.db.data = deepFreeze(emptyVaultData());
      await this.db.read();
      this.db.data = deepFreeze(this.db.data);
      this.committedText = serializeVault(this.db.data);
      this.index = VaultIndex.of(this.db.data);
      this.currentHealth = { status: 'ok' };
    } catch (error) {
      this.db.data = deepFreeze(emptyVaultData());
      this.committedText = serializeVault(this.db.data);
      this.index = VaultIndex.of(this.db.data);
      this.currentHealth = { status: 'unreadable', reason: unreadableReason(error) };
    }
  }

  private assertReadable(): void {
    if (this.currentHealth.status === 'unreadable') throw new VaultReadError(this.currentHealth.reason);
  }
}
