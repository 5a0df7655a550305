import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VaultReadError, VaultWriteError } from '../../../src/errors.js';
import { WRITE_STEPS, nodeFs, type FsLayer } from '../../../src/vault/fs-layer.js';
import type { VaultData } from '../../../src/vault/state.js';
import { ProfileVault } from '../../../src/vault/store.js';
import { faultyFs, ioError } from '../../support/fs-faults.js';
import { addProfile, bytesOf, withTempDir } from './fixtures.js';

const envelope = { v: 1, alg: 'AES-256-GCM', kid: 'abcd1234', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==', ct: 'AAAA' } as const;

function vaultFile(dir: string): string {
  return path.join(dir, 'profiles.json');
}

async function seeded(dir: string, count = 2): Promise<Readonly<VaultData>> {
  const vault = await ProfileVault.open({ dataDir: dir });
  await vault.commit((draft) => {
    for (let i = 0; i < count; i += 1) addProfile(draft);
  });
  return vault.snapshot();
}

test('a missing data dir is created 0700; a missing file is an empty vault and is not created until a commit', async () => {
  await withTempDir(async (root) => {
    const dir = path.join(root, 'nested', 'data');
    const vault = await ProfileVault.open({ dataDir: dir });
    expect(vault.health()).toEqual({ status: 'ok' });
    expect(vault.snapshot()).toEqual({ schemaVersion: 1, activeProfileId: null, profiles: [], keyCheck: null });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual([]);
  });
});

test('commits survive a restart; the file is 0600 compact JSON and the snapshot is deep-frozen', async () => {
  await withTempDir(async (dir) => {
    const vault = await ProfileVault.open({ dataDir: dir });
    const returned = await vault.commit((draft) => {
      const first = addProfile(draft, { apiKey: { ...envelope } });
      addProfile(draft, { name: 'Ollama', providerType: 'ollama', modelId: 'llama3' });
      draft.keyCheck = { ...envelope };
      return first.id;
    });
    const committed = vault.snapshot();
    expect(committed.activeProfileId).toBe(returned);
    expect(committed.profiles).toHaveLength(2);

    const reopened = await ProfileVault.open({ dataDir: dir });
    expect(reopened.snapshot()).toEqual(committed);
    const file = await stat(vaultFile(dir));
    expect(file.mode & 0o777).toBe(0o600);
    const text = (await bytesOf(vaultFile(dir)))!.toString('utf8');
    expect(text).not.toMatch(/\n/);
    expect(JSON.parse(text)).toEqual(committed);

    expect(Object.isFrozen(committed)).toBe(true);
    expect(Object.isFrozen(committed.profiles[0])).toBe(true);
    expect(Object.isFrozen(committed.profiles[0]?.apiKey)).toBe(true);
    expect(() => {
      (committed.profiles as VaultData['profiles']).pop();
    }).toThrow(/Cannot (delete|assign|add)/);
    expect(vault.snapshot().profiles).toHaveLength(2);
  });
});

test('a custom file name is honoured', async () => {
  await withTempDir(async (dir) => {
    const vault = await ProfileVault.open({ dataDir: dir, fileName: 'other.json' });
    await vault.commit((draft) => void addProfile(draft));
    expect(await readdir(dir)).toEqual(['other.json']);
  });
});

test('when mutate throws (sync or async) the error propagates unchanged and nothing changes', async () => {
  await withTempDir(async (dir) => {
    const before = await seeded(dir);
    const vault = await ProfileVault.open({ dataDir: dir });
    const bytes = await bytesOf(vaultFile(dir));
    const boom = new Error('rule broken');
    await expect(
      vault.commit((draft) => {
        addProfile(draft);
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      vault.commit(async (draft) => {
        draft.profiles = [];
        await new Promise((resolve) => setImmediate(resolve));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(vault.snapshot()).toEqual(before);
    expect(await bytesOf(vaultFile(dir))).toEqual(bytes);
  });
});

test('a draft that breaks an invariant is refused and nothing changes', async () => {
  await withTempDir(async (dir) => {
    const before = await seeded(dir);
    const vault = await ProfileVault.open({ dataDir: dir });
    const bytes = await bytesOf(vaultFile(dir));
    const breakers: ((draft: VaultData) => void)[] = [
      (draft) => void (draft.activeProfileId = null),
      (draft) => void addProfile(draft, { name: ` ${draft.profiles[0]?.name.toUpperCase()} ` }),
      (draft) => void addProfile(draft, { id: draft.profiles[0]?.id as string }),
      (draft) => void (draft.profiles = []),
    ];
    for (const breakIt of breakers) await expect(vault.commit(breakIt)).rejects.toThrow(Error);
    expect(vault.snapshot()).toEqual(before);
    expect(await bytesOf(vaultFile(dir))).toEqual(bytes);
  });
});

test('a commit that changes nothing writes nothing', async () => {
  await withTempDir(async (dir) => {
    const empty = await ProfileVault.open({ dataDir: dir });
    await expect(empty.commit(() => 'unchanged')).resolves.toBe('unchanged');
    expect(await readdir(dir)).toEqual([]);

    await seeded(dir);
    const vault = await ProfileVault.open({ dataDir: dir });
    const inode = (await stat(vaultFile(dir))).ino;
    await vault.commit((draft) => draft);
    expect((await stat(vaultFile(dir))).ino).toBe(inode);
  });
});

describe.each(WRITE_STEPS)('a failure at the %s step', (step) => {
  test('throws VaultWriteError(step); memory, file bytes and directory stay as they were', async () => {
    await withTempDir(async (dir) => {
      const before = await seeded(dir);
      const bytes = await bytesOf(vaultFile(dir));
      const vault = await ProfileVault.open({ dataDir: dir, fs: faultyFs(step) });
      const attempt = vault.commit((draft) => void addProfile(draft, { name: 'New one' }));
      await expect(attempt).rejects.toBeInstanceOf(VaultWriteError);
      await expect(attempt).rejects.toMatchObject({ step, code: 'VAULT_WRITE_ERROR' });
      expect(vault.snapshot()).toEqual(before);
      expect(await bytesOf(vaultFile(dir))).toEqual(bytes);
      expect(await readdir(dir)).toEqual(['profiles.json']);
      expect((await ProfileVault.open({ dataDir: dir })).snapshot()).toEqual(before);
    });
  });

  test('on the very first commit leaves no file behind', async () => {
    await withTempDir(async (dir) => {
      const vault = await ProfileVault.open({ dataDir: dir, fs: faultyFs(step) });
      await expect(vault.commit((draft) => void addProfile(draft))).rejects.toMatchObject({ step });
      expect(vault.snapshot().profiles).toEqual([]);
      expect(await readdir(dir)).toEqual([]);
    });
  });
});

test('a failed directory fsync puts back the exact bytes read at open (a hand-edited file too), on file systems without hard links', async () => {
  await withTempDir(async (dir) => {
    const before = await seeded(dir);
    const handEdited = `\uFEFF${JSON.stringify(before, null, 2)}\n`;
    await writeFile(vaultFile(dir), handEdited);
    const noLinks: FsLayer = { ...nodeFs, link: () => Promise.reject(Object.assign(new Error('EPERM (injected)'), { code: 'EPERM' })) };

    const failing = await ProfileVault.open({ dataDir: dir, fs: faultyFs('dirFsync', noLinks) });
    await expect(failing.commit((draft) => void addProfile(draft))).rejects.toMatchObject({ step: 'dirFsync' });
    expect(failing.snapshot()).toEqual(before);
    expect((await bytesOf(vaultFile(dir)))?.toString('utf8')).toBe(handEdited);
    expect(await readdir(dir)).toEqual(['profiles.json']);
    // A second failure restores the same bytes: what was put back is what the adapter now knows.
    await expect(failing.commit((draft) => void addProfile(draft))).rejects.toMatchObject({ step: 'dirFsync' });
    expect((await bytesOf(vaultFile(dir)))?.toString('utf8')).toBe(handEdited);

    const working = await ProfileVault.open({ dataDir: dir, fs: noLinks });
    await working.commit((draft) => void addProfile(draft));
    await working.commit((draft) => void addProfile(draft));
    expect((await ProfileVault.open({ dataDir: dir })).snapshot().profiles).toHaveLength(4);
  });
});

test('after a committed write, a failed directory fsync puts back that write', async () => {
  await withTempDir(async (dir) => {
    await seeded(dir);
    let dirFsyncFails = false;
    const fs: FsLayer = { ...nodeFs, syncDir: (d) => (dirFsyncFails ? Promise.reject(ioError('fsync')) : nodeFs.syncDir(d)) };
    const vault = await ProfileVault.open({ dataDir: dir, fs });
    await vault.commit((draft) => void addProfile(draft, { name: 'Kept' }));
    const committed = await bytesOf(vaultFile(dir));
    dirFsyncFails = true;
    await expect(vault.commit((draft) => void addProfile(draft, { name: 'Lost' }))).rejects.toMatchObject({ step: 'dirFsync' });
    expect(await bytesOf(vaultFile(dir))).toEqual(committed);
    expect(vault.snapshot().profiles.map((p) => p.name)).toContain('Kept');
  });
});

const corruptions: [string, (good: Buffer) => Buffer | string, 'parse' | 'invariant'][] = [
  ['truncated', (good) => good.subarray(0, Math.floor(good.length / 2)), 'parse'],
  ['empty', () => '', 'parse'],
  ['NUL-filled', (good) => Buffer.alloc(good.length), 'parse'],
  ['not JSON', () => 'profiles: [oops', 'parse'],
  ['JSON null', () => 'null', 'invariant'],
  ['breaking an invariant (two active-less profiles)', (good) => JSON.stringify({ ...JSON.parse(good.toString()), activeProfileId: null }), 'invariant'],
  [
    'breaking an invariant (duplicate names)',
    (good) => {
      const data = JSON.parse(good.toString()) as VaultData;
      (data.profiles[1] as { name: string }).name = (data.profiles[0] as { name: string }).name.toLowerCase();
      return JSON.stringify(data);
    },
    'invariant',
  ],
];

test.each(corruptions)('a %s file is unreadable: reads and commits refused, the bytes untouched, repair + reload recovers', async (_label, corrupt, reason) => {
  await withTempDir(async (dir) => {
    const good = await seeded(dir);
    const goodBytes = (await bytesOf(vaultFile(dir)))!;
    await writeFile(vaultFile(dir), corrupt(goodBytes));
    const corruptBytes = await bytesOf(vaultFile(dir));

    const vault = await ProfileVault.open({ dataDir: dir });
    expect(vault.health()).toEqual({ status: 'unreadable', reason });
    expect(() => vault.snapshot()).toThrow(VaultReadError);
    let called = false;
    const attempt = vault.commit((draft) => {
      called = true;
      addProfile(draft);
    });
    await expect(attempt).rejects.toBeInstanceOf(VaultReadError);
    await expect(attempt).rejects.toMatchObject({ reason, code: 'VAULT_READ_ERROR' });
    expect(called).toBe(false);
    expect(await bytesOf(vaultFile(dir))).toEqual(corruptBytes);
    expect(await readdir(dir)).toEqual(['profiles.json']);

    await writeFile(vaultFile(dir), goodBytes);
    await vault.reload();
    expect(vault.health()).toEqual({ status: 'ok' });
    expect(vault.snapshot()).toEqual(good);
  });
});

test('a vault path that cannot be read is unreadable with reason io', async () => {
  await withTempDir(async (dir) => {
    await mkdir(vaultFile(dir));
    const vault = await ProfileVault.open({ dataDir: dir });
    expect(vault.health()).toEqual({ status: 'unreadable', reason: 'io' });
    await expect(vault.commit(() => undefined)).rejects.toMatchObject({ reason: 'io' });

    const failingReads: FsLayer = { ...nodeFs, readFile: () => Promise.reject(ioError('read')) };
    const other = await withTempDir(async (dir2) => {
      await seeded(dir2);
      return (await ProfileVault.open({ dataDir: dir2, fs: failingReads })).health();
    });
    expect(other).toEqual({ status: 'unreadable', reason: 'io' });
  });
});

test('stale temp files from a crashed write are swept at open; other files are left alone', async () => {
  await withTempDir(async (dir) => {
    const before = await seeded(dir);
    const debris = ['.profiles.json.4242.0a1b2c3d4e5f.tmp', '.profiles.json.99.abcdef.prev.tmp'];
    const keep = ['notes.tmp', '.profiles.json.bak', 'vault.key', '.profiles.json.x.tmp'];
    for (const name of [...debris, ...keep]) await writeFile(path.join(dir, name), '{"half":');
    const vault = await ProfileVault.open({ dataDir: dir });
    expect(vault.snapshot()).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(['profiles.json', ...keep].sort());
  });
});

test('100 concurrent commits are serialised: every one lands, in memory and on disk', async () => {
  await withTempDir(async (dir) => {
    const vault = await ProfileVault.open({ dataDir: dir });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        vault.commit(async (draft) => {
          const seen = draft.profiles.length;
          // Yield inside the critical section: without the mutex another commit would read the same count.
          await new Promise((resolve) => setImmediate(resolve));
          addProfile(draft, { name: `Profile ${seen + 1}` });
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const names = vault.snapshot().profiles.map((p) => p.name);
    expect(names).toEqual(Array.from({ length: 100 }, (_, i) => `Profile ${i + 1}`));
    expect((await ProfileVault.open({ dataDir: dir })).snapshot()).toEqual(vault.snapshot());
  });
});

test('readers see the last committed state while a commit is in flight', async () => {
  await withTempDir(async (dir) => {
    const before = await seeded(dir, 1);
    const vault = await ProfileVault.open({ dataDir: dir });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = vault.commit(async (draft) => {
      addProfile(draft);
      await gate;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.snapshot()).toEqual(before);
    release();
    await pending;
    expect(vault.snapshot().profiles).toHaveLength(2);
  });
});
