/**
 * lowdb adapter for the vault file. A write either replaces the whole file durably or leaves
 * the previous bytes in place: temp file (0600) → fsync → rename over the target → fsync the
 * directory. If the directory fsync fails the rename is undone from a hard link of the old file.
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

type Backup = { kind: 'none' } | { kind: 'link'; path: string } | { kind: 'bytes'; bytes: Buffer };

export class DurableFileAdapter implements Adapter<VaultData> {
  private readonly dir: string;
  private readonly base: string;
  /** Names this adapter gives its temp files and backup links; anything matching is debris from a crash. */
  private readonly debris: RegExp;

  constructor(
    private readonly file: string,
    private readonly fs: FsLayer,
  ) {
    this.dir = path.dirname(file);
    this.base = path.basename(file);
    this.debris = new RegExp(`^\\.${escapeRegExp(this.base)}\\.\\d+\\.[0-9a-f]+(\\.prev)?\\.tmp$`);
  }

  /** The file's state; null when it does not exist. Throws VaultReadError('io' | 'parse' | 'invariant'). */
  async read(): Promise<VaultData | null> {
    let bytes: Buffer;
    try {
      bytes = await this.fs.readFile(this.file);
    } catch (error) {
      if (isMissing(error)) return null;
      throw new VaultReadError('io');
    }
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
    const temp = this.scratchName('.tmp');
    await this.writeTemp(temp, text);

    let backup: Backup;
    try {
      backup = await this.backup();
    } catch (error) {
      await this.discard(temp);
      throw error;
    }
    try {
      await this.fs.rename(temp, this.file);
    } catch (error) {
      await this.discard(temp);
      if (backup.kind === 'link') await this.discard(backup.path);
      throw new VaultWriteError('rename', { cause: error });
    }

    try {
      await this.fs.syncDir(this.dir);
    } catch (error) {
      await this.restore(backup);
      throw new VaultWriteError('dirFsync', { cause: error });
    }
    if (backup.kind === 'link') await this.discard(backup.path);
  }

  /** Removes temp files and backup links a crashed write left behind. */
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

  private scratchName(suffix: string): string {
    return path.join(this.dir, `.${this.base}.${process.pid}.${randomBytes(6).toString('hex')}${suffix}`);
  }

  /** What it takes to put the current file back if the directory fsync fails after the rename. */
  private async backup(): Promise<Backup> {
    const link = this.scratchName('.prev.tmp');
    try {
      await this.fs.link(this.file, link);
      return { kind: 'link', path: link };
    } catch (error) {
      if (isMissing(error)) return { kind: 'none' };
    }
    // Some file systems (FAT, some network shares) have no hard links: keep the bytes instead.
    try {
      return { kind: 'bytes', bytes: await this.fs.readFile(this.file) };
    } catch (error) {
      if (isMissing(error)) return { kind: 'none' };
      throw new VaultWriteError('rename', { cause: error });
    }
  }

  private async restore(backup: Backup): Promise<void> {
    try {
      if (backup.kind === 'none') {
        await this.fs.unlink(this.file);
      } else if (backup.kind === 'link') {
        await this.fs.rename(backup.path, this.file);
      } else {
        const temp = this.scratchName('.tmp');
        await this.writeTemp(temp, backup.bytes);
        await this.fs.rename(temp, this.file);
      }
    } catch {
      // Nothing more can be done here; the caller reports the write as failed either way.
    }
  }

  private async discard(file: string): Promise<void> {
    await this.fs.unlink(file).catch(() => undefined);
  }
}
