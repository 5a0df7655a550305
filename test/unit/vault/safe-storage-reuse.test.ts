/**
 * Reads reuse the last safe-storage answer for under a second while the vault's verifier is the
 * same object; writes always ask the key store afresh, and their answer is what reads see next.
 */
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { VaultLockedError } from '../../../src/errors.js';
import { nodeFs, type FsLayer } from '../../../src/vault/fs-layer.js';
import { SafeStorage } from '../../../src/vault/safe-storage.js';
import { withTempDir } from './fixtures.js';

function counted(): { fs: FsLayer; stats: () => number } {
  let stats = 0;
  return {
    fs: {
      ...nodeFs,
      stat: (file) => {
        stats += 1;
        return nodeFs.stat(file);
      },
    },
    stats: () => stats,
  };
}

test('reads reuse the last check for under a second with the same verifier; a new verifier or an older answer is checked again', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    let now = 1_000_000;
    const { fs, stats } = counted();
    const storage = new SafeStorage({ keyFile, fs, now: () => now });
    await storage.initialize(false);
    const keyCheck = (await storage.unlock(null)).makeKeyCheck();

    await storage.check(keyCheck);
    const afterFirst = stats();
    for (let i = 0; i < 10; i += 1) expect((await storage.check(keyCheck)).status).toBe('available');
    expect(stats()).toBe(afterFirst);

    now += 999;
    await storage.check(keyCheck);
    expect(stats()).toBe(afterFirst);
    now += 1;
    await storage.check(keyCheck);
    expect(stats()).toBe(afterFirst + 1);

    // Same content, another object: the vault committed a new state, so the answer is not reused.
    await storage.check({ ...keyCheck });
    expect(stats()).toBe(afterFirst + 2);
  });
});

test('writes always check afresh, and what they find is what the next read reports', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const now = 5_000_000;
    const { fs, stats } = counted();
    const storage = new SafeStorage({ keyFile, fs, now: () => now });
    await storage.initialize(false);
    const keyCheck = (await storage.unlock(null)).makeKeyCheck();
    expect((await storage.check(keyCheck)).status).toBe('available');

    const before = stats();
    for (let i = 0; i < 3; i += 1) await storage.unlock(keyCheck);
    expect(stats()).toBe(before + 3);

    await chmod(keyFile, 0o644);
    // Within the second a read still reuses the last answer ...
    expect((await storage.check(keyCheck)).status).toBe('available');
    // ... but a write never does, and its answer is what reads see from then on.
    await expect(storage.unlock(keyCheck)).rejects.toBeInstanceOf(VaultLockedError);
    expect(await storage.check(keyCheck)).toEqual({ status: 'unavailable', reason: 'key-permissions' });
    expect(storage.lastStatus()).toBe('unavailable');

    await chmod(keyFile, 0o600);
    await storage.unlock(keyCheck);
    expect((await storage.check(keyCheck)).status).toBe('available');
  });
});
