/**
 * lowdb adapter for the vault file. A write either replaces the whole file durably or leaves
 * the previous bytes in place: temp file (0600) → fsync → rename over the target → fsync the
 * directory. If the directory fsync fails the rename is undone by writing back the bytes the file
 * held, which the adapter knows without asking the disk: it read them at open or wrote them since.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { VaultReadError, VaultWriteError } from '../errors.js';
import type { FsLayer, WritableFile, WriteStep } from './fs-layer.js';
import { escapeRegExp, sweepDebris } from './scratch-files.js';
import { parseVaultData, type VaultData } from './state.js';

const FILE_MODE = 0o600;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export function serializeVault(data: VaultData): string {
  return JSON.stringify(data);
}

/** The file's bytes as this adapter last read or wrote them; null when there is no file. */
type Contents = string | Buffer | null;

export class DurableFileAdapter implements Adapter<VaultData> {
  private readonly dir: string;
  private readonly base: string;
  /** Names this adapter gives its temp files; anything matching is debris from a crash. */
  private readonly debris: RegExp;
  /** Undefined until read, and after a failed write that may have changed the file. */
  private onDisk: Contents | undefined = undefined;

  constructor(
    private readonly file: string,
    private readonly fs: FsLayer,
  ) {
    this.dir = path.dirname(file);
    this.base = path.basename(file);
    // `.prev.tmp`: the hard-link backups earlier versions made, left by a crash mid-write.
    this.debris = new RegExp(`^\\.${escapeRegExp(this.base)}\\.\\d+\\.[0-9a-f]+(\\.prev)?\\.tmp$`);
  }

  /** The file's state; null when it does not exist. Throws VaultReadError('io' | 'parse' | 'invariant'). */
  async read(): Promise<VaultData | null> {
    let bytes: Buffer;
    this.onDisk = undefined;
    try {
      bytes = await this.fs.readFile(this.file);
    } catch (error) {
      if (!isMissing(error)) throw new VaultReadError('io');
      this.onDisk = null;
      return null;
    }
    this.onDisk = bytes;
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw new VaultReadError('parse');
    }
    try {
      return parseVaultData(raw);
    } catch {
      throw new VaultReadError('invariant');
    }
  }

  /** Replaces the file with `data`, durably. Throws VaultWriteError(step) with the file's bytes unchanged. */
  async write(data: VaultData): Promise<void> {
    await this.writeSerialised(serializeVault(data));
  }

  /** As write(), for a caller that has serialised the state already (the vault's commit). */
  async writeSerialised(text: string): Promise<void> {
    const temp = this.scratchName();
    await this.writeTemp(temp, text);
    let previous: Contents;
    try {
      previous = await this.contents();
      await this.fs.rename(temp, this.file);
    } catch (error) {
      await this.discard(temp);
      throw error instanceof VaultWriteError ? error : new VaultWriteError('rename', { cause: error });
    }
    try {
      await this.fs.syncDir(this.dir);
    } catch (error) {
      await this.restore(previous);
      throw new VaultWriteError('dirFsync', { cause: error });
    }
    this.onDisk = text;
  }

  /** Removes temp files a crashed write left behind. */
  async sweep(): Promise<void> {
    await sweepDebris(this.fs, this.dir, this.debris);
  }

  private async writeTemp(temp: string, content: string | Uint8Array): Promise<void> {
    let handle: WritableFile;
    try {
      handle = await this.fs.openExclusive(temp, FILE_MODE);
    } catch (error) {
      throw new VaultWriteError('open', { cause: error });
    }
    let step: WriteStep = 'write';
    try {
      await handle.write(content);
      step = 'fsync';
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await this.discard(temp);
      throw new VaultWriteError(step, { cause: error });
    }
    try {
      await handle.close();
    } catch (error) {
      await this.discard(temp);
      throw new VaultWriteError('write', { cause: error });
    }
  }

  private scratchName(): string {
    return path.join(this.dir, `.${this.base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  }

  /** The bytes to put back if the directory fsync fails after the rename; read only when not known. */
  private async contents(): Promise<Contents> {
    if (this.onDisk !== undefined) return this.onDisk;
    try {
      return await this.fs.readFile(this.file);
    } catch (error) {
      if (isMissing(error)) return null;
      throw new VaultWriteError('rename', { cause: error });
    }
  }

  /** Puts `previous` back in place of the renamed file; when that fails too, what the file holds is not known. */
  private async restore(previous: Contents): Promise<void> {
    try {
      if (previous === null) {
        await this.fs.unlink(this.file);
      } else {
        const temp = this.scratchName();
        await this.writeTemp(temp, previous);
        await this.fs.rename(temp, this.file);
      }
      this.onDisk = previous;
    } catch {
      // Nothing more can be done here; the caller reports the write as failed either way.
      this.onDisk = undefined;
    }
  }

  private async discard(file: string): Promise<void> {
    await this.fs.unlink(file).catch(() => undefined);
  }
}
