/**
 * The few async file-system calls the vault makes, behind an interface so a test can make
 * any step of a durable write fail (see test/support/fs-faults.ts).
 */
import { promises as fs, constants } from 'node:fs';
import type { Stats } from 'node:fs';

/** The steps of a durable write, in order; a failure at any of them is reported by name. */
export type WriteStep = 'open' | 'write' | 'fsync' | 'rename' | 'dirFsync';

export const WRITE_STEPS: readonly WriteStep[] = ['open', 'write', 'fsync', 'rename', 'dirFsync'];

export type FileStat = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs' | 'mode' | 'uid' | 'isFile'>;

export interface WritableFile {
  write(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FsLayer {
  readFile(file: string): Promise<Buffer>;
  /** Creates `file` (failing if it exists) with `mode`, open for writing. Step 'open'. */
  openExclusive(file: string, mode: number): Promise<WritableFile>;
  /** Step 'rename'. */
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  unlink(file: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  /** Recursive; `mode` applies to directories it creates. */
  mkdir(dir: string, mode: number): Promise<void>;
  stat(file: string): Promise<FileStat>;
  /** Opens the directory and fsyncs it, so a rename in it survives a power cut. Step 'dirFsync'. */
  syncDir(dir: string): Promise<void>;
}

export const nodeFs: FsLayer = {
  readFile: (file) => fs.readFile(file),
  async openExclusive(file, mode) {
    const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    return {
      async write(data) {
        await handle.writeFile(data);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: (from, to) => fs.rename(from, to),
  link: (existing, newPath) => fs.link(existing, newPath),
  unlink: (file) => fs.unlink(file),
  readdir: (dir) => fs.readdir(dir),
  async mkdir(dir, mode) {
    await fs.mkdir(dir, { recursive: true, mode });
  },
  stat: (file) => fs.stat(file),
  async syncDir(dir) {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } catch (error) {
      // Some file systems (network shares, FUSE) cannot fsync a directory at all; that is not a failed write.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
    } finally {
      await handle.close();
    }
  },
};
