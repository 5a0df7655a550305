/**
 * The few file-system calls the vault makes, behind a promise interface so a test can make any
 * step of a durable write fail (see test/support/fs-faults.ts).
 */
import { closeSync, constants, promises as fs, fsync, openSync, renameSync, statSync, write } from 'node:fs';
import { promisify } from 'node:util';
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

const fsyncFd = promisify(fsync);
const writeFd = promisify(write);

/**
 * Node's file system, with the calls that only touch metadata of a local file (open, close,
 * rename, stat) made synchronously: each takes microseconds, while a round trip through libuv's
 * thread pool costs 0.1–0.25 ms, and a profile write makes eight of them. What can take long —
 * writing the bytes, fsync — still runs off the event loop.
 */
export const nodeFs: FsLayer = {
  readFile: (file) => fs.readFile(file),
  async openExclusive(file, mode) {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    return {
      async write(data) {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        for (let offset = 0; offset < bytes.byteLength; ) {
          offset += (await writeFd(fd, bytes, offset, bytes.byteLength - offset, null)).bytesWritten;
        }
      },
      sync: () => fsyncFd(fd),
      async close() {
        closeSync(fd);
      },
    };
  },
  async rename(from, to) {
    renameSync(from, to);
  },
  link: (existing, newPath) => fs.link(existing, newPath),
  unlink: (file) => fs.unlink(file),
  readdir: (dir) => fs.readdir(dir),
  async mkdir(dir, mode) {
    await fs.mkdir(dir, { recursive: true, mode });
  },
  async stat(file) {
    return statSync(file);
  },
  async syncDir(dir) {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    const fd = openSync(dir, 'r');
    try {
      await fsyncFd(fd);
    } catch (error) {
      // Some file systems (network shares, FUSE) cannot fsync a directory at all; that is not a failed write.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
    } finally {
      closeSync(fd);
    }
  },
};
