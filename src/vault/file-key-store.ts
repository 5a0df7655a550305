/**
 * The vault key as 32 random bytes in a 0600 file owned by this user. A read stats the file and
 * re-reads it only when its stat signature changed, so a key put back mid-run is noticed.
 */
import path from 'node:path';
import { nodeFs, type FileStat, type FsLayer } from './fs-layer.js';
import { KEY_BYTES, type KeyRead, type KeyStore } from './key-store.js';
import { asidePattern, createByLink, sweepDebris } from './scratch-files.js';

export interface FileKeyStoreOptions {
  keyFile: string;
  /** Owner the key file must have; defaults to process.getuid() (no owner check where there is none). */
  uid?: number;
  fs?: FsLayer;
}

const KEY_MODE = 0o600;

function signatureOf(stat: FileStat): string {
  return [stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, stat.mode, stat.uid].join(':');
}

function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export class FileKeyStore implements KeyStore {
  readonly kind = 'file' as const;
  readonly keyFile: string;
  private readonly uid: number | undefined;
  private readonly fs: FsLayer;
  private cached: { signature: string; key: Buffer } | null = null;

  constructor(options: FileKeyStoreOptions) {
    this.keyFile = options.keyFile;
    this.uid = options.uid ?? process.getuid?.();
    this.fs = options.fs ?? nodeFs;
  }

  async exists(): Promise<boolean> {
    try {
      await this.fs.stat(this.keyFile);
      return true;
    } catch (error) {
      // Present but not stat-able counts as present: nothing may be created over it.
      return !isEnoent(error);
    }
  }

  async read(): Promise<KeyRead> {
    let stat: FileStat;
    try {
      stat = await this.fs.stat(this.keyFile);
    } catch (error) {
      return { ok: false, reason: isEnoent(error) ? 'key-missing' : 'key-unreadable' };
    }
    if (!stat.isFile()) return { ok: false, reason: 'key-unreadable' };
    if (this.uid !== undefined && stat.uid !== this.uid) return { ok: false, reason: 'key-owner' };
    if ((stat.mode & 0o777) !== KEY_MODE) return { ok: false, reason: 'key-permissions' };
    if (stat.size !== KEY_BYTES) return { ok: false, reason: 'key-malformed' };
    const signature = signatureOf(stat);
    if (this.cached?.signature === signature) return { ok: true, key: this.cached.key };
    this.cached = null;
    let bytes: Buffer;
    try {
      bytes = await this.fs.readFile(this.keyFile);
    } catch (error) {
      return { ok: false, reason: isEnoent(error) ? 'key-missing' : 'key-unreadable' };
    }
    if (bytes.length !== KEY_BYTES) return { ok: false, reason: 'key-malformed' };
    this.cached = { signature, key: bytes };
    return { ok: true, key: bytes };
  }

  /**
   * Written aside and hard-linked into place: a write cut short (kill -9, power loss) never
   * leaves a short key file behind. Throws EEXIST when a key file is already there.
   */
  async write(key: Buffer): Promise<void> {
    if (!(await createByLink(this.fs, this.keyFile, key, KEY_MODE, { sync: true }))) {
      throw Object.assign(new Error('a key file is already there'), { code: 'EEXIST' });
    }
    try {
      await this.fs.syncDir(path.dirname(this.keyFile));
    } catch (error) {
      await this.fs.unlink(this.keyFile).catch(() => undefined);
      throw error;
    }
  }

  async remove(): Promise<boolean> {
    try {
      await this.fs.unlink(this.keyFile);
    } catch (error) {
      if (isEnoent(error)) return false;
      throw error;
    }
    this.cached = null;
    await this.fs.syncDir(path.dirname(this.keyFile));
    return true;
  }

  /** Removes key files an interrupted write() left aside. */
  async sweepScratch(): Promise<void> {
    await sweepDebris(this.fs, path.dirname(this.keyFile), asidePattern(this.keyFile));
  }

  close(): void {}
}
