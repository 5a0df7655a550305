/**
 * Files written whole beside their final name before they take it, and the debris such a write
 * leaves when the process dies half-way (kill -9, power loss), swept at the next start.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FsLayer } from './fs-layer.js';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A fresh name beside `target`: pid and random bytes, so concurrent writers never share one. */
function asideName(target: string): string {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** The names `createByLink` writes aside for `target`, relative to its directory. */
export function asidePattern(target: string): RegExp {
  return new RegExp(`^${escapeRegExp(path.basename(target))}\\.\\d+\\.[0-9a-f]{12}\\.tmp$`);
}

/**
 * Creates `target` holding `content`, or leaves an existing one alone and returns false. The
 * content is written aside and hard-linked into place, and a link fails when the target exists,
 * so no reader ever sees a half-written file and nothing is replaced. The aside file is always
 * removed. `sync` flushes the content before it becomes visible (the caller syncs the directory).
 */
export async function createByLink(fs: FsLayer, target: string, content: string | Uint8Array, mode: number, options: { sync: boolean }): Promise<boolean> {
  const aside = asideName(target);
  const file = await fs.openExclusive(aside, mode);
  try {
    await file.write(content);
    if (options.sync) await file.sync();
    await file.close();
  } catch (error) {
    await file.close().catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
    throw error;
  }
  try {
    await fs.link(aside, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.unlink(aside).catch(() => undefined);
  }
}

/** Removes the files in `dir` whose names match `debris`; a directory that cannot be read has none. */
export async function sweepDebris(fs: FsLayer, dir: string, debris: RegExp): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((name) => debris.test(name)).map((name) => fs.unlink(path.join(dir, name)).catch(() => undefined)));
}
