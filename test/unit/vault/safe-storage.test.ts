import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VaultLockedError } from '../../../src/errors.js';
import { SecretUnreadableError, keyIdOf } from '../../../src/vault/cipher.js';
import { nodeFs, type FsLayer } from '../../../src/vault/fs-layer.js';
import { SafeStorage, type SafeStorageReason } from '../../../src/vault/safe-storage.js';
import { ioError } from '../../support/fs-faults.js';
import { withTempDir } from './fixtures.js';

const profileId = '3f1c2a4e-9b7d-4c1e-8a2f-0d6b5e4c3a21';

async function writeKey(file: string, bytes: Buffer = randomBytes(32)): Promise<Buffer> {
  await writeFile(file, bytes, { mode: 0o600 });
  await chmod(file, 0o600);
  return bytes;
}

async function expectUnavailable(storage: SafeStorage, keyCheck: Parameters<SafeStorage['check']>[0], reason: SafeStorageReason): Promise<void> {
  expect(await storage.check(keyCheck)).toEqual({ status: 'unavailable', reason });
  const attempt = storage.unlock(keyCheck);
  await expect(attempt).rejects.toBeInstanceOf(VaultLockedError);
  await expect(attempt).rejects.toMatchObject({ reason, code: 'SAFE_STORAGE_UNAVAILABLE' });
}

test('with no ciphertext yet a missing key is created: 32 random bytes, 0600, and it works', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const storage = new SafeStorage({ reuseForMs: 0, keyFile });
    await storage.initialize(false);
    const bytes = await readFile(keyFile);
    expect(bytes).toHaveLength(32);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await storage.check(null)).toEqual({ status: 'available', kid: keyIdOf(bytes) });

    const key = await storage.unlock(null);
    expect(key.kid).toBe(keyIdOf(bytes));
    const envelope = key.encrypt('sk-secret', profileId);
    expect(key.decrypt(envelope, profileId)).toBe('sk-secret');
    expect(() => key.decrypt(envelope, 'another-profile')).toThrow(SecretUnreadableError);
    const keyCheck = key.makeKeyCheck();
    expect(keyCheck.kid).toBe(key.kid);
    expect(await storage.check(keyCheck)).toEqual({ status: 'available', kid: key.kid });

    await new SafeStorage({ reuseForMs: 0, keyFile }).initialize(false);
    expect(await readFile(keyFile)).toEqual(bytes);
    expect(await readdir(dir)).toEqual(['vault.key']);
  });
});

test('a missing key while ciphertext exists stays missing: no new key is ever written', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const original = new SafeStorage({ reuseForMs: 0, keyFile });
    await original.initialize(false);
    const keyCheck = (await original.unlock(null)).makeKeyCheck();
    await unlink(keyFile);

    const restarted = new SafeStorage({ reuseForMs: 0, keyFile });
    await restarted.initialize(true);
    expect(await readdir(dir)).toEqual([]);
    await expectUnavailable(restarted, keyCheck, 'key-missing');
    expect(await readdir(dir)).toEqual([]);
  });
});

test('a key that is not 0600 is unavailable (key-permissions) until it is 0600 again, without a restart', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const storage = new SafeStorage({ reuseForMs: 0, keyFile });
    await storage.initialize(false);
    const keyCheck = (await storage.unlock(null)).makeKeyCheck();
    expect((await storage.check(keyCheck)).status).toBe('available');

    for (const mode of [0o000, 0o644, 0o400, 0o700]) {
      await chmod(keyFile, mode);
      await expectUnavailable(storage, keyCheck, 'key-permissions');
    }
    await chmod(keyFile, 0o600);
    expect((await storage.check(keyCheck)).status).toBe('available');
    expect((await storage.unlock(keyCheck)).decrypt(keyCheck, 'key-check')).toEqual(expect.any(String));
  });
});

test('a key owned by another user is unavailable (key-owner)', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    await writeKey(keyFile);
    const uid = process.getuid?.() ?? 0;
    await expectUnavailable(new SafeStorage({ reuseForMs: 0, keyFile, uid: uid + 1 }), null, 'key-owner');
    if (uid === 0) {
      await chown(keyFile, 4242, 4242);
      await expectUnavailable(new SafeStorage({ reuseForMs: 0, keyFile }), null, 'key-owner');
    }
  });
});

test('a key that is not exactly 32 bytes is unavailable (key-malformed)', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const storage = new SafeStorage({ reuseForMs: 0, keyFile });
    for (const size of [0, 16, 31, 33, 64]) {
      await writeKey(keyFile, randomBytes(size));
      await expectUnavailable(storage, null, 'key-malformed');
    }
    await writeKey(keyFile);
    expect((await storage.check(null)).status).toBe('available');
  });
});

test('a key that cannot be read is unavailable (key-unreadable)', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    await writeKey(keyFile);
    const failingReads: FsLayer = { ...nodeFs, readFile: () => Promise.reject(ioError('read')) };
    await expectUnavailable(new SafeStorage({ reuseForMs: 0, keyFile, fs: failingReads }), null, 'key-unreadable');

    const dirAsKey = path.join(dir, 'dir.key');
    await mkdir(dirAsKey, { mode: 0o600 });
    await expectUnavailable(new SafeStorage({ reuseForMs: 0, keyFile: dirAsKey }), null, 'key-unreadable');
  });
});

test('a different key than the one the vault was written with is unavailable (key-mismatch), and the right one comes back', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const storage = new SafeStorage({ reuseForMs: 0, keyFile });
    const rightBytes = await writeKey(keyFile);
    const keyCheck = (await storage.unlock(null)).makeKeyCheck();

    await rename(keyFile, path.join(dir, 'right.key'));
    await writeKey(keyFile);
    await expectUnavailable(storage, keyCheck, 'key-mismatch');
    // Same id claimed, wrong bytes: only the verifier catches it.
    await expectUnavailable(storage, { ...keyCheck, kid: keyIdOf(await readFile(keyFile)) }, 'key-mismatch');

    await writeKey(keyFile, rightBytes);
    expect(await storage.check(keyCheck)).toEqual({ status: 'available', kid: keyIdOf(rightBytes) });
  });
});

test('the key file is re-read only when its stat signature changes; a swap mid-run is noticed', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    let reads = 0;
    const counting: FsLayer = {
      ...nodeFs,
      readFile: (file) => {
        reads += 1;
        return nodeFs.readFile(file);
      },
    };
    const storage = new SafeStorage({ reuseForMs: 0, keyFile, fs: counting });
    await storage.initialize(false);
    const keyCheck = (await storage.unlock(null)).makeKeyCheck();
    for (let i = 0; i < 20; i += 1) expect((await storage.check(keyCheck)).status).toBe('available');
    expect(reads).toBe(1);

    await writeKey(keyFile);
    await expectUnavailable(storage, keyCheck, 'key-mismatch');
    expect(reads).toBe(2);

    await unlink(keyFile);
    await expectUnavailable(storage, keyCheck, 'key-missing');
  });
});

test('states and errors never carry the key bytes or the key file path', async () => {
  await withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'vault.key');
    const storage = new SafeStorage({ reuseForMs: 0, keyFile });
    await storage.initialize(false);
    const bytes = await readFile(keyFile);
    const available = JSON.stringify(await storage.check(null));
    await chmod(keyFile, 0o644);
    const error = await storage.unlock(null).catch((e: unknown) => e);
    const text = `${available} ${(error as Error).message} ${JSON.stringify(error)} ${JSON.stringify(await storage.check(null))}`;
    expect(error).toBeInstanceOf(VaultLockedError);
    for (const secret of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('latin1'), dir]) {
      expect(text).not.toContain(secret);
    }
  });
});
