import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataDirLockedError, acquireDataDirLock } from '../../../src/vault/data-dir-lock.js';
import { withTempDir } from './fixtures.js';

const lockSource = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/vault/data-dir-lock.ts');

/** A separate node process running the real lock module: it takes the lock, says so, and holds it until killed. */
async function childHoldingLock(dataDir: string): Promise<ChildProcess> {
  const script = `const { acquireDataDirLock } = await import(${JSON.stringify(pathToFileURL(lockSource).href)});\nawait acquireDataDirLock(process.argv[1]);\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 1 << 30);\n`;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--loader', 'ts-node/esm/transpile-only', '--input-type=module', '-e', script, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => ['exited'])])) as [Buffer | string];
  expect(String(chunk)).toBe('locked\n');
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

test('a live process holding the lock refuses a second server; after kill -9 the lock is taken over at once', async () => {
  await withTempDir(async (dir) => {
    const child = await childHoldingLock(dir);
    try {
      const lockFile = path.join(dir, '.lock');
      const held = await readFile(lockFile, 'utf8');
      expect(JSON.parse(held)).toMatchObject({ pid: child.pid });
      expect((await stat(lockFile)).mode & 0o777).toBe(0o600);

      const refused = await acquireDataDirLock(dir).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as Error).message).toBe(
        `Another LLM Profiles server (pid ${child.pid}) is already using ${dir}. Stop it first, or start this one with --data-dir pointing elsewhere.`,
      );
      expect(await readFile(lockFile, 'utf8')).toBe(held);

      await kill9(child);
      const lock = await acquireDataDirLock(dir);
      expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await kill9(child);
    }
  });
});

test('a second acquire in the same process is refused until the first is released', async () => {
  await withTempDir(async (dir) => {
    const first = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
    await first.release();
    await first.release();
    const second = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(/already using/);
    await second.release();
    expect(await readdir(dir)).toEqual([]);
  });
});

test('stale locks are taken over: a dead pid, an earlier process that had our pid, and an unreadable lock', async () => {
  await withTempDir(async (dir) => {
    const lockFile = path.join(dir, '.lock');
    const stale = [
      JSON.stringify({ pid: await deadPid(), started: Date.now() - 60_000 }),
      JSON.stringify({ pid: process.pid, started: 1 }),
      '',
      'not json',
      JSON.stringify({ pid: -1, started: 0 }),
    ];
    for (const content of stale) {
      await writeFile(lockFile, content, { mode: 0o600 });
      const lock = await acquireDataDirLock(dir);
      expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    }
    expect(await readdir(dir)).toEqual([]);
  });
});

test('release leaves alone a lock that is no longer ours', async () => {
  await withTempDir(async (dir) => {
    const lock = await acquireDataDirLock(dir);
    const lockFile = path.join(dir, '.lock');
    const foreign = JSON.stringify({ pid: 1, started: 1 });
    await writeFile(lockFile, foreign);
    await lock.release();
    expect(await readFile(lockFile, 'utf8')).toBe(foreign);
  });
});
