/**
 * `llm-profiles-api migrate-key` as a learner runs it (the built main.js in a child process)
 * against a real Secret Service, killed with SIGKILL after every step of the move, both ways:
 * the next start always finds exactly one copy of the key, in the store the vault names, and
 * the saved API key still decrypts.
 */
import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { localLlama } from '../support/builders.js';
import { startEmulator } from '../support/emulators/providers/index.js';
import { startSecretService, type SecretService } from '../support/keyring/secret-service.js';
import { currentBuild } from '../support/proof/server-process.js';
import { makeTempDir, startTestServer, type TestServer } from '../support/server.js';
import { KeyringClient, KEYRING_SERVICE } from '../../src/vault/keyring-client.js';
import { MOVE_STEPS, type MoveStep } from '../../src/vault/key-move.js';

jest.setTimeout(600_000);

const API_KEY = 'sk-migrate-7d1c3e5f9a2b';
let secrets: SecretService;
let llama: Awaited<ReturnType<typeof startEmulator<'llama.cpp'>>>;
let mainJs: string;

beforeAll(async () => {
  mainJs = currentBuild().mainJs;
  secrets = await startSecretService();
  llama = await startEmulator('llama.cpp', { apiKey: API_KEY });
}, 600_000);

afterAll(async () => {
  await llama?.close();
  await secrets?.stop();
});

async function inKeyring(dataDir: string): Promise<Buffer | null> {
  const client = new KeyringClient({ service: KEYRING_SERVICE, account: dataDir, env: secrets.env, timeoutMs: 5000 });
  try {
    return await client.get();
  } finally {
    client.close();
  }
}

function start(dataDir: string, keyStore: 'auto' | 'keyring' | 'file'): Promise<TestServer> {
  return startTestServer({ dataDir, keyStore, keyringEnv: secrets.env, keyringTimeoutMs: 5000 });
}

/** Runs migrate-key; with `pauseAfter`, SIGKILLs it as soon as that step is done. */
function migrate(dataDir: string, to: 'keyring' | 'file', pauseAfter?: MoveStep): Promise<{ code: number | null; signal: string | null; out: string }> {
  const env = { ...secrets.env, ...(pauseAfter ? { LLM_PROFILES_TEST_PAUSE_AFTER_STEP: pauseAfter } : {}) };
  const child = spawn(process.execPath, [mainJs, 'migrate-key', '--to', to, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (chunk: string) => {
    out += chunk;
    if (pauseAfter && out.includes(`paused after ${pauseAfter}`)) child.kill('SIGKILL');
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

async function expectExactlyOneUsableKey(dataDir: string, id: string): Promise<'keyring' | 'file'> {
  const server = await start(dataDir, 'auto');
  try {
    const where = server.service.keyStore.kind;
    const fileThere = existsSync(path.join(dataDir, 'vault.key'));
    const keyringThere = (await inKeyring(dataDir)) !== null;
    expect({ fileThere, keyringThere }).toEqual({ fileThere: where === 'file', keyringThere: where === 'keyring' });
    expect((await server.http.get('/api/health')).body).toMatchObject({ keyStore: where, safeStorageStatus: 'available' });
    const test = await server.http.post(`/api/llm/profiles/${id}/test`).set(server.auth).send({});
    expect(test.body).toMatchObject({ success: true });
    const vault = JSON.parse(await readFile(path.join(dataDir, 'profiles.json'), 'utf8'));
    expect(vault.keyMove).toBeUndefined();
    expect(vault.keyStore ?? 'file').toBe(where);
    return where;
  } finally {
    await server.close({ keepDataDir: true });
  }
}

describe.each([
  ['file', 'keyring'],
  ['keyring', 'file'],
] as const)('migrate-key from the %s to the %s', (from, to) => {
  test.each([...MOVE_STEPS])('killed (SIGKILL) after the "%s" step: exactly one usable key, and a second run finishes the move', async (step) => {
    const dataDir = await makeTempDir();
    try {
      const setup = await start(dataDir, from);
      expect(setup.service.keyStore.kind).toBe(from);
      const created = await setup.http
        .post('/api/llm/profiles')
        .set(setup.auth)
        .send({ profile: localLlama({ endpointUrl: llama.url, apiKey: API_KEY }) });
      expect(created.status).toBe(201);
      const id = created.body.profile.id as string;
      await setup.close({ keepDataDir: true });

      const killed = await migrate(dataDir, to, step);
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.out).toContain(`paused after ${step}`);
      const where = await expectExactlyOneUsableKey(dataDir, id);
      // Before the switch is recorded the key stays where it was; from then on it is in the new store.
      const switched = MOVE_STEPS.indexOf(step) >= MOVE_STEPS.indexOf('switch');
      expect(where).toBe(switched ? to : from);

      if (!switched) {
        const finished = await migrate(dataDir, to);
        expect(finished.code).toBe(0);
        expect(await expectExactlyOneUsableKey(dataDir, id)).toBe(to);
      }
    } finally {
      const client = new KeyringClient({ service: KEYRING_SERVICE, account: dataDir, env: secrets.env, timeoutMs: 5000 });
      await client.delete().catch(() => undefined);
      client.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

test('migrate-key refuses to move a key that is already where it was asked to go, and names why', async () => {
  const dataDir = await makeTempDir();
  try {
    const setup = await start(dataDir, 'file');
    await setup.close({ keepDataDir: true });
    const result = await migrate(dataDir, 'file');
    expect(result.code).toBe(1);
    expect(result.out).toContain('already in the file');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Starts the built service with `args` and the given environment; returns what it printed once it listens. */
async function startupBanner(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [mainJs, '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up banner within 60 s:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      if (!out.includes('Stop with Ctrl-C')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 20);
  });
  child.kill('SIGTERM');
  await exited;
  return out;
}

test('no D-Bus at all: the printed start-up says the file was picked under auto, and why writes are refused when the keyring is insisted on', async () => {
  const dataDir = await makeTempDir();
  const noBus = { PATH: secrets.env.PATH!, HOME: dataDir, XDG_RUNTIME_DIR: dataDir };
  try {
    const auto = await startupBanner(['--data-dir', path.join(dataDir, 'auto')], noBus);
    expect(auto).toMatch(/vault key: +\S+vault\.key/);
    expect(auto).toContain('No keyring answered (keyring-absent), so the vault key is kept in');
    const insisted = await startupBanner(['--data-dir', path.join(dataDir, 'keyring'), '--key-store', 'keyring'], noBus);
    expect(insisted).toMatch(/vault key: +OS keyring/);
    expect(insisted).toContain('--key-store keyring, but the keyring did not answer (keyring-absent): changes are refused until it does');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
