/**
 * One server per data dir: `<dataDir>/.lock` names the holder (pid and process start time).
 * The file appears atomically (written aside, then hard-linked into place, which fails if it
 * exists), so a reader never sees a half-written lock. A lock whose process is gone — killed
 * with -9, say — is taken over at once, so a restart never waits.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFs } from './fs-layer.js';
import { createByLink } from './scratch-files.js';

const LOCK_NAME = '.lock';
const ATTEMPTS = 5;

interface LockOwner {
  pid: number;
  /** Tells this process apart from an earlier one that had the same pid (a container restart). */
  started: number;
}

export interface DataDirLock {
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(`Another LLM Profiles server${pid === null ? '' : ` (pid ${pid})`} is already using ${dataDir}. Stop it first, or start this one with --data-dir pointing elsewhere.`);
    this.name = 'DataDirLockedError';
  }
}

function thisProcess(): LockOwner {
  return { pid: process.pid, started: Math.round(performance.timeOrigin) };
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (Number.isSafeInteger(value?.pid) && (value?.pid as number) > 0 && typeof value?.started === 'number') {
      return { pid: value.pid as number, started: value.started };
    }
  } catch {
    // A lock that does not parse names no live holder.
  }
  return null;
}

function isAlive(owner: LockOwner): boolean {
  const me = thisProcess();
  if (owner.pid === me.pid) return owner.started === me.started;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(lockFile: string): Promise<string | null> {
  try {
    return await fs.readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function tryCreate(lockFile: string, content: string): Promise<boolean> {
  return createByLink(nodeFs, lockFile, content, 0o600, { sync: false });
}

/** Removes the lock only while it still holds `content`, so a lock just taken by another process survives. */
async function removeIfUnchanged(lockFile: string, content: string): Promise<void> {
  if ((await readLock(lockFile)) !== content) return;
  await fs.unlink(lockFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = path.join(dataDir, LOCK_NAME);
  const content = JSON.stringify(thisProcess());
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (await tryCreate(lockFile, content)) {
      return { release: () => removeIfUnchanged(lockFile, content) };
    }
    const existing = await readLock(lockFile);
    if (existing === null) continue;
    const owner = parseOwner(existing);
    if (owner !== null && isAlive(owner)) throw new DataDirLockedError(dataDir, owner.pid);
    await removeIfUnchanged(lockFile, existing);
  }
  throw new DataDirLockedError(dataDir, null);
}
