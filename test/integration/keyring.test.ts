/**
 * The vault key in a real Secret Service (a private dbus-daemon + gnome-keyring-daemon, see
 * test/support/keyring/secret-service.ts): first start, restart, a keyring locked, killed and
 * frozen mid-run, no D-Bus at all, and the canary scan of the data folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { localLlama } from '../support/builders.js';
import { startEmulator } from '../support/emulators/providers/index.js';
import { startSecretService, type SecretService } from '../support/keyring/secret-service.js';
import { filesUnder, makeTempDir, startTestServer, type TestServer } from '../support/server.js';
import { KeyringClient, KEYRING_SERVICE } from '../../src/vault/keyring-client.js';

// Each test starts services and a keyring helper; on a loaded 2-core machine that takes a while.
jest.setTimeout(240_000);

/**
 * The time limit every keyring call gets in these tests: above the service's default (1 s) so a
 * heavily loaded test machine does not turn a slow answer into keyring-timeout.
 */
const LIMIT_MS = 4000;
const API_KEY = 'sk-keyring-CANARY-5f2e9d1c7b3a';

let secrets: SecretService;
let llama: Awaited<ReturnType<typeof startEmulator<'llama.cpp'>>>;

beforeAll(async () => {
  secrets = await startSecretService();
  llama = await startEmulator('llama.cpp', { apiKey: API_KEY });
}, 60_000);

afterAll(async () => {
  await llama?.close();
  await secrets?.stop();
});

function keyringEntry(dataDir: string): KeyringClient {
  return new KeyringClient({ service: KEYRING_SERVICE, account: dataDir, env: secrets.env, timeoutMs: 5000 });
}

async function storedKey(dataDir: string): Promise<Buffer | null> {
  const client = keyringEntry(dataDir);
  try {
    return await client.get();
  } finally {
    client.close();
  }
}

// Every test starts its own service: what each proves is a start (first start, restart, a key
// store chosen at start, no bus at start) or a keyring broken under a running service, which must
// not carry a half-recovered keyring helper into the next test.
function start(dataDir: string, keyStore: 'auto' | 'keyring' | 'file' = 'auto', env: Record<string, string> = secrets.env): Promise<TestServer> {
  return startTestServer({ dataDir, keyStore, keyringEnv: env, keyringTimeoutMs: LIMIT_MS });
}

async function createKeyed(server: TestServer, name?: string): Promise<string> {
  const res = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: localLlama({ endpointUrl: llama.url, apiKey: API_KEY, ...(name ? { name } : {}) }) });
  expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 201, reason: undefined });
  return res.body.profile.id as string;
}

async function testPromptSucceeds(server: TestServer, id: string): Promise<void> {
  const res = await server.http.post(`/api/llm/profiles/${id}/test`).set(server.auth).send({});
  expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 200, reason: undefined });
  // The emulator answers only to the right key: success means the saved key decrypted.
  expect(res.body).toMatchObject({ success: true });
}

async function vaultHash(dataDir: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path.join(dataDir, 'profiles.json')))
    .digest('hex');
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = process.hrtime.bigint();
  const value = await run();
  return { value, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

test('first start with a keyring: the key is in the keyring, no vault.key, health says keyring; a restart reads the same key and saved keys decrypt; no file in the data folder holds it', async () => {
  const dataDir = await makeTempDir();
  try {
    let server = await start(dataDir);
    expect(server.service.keyStore.kind).toBe('keyring');
    expect(existsSync(path.join(dataDir, 'vault.key'))).toBe(false);
    const health = await server.http.get('/api/health');
    expect(health.body).toMatchObject({ status: 'ok', keyStore: 'keyring', safeStorageStatus: 'available', safeStorageReason: null });
    const id = await createKeyed(server);
    await testPromptSucceeds(server, id);
    const key = await storedKey(dataDir);
    expect(key).toHaveLength(32);
    const vault = JSON.parse(await readFile(path.join(dataDir, 'profiles.json'), 'utf8'));
    expect(vault.keyStore).toBe('keyring');
    await server.close({ keepDataDir: true });

    server = await start(dataDir);
    try {
      expect((await server.http.get('/api/health')).body).toMatchObject({ keyStore: 'keyring', safeStorageStatus: 'available' });
      await testPromptSucceeds(server, id);
      expect(await storedKey(dataDir)).toEqual(key);

      // The canary scan: the vault key, in any common encoding, is in no file of the data folder.
      const encodings = [key!.toString('hex'), key!.toString('base64'), key!.toString('base64url'), key!.toString('latin1')];
      for (const file of await filesUnder(dataDir)) {
        const bytes = await readFile(file);
        expect(bytes.includes(key!)).toBe(false);
        const text = bytes.toString('latin1');
        for (const encoded of encodings) expect(text.includes(encoded)).toBe(false);
      }
    } finally {
      await server.close({ keepDataDir: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('keyring locked mid-run: every write answers 423 keyring-locked within the limit and changes nothing; reads answer 200 unavailable; unlocked, the next write succeeds', async () => {
  const server = await start(await makeTempDir());
  try {
    const id = await createKeyed(server);
    const other = await createKeyed(server);
    const before = await vaultHash(server.dataDir);
    await secrets.lock();

    const writes = [
      () => server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() }),
      () =>
        server.http
          .patch(`/api/llm/profiles/${id}`)
          .set(server.auth)
          .send({ changes: { modelId: 'changed' } }),
      () => server.http.delete(`/api/llm/profiles/${other}`).set(server.auth),
      () => server.http.post(`/api/llm/profiles/${other}/activate`).set(server.auth),
      () => server.http.post(`/api/llm/profiles/${id}/test`).set(server.auth).send({}),
    ];
    for (const write of writes) {
      const { value: res, ms } = await timed(write);
      expect(res.status).toBe(423);
      expect(res.body).toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE', reason: 'keyring-locked', safeStorageStatus: 'unavailable' });
      expect(res.body.remediation).toMatch(/Unlock your keyring/);
      // 3x the keyring call's time limit: a locked keyring answers; it is not waited out.
      expect(ms).toBeLessThan(3 * LIMIT_MS);
    }
    const spanish = await server.http.post('/api/llm/profiles').set(server.auth).set('Accept-Language', 'es').send({ profile: localLlama() });
    expect(spanish.body.remediation).toMatch(/Desbloquea tu llavero/);
    expect(await vaultHash(server.dataDir)).toBe(before);

    const list = await server.http.get('/api/llm/profiles').set(server.auth);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ safeStorageStatus: 'unavailable' });
    expect(list.body.profiles).toHaveLength(2);
    const get = await server.http.get(`/api/llm/profiles/${id}`).set(server.auth);
    expect(get.status).toBe(200);
    expect(get.body.safeStorageStatus).toBe('unavailable');
    expect((await server.http.get('/api/health')).body).toMatchObject({ status: 'degraded', keyStore: 'keyring', safeStorageReason: 'keyring-locked' });

    await secrets.unlock();
    const after = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'after-unlock' } });
    expect({ status: after.status, reason: after.body.reason }).toEqual({ status: 200, reason: undefined });
    expect(after.body.safeStorageStatus).toBe('available');
    await testPromptSucceeds(server, id);
  } finally {
    await secrets.unlock().catch(() => undefined);
    await server.close();
  }
});

test('keyring daemon killed: 423 keyring-absent; restarted and unlocked, writes resume in the same process', async () => {
  const server = await start(await makeTempDir());
  try {
    const id = await createKeyed(server);
    await secrets.killDaemon();
    const refused = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'while-gone' } });
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE', reason: 'keyring-absent' });
    expect((await server.http.get(`/api/llm/profiles/${id}`).set(server.auth)).status).toBe(200);

    await secrets.startDaemon();
    const resumed = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'back' } });
    expect({ status: resumed.status, reason: resumed.body.reason }).toEqual({ status: 200, reason: undefined });
    await testPromptSucceeds(server, id);
  } finally {
    await server.close();
  }
});

test('bus frozen (SIGSTOP): writes answer 423 keyring-timeout at the time limit, reads keep answering, and it recovers after SIGCONT', async () => {
  const server = await start(await makeTempDir());
  try {
    const id = await createKeyed(server);
    secrets.freezeBus();
    try {
      for (let i = 0; i < 2; i += 1) {
        let writeSettled = false;
        const write = timed(() =>
          server.http
            .patch(`/api/llm/profiles/${id}`)
            .set(server.auth)
            .send({ changes: { modelId: `frozen-${i}` } }),
        ).finally(() => (writeSettled = true));
        // While that write's keyring call hangs, reads answer: they never wait on the keyring.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const list = await server.http.get('/api/llm/profiles').set(server.auth);
        expect(list.status).toBe(200);
        expect(writeSettled).toBe(false);
        const { value: res, ms } = await write;
        expect(res.status).toBe(423);
        expect(res.body).toMatchObject({ reason: 'keyring-timeout', safeStorageStatus: 'unavailable' });
        // Not before the deadline, and bounded by it (3x the limit).
        expect(ms).toBeGreaterThanOrEqual(LIMIT_MS * 0.95);
        expect(ms).toBeLessThan(3 * LIMIT_MS);
        const after = await server.http.get(`/api/llm/profiles/${id}`).set(server.auth);
        expect(after.status).toBe(200);
        expect(after.body.safeStorageStatus).toBe('unavailable');
      }
    } finally {
      secrets.thawBus();
    }
    const resumed = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'thawed' } });
    expect({ status: resumed.status, reason: resumed.body.reason }).toEqual({ status: 200, reason: undefined });
    expect(resumed.body.safeStorageStatus).toBe('available');
    await testPromptSucceeds(server, id);
  } finally {
    secrets.thawBus();
    await server.close();
  }
});

test('a vault that keeps its key in the file stays there under auto and keyring, and the start-up says how to move it', async () => {
  const dataDir = await makeTempDir();
  try {
    const first = await start(dataDir, 'file');
    const id = await createKeyed(first);
    await first.close({ keepDataDir: true });

    for (const choice of ['auto', 'keyring'] as const) {
      const server = await start(dataDir, choice);
      try {
        expect(server.service.keyStore.kind).toBe('file');
        expect(server.service.keyStore.notes.join(' ')).toMatch(/migrate-key --to keyring/);
        expect((await server.http.get('/api/health')).body.keyStore).toBe('file');
        await testPromptSucceeds(server, id);
      } finally {
        await server.close({ keepDataDir: true });
      }
    }
    expect(await storedKey(dataDir)).toBeNull();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a client started ahead (start) asks at once: its first get takes a key found then; "no key" is asked again; a delete drops that answer', async () => {
  const found = await makeTempDir();
  const later = await makeTempDir();
  const writer = keyringEntry(found);
  const laterWriter = keyringEntry(later);
  const clients = [keyringEntry(found), keyringEntry(found), keyringEntry(later)];
  const [reader, deleter, waiter] = clients as [KeyringClient, KeyringClient, KeyringClient];
  try {
    const key = randomBytes(32);
    await writer.set(key);
    reader.start();
    expect(await reader.get()).toEqual(key);

    deleter.start();
    expect(await deleter.delete()).toBe(true);
    expect(await deleter.get()).toBeNull();

    waiter.start();
    const laterKey = randomBytes(32);
    await laterWriter.set(laterKey);
    expect(await waiter.get()).toEqual(laterKey);
  } finally {
    await laterWriter.delete().catch(() => undefined);
    for (const client of [writer, laterWriter, ...clients]) client.close();
    await rm(found, { recursive: true, force: true });
    await rm(later, { recursive: true, force: true });
  }
});

test('the user bus alone ($XDG_RUNTIME_DIR/bus, no DBUS_SESSION_BUS_ADDRESS) still reaches the keyring', async () => {
  const { DBUS_SESSION_BUS_ADDRESS: _address, ...userBusOnly } = secrets.env;
  const server = await start(await makeTempDir(), 'auto', userBusOnly);
  try {
    expect(server.service.keyStore.kind).toBe('keyring');
    expect((await server.http.get('/api/health')).body).toMatchObject({ keyStore: 'keyring', safeStorageStatus: 'available' });
    expect(await storedKey(server.dataDir)).toHaveLength(32);
  } finally {
    await server.close();
  }
});

test('no D-Bus at all: auto picks the file and says so; keyring chosen explicitly refuses writes with keyring-absent and says why at start', async () => {
  const empty = await mkdtemp(path.join(tmpdir(), 'llm-profiles-nobus-'));
  const noBus = { PATH: secrets.env.PATH!, HOME: empty, XDG_RUNTIME_DIR: empty };
  try {
    const auto = await start(await makeTempDir(), 'auto', noBus);
    try {
      expect(auto.service.keyStore.kind).toBe('file');
      expect(auto.service.keyStore.notes.join(' ')).toMatch(/No keyring answered \(keyring-absent\)/);
      expect((await auto.http.get('/api/health')).body).toMatchObject({ keyStore: 'file', safeStorageStatus: 'available' });
      expect(existsSync(path.join(auto.dataDir, 'vault.key'))).toBe(true);
      expect(
        (
          await auto.http
            .post('/api/llm/profiles')
            .set(auto.auth)
            .send({ profile: localLlama({ apiKey: API_KEY }) })
        ).status,
      ).toBe(201);
    } finally {
      await auto.close();
    }

    const explicit = await start(await makeTempDir(), 'keyring', noBus);
    try {
      expect(explicit.service.keyStore.kind).toBe('keyring');
      expect(explicit.service.keyStore.notes.join(' ')).toMatch(/--key-store keyring, but the keyring did not answer \(keyring-absent\)/);
      expect(existsSync(path.join(explicit.dataDir, 'vault.key'))).toBe(false);
      expect((await explicit.http.get('/api/health')).body).toMatchObject({ keyStore: 'keyring', safeStorageStatus: 'unavailable', safeStorageReason: 'keyring-absent' });
      const refused = await explicit.http.post('/api/llm/profiles').set(explicit.auth).send({ profile: localLlama() });
      expect(refused.status).toBe(423);
      expect(refused.body).toMatchObject({ reason: 'keyring-absent' });
    } finally {
      await explicit.close();
    }
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
