/**
 * The one write the crash test cannot time a kill into: creating the vault key on the very
 * first start. A process that dies after the key file appears and before its 32 bytes land
 * must not leave a key file that locks safe storage for good — the vault holds no ciphertext
 * yet, so nothing is lost by starting over with a fresh key.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { nodeFs, type FsLayer, type WritableFile } from '../../src/vault/fs-layer.js';
import { SafeStorage } from '../../src/vault/safe-storage.js';
import { localLlama } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { makeTempDir, startTestServer } from '../support/server.js';

test('a first start that dies while writing the vault key leaves nothing that blocks the next start', async () => {
  const dataDir = await makeTempDir();
  const open: WritableFile[] = [];
  try {
    // The process "dies" mid-write: the write never completes and nothing after it runs.
    const dying: FsLayer = {
      ...nodeFs,
      async openExclusive(file, mode) {
        const handle = await nodeFs.openExclusive(file, mode);
        open.push(handle);
        return { write: () => new Promise<void>(() => undefined), sync: () => handle.sync(), close: () => handle.close() };
      },
    };
    void new SafeStorage({ keyFile: path.join(dataDir, 'vault.key'), fs: dying }).initialize(false);
    await eventually(() => open.length > 0);
    expect(open).toHaveLength(1);

    const server = await startTestServer({ dataDir });
    try {
      const created = await server.http
        .post('/api/llm/profiles')
        .set(server.auth)
        .send({ profile: localLlama({ apiKey: 'sk-after-interrupted-start-01' }) });
      expect(created.status).toBe(201);
      expect(created.body.safeStorageStatus).toBe('available');
      expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await server.close();
    }
  } finally {
    await Promise.all(open.map((handle) => handle.close().catch(() => undefined)));
    await rm(dataDir, { recursive: true, force: true });
  }
});
