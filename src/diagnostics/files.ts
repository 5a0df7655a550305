/**
 * The rotating set of diagnostics files: `profiles.jsonl` is written to; when it would grow
 * past the size limit it becomes `profiles.1.jsonl`, older ones shift up, and the oldest beyond
 * `maxFiles` is deleted, so the trail never takes more than about maxFileBytes × maxFiles.
 */
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';

export type DiagnosticsFs = Pick<typeof nodeFs, 'mkdir' | 'chmod' | 'stat' | 'appendFile' | 'rename' | 'unlink' | 'readFile'>;

export const defaultDiagnosticsFs: DiagnosticsFs = nodeFs;

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export class RotatingFiles {
  private readonly active: string;
  private readonly stem: string;
  private readonly extension: string;
  /** Bytes in the active file; null until known (start, or after a failure). */
  private activeSize: number | null = null;

  constructor(
    private readonly fs: DiagnosticsFs,
    private readonly dir: string,
    fileName: string,
    private readonly maxFileBytes: number,
    private readonly maxFiles: number,
  ) {
    this.active = path.join(dir, fileName);
    const parsed = path.parse(fileName);
    this.stem = parsed.name;
    this.extension = parsed.ext;
  }

  /** The n-th older file; 0 is the active one. */
  fileAt(index: number): string {
    return index === 0 ? this.active : path.join(this.dir, `${this.stem}.${index}${this.extension}`);
  }

  /** Appends whole lines, rotating between them so no file passes the limit (except by one oversized line). */
  async append(lines: readonly string[]): Promise<void> {
    try {
      const size = await this.prepare();
      let written = size;
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (written + chunkBytes + bytes > this.maxFileBytes && written + chunkBytes > 0) {
          if (chunkBytes > 0) await this.fs.appendFile(this.active, chunk, { mode: FILE_MODE });
          await this.rotate();
          written = 0;
          chunk = '';
          chunkBytes = 0;
        }
        chunk += line;
        chunkBytes += bytes;
      }
      if (chunkBytes > 0) await this.fs.appendFile(this.active, chunk, { mode: FILE_MODE });
      this.activeSize = written + chunkBytes;
    } catch (error) {
      this.activeSize = null;
      throw error;
    }
  }

  /** Every stored line, oldest file first. Missing files are simply empty. */
  async readLines(): Promise<string[]> {
    const lines: string[] = [];
    for (let index = this.maxFiles - 1; index >= 0; index -= 1) {
      let text: string;
      try {
        text = await this.fs.readFile(this.fileAt(index), 'utf8');
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      for (const line of text.split('\n')) if (line.length > 0) lines.push(line);
    }
    return lines;
  }

  /** Makes the directory (0700) and learns the active file's size, tightening its mode. */
  private async prepare(): Promise<number> {
    if (this.activeSize !== null) return this.activeSize;
    await this.fs.mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    await this.fs.chmod(this.dir, DIR_MODE);
    let size = 0;
    try {
      size = (await this.fs.stat(this.active)).size;
      await this.fs.chmod(this.active, FILE_MODE);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    this.activeSize = size;
    return size;
  }

  private async rotate(): Promise<void> {
    const oldest = this.maxFiles - 1;
    await this.unlinkIfPresent(this.fileAt(oldest));
    for (let index = oldest - 1; index >= 0; index -= 1) {
      try {
        await this.fs.rename(this.fileAt(index), this.fileAt(index + 1));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    this.activeSize = 0;
  }

  private async unlinkIfPresent(file: string): Promise<void> {
    try {
      await this.fs.unlink(file);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}
