/**
 * `llm-profiles-api migrate-key` as a learner runs it (the built main.js in a child process)
 * against a real Secret Service, killed with SIGKILL after every step of the move, both ways:
 * the next start always finds exactly one copy of the key, in the store the vault names, and
 * the saved API key still decrypts.
 */
import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { localLlama } from '../support/builders.js';
import { startEmulator } from '../support/emulators/providers/index.js';
import { startSecretService, type SecretService } from '../support/keyring/secret-service.js';
import { BUILT_MAIN } from '../support/build.js';
import { makeTempDir, startTestServer, type TestServer } from '../support/server.js';
import { DEFAULT_KEYRING_TIMEOUT_MS, KeyringClient, KEYRING_SERVICE } from '../../src/vault/keyring-client.js';
import { MOVE_STEPS, type MoveStep } from '../../src/vault/key-move.js';

jest.setTimeout(600_000);

const API_KEY = 'sk-migrate-7d1c3e5f9a2b';
let secrets: SecretService;
let llama: Awaited<ReturnType<typeof startEmulator<'llama.cpp'>>>;

beforeAll(async () => {
  secrets = await startSecretService();
  llama = await startEmulator('llama.cpp', { apiKey: API_KEY });
}, 600_000);

afterAll(async () => {
  for (const made of templates.values()) {
    const dataDir = (await made.catch(() => null))?.dataDir;
    if (dataDir === undefined) continue;
    const entry = keyringEntry(dataDir);
    await entry.delete().catch(() => undefined);
    entry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  await llama?.close();
  await secrets?.stop();
});

function keyringEntry(dataDir: string): KeyringClient {
  return new KeyringClient({ service: KEYRING_SERVICE, account: dataDir, env: secrets.env, timeoutMs: 5000 });
}

function start(dataDir: string, keyStore: 'auto' | 'keyring' | 'file'): Promise<TestServer> {
  return startTestServer({ dataDir, keyStore, keyringEnv: secrets.env, keyringTimeoutMs: 5000 });
}

/** Runs migrate-key; with `pauseAfter`, SIGKILLs it as soon as that step is done. */
function migrate(dataDir: string, to: 'keyring' | 'file', pauseAfter?: MoveStep): Promise<{ code: number | null; signal: string | null; out: string }> {
  const env = { ...secrets.env, ...(pauseAfter ? { LLM_PROFILES_TEST_PAUSE_AFTER_STEP: pauseAfter } : {}) };
  const child = spawn(process.execPath, [BUILT_MAIN, 'migrate-key', '--to', to, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (chunk: string) => {
    out += chunk;
    if (pauseAfter && out.includes(`paused after ${pauseAfter}`)) child.kill('SIGKILL');
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

async function expectExactlyOneUsableKey(dataDir: string, entry: KeyringClient, id: string): Promise<'keyring' | 'file'> {
  const server = await start(dataDir, 'auto');
  try {
    const where = server.service.keyStore.kind;
    const fileThere = existsSync(path.join(dataDir, 'vault.key'));
    const keyringThere = (await entry.get()) !== null;
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

/**
 * One vault per source store, made by the real service with a saved API key. Every case moves its
 * own copy of it (the key copied to that copy's keyring entry when the keyring holds it), so each
 * case runs the move, the kill and the next starts, and the service is not started to make a
 * fresh vault twelve times.
 */
const templates = new Map<'file' | 'keyring', Promise<{ dataDir: string; id: string }>>();

function template(from: 'file' | 'keyring'): Promise<{ dataDir: string; id: string }> {
  let made = templates.get(from);
  if (!made) {
    made = (async () => {
      const dataDir = await makeTempDir();
      const setup = await start(dataDir, from);
      try {
        expect(setup.service.keyStore.kind).toBe(from);
        const created = await setup.http
          .post('/api/llm/profiles')
          .set(setup.auth)
          .send({ profile: localLlama({ endpointUrl: llama.url, apiKey: API_KEY }) });
        expect(created.status).toBe(201);
        return { dataDir, id: created.body.profile.id as string };
      } finally {
        await setup.close({ keepDataDir: true });
      }
    })();
    templates.set(from, made);
  }
  return made;
}

/** A data folder holding a copy of the `from` template: same vault, same key, in the same kind of store. */
async function copyOf(from: 'file' | 'keyring', entry: KeyringClient, dataDir: string): Promise<string> {
  const original = await template(from);
  await cp(original.dataDir, dataDir, { recursive: true });
  if (from === 'keyring') {
    const source = keyringEntry(original.dataDir);
    try {
      const key = await source.get();
      expect(key).toHaveLength(32);
      await entry.set(key as Buffer);
    } finally {
      source.close();
    }
  }
  return original.id;
}

describe.each([
  ['file', 'keyring'],
  ['keyring', 'file'],
] as const)('migrate-key from the %s to the %s', (from, to) => {
  test.each([...MOVE_STEPS])('killed (SIGKILL) after the "%s" step: exactly one usable key, and a second run finishes the move', async (step) => {
    const dataDir = await makeTempDir();
    const entry = keyringEntry(dataDir);
    try {
      const id = await copyOf(from, entry, dataDir);

      const killed = await migrate(dataDir, to, step);
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.out).toContain(`paused after ${step}`);
      const where = await expectExactlyOneUsableKey(dataDir, entry, id);
      // Before the switch is recorded the key stays where it was; from then on it is in the new store.
      const switched = MOVE_STEPS.indexOf(step) >= MOVE_STEPS.indexOf('switch');
      expect(where).toBe(switched ? to : from);

      if (!switched) {
        const finished = await migrate(dataDir, to);
        expect(finished.code).toBe(0);
        expect(await expectExactlyOneUsableKey(dataDir, entry, id)).toBe(to);
      }
    } finally {
      await entry.delete().catch(() => undefined);
      entry.close();
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

/**
 * Starts the built service with `args` and the given environment; returns what it printed once it
 * listens, after `whileUp` (given that output) is done with the running service.
 */
async function startupBanner(args: string[], env: Record<string, string>, whileUp: (out: string) => Promise<void> = async () => undefined): Promise<string> {
  const child = spawn(process.execPath, [BUILT_MAIN, '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  try {
    await whileUp(out);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
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

test('the built service over a keyring, its helper started before the rest loads: a first start puts the key there and a restart reads it back; with the bus frozen, auto keeps the key in the file once the limit has passed, and says why', async () => {
  const dataDir = await makeTempDir();
  const entry = keyringEntry(dataDir);
  const health: unknown[] = [];
  const readHealth = async (out: string): Promise<void> => {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    health.push(await (await fetch(`${url}/api/health`)).json());
  };
  try {
    for (let start = 0; start < 2; start += 1) {
      expect(await startupBanner(['--data-dir', dataDir], secrets.env, readHealth)).toMatch(/vault key: +OS keyring/);
    }
    const inKeyring = expect.objectContaining({ keyStore: 'keyring', safeStorageStatus: 'available' });
    expect(health).toEqual([inKeyring, inKeyring]);
    expect(existsSync(path.join(dataDir, 'vault.key'))).toBe(false);
    expect(await entry.get()).toHaveLength(32);
  } finally {
    await entry.delete().catch(() => undefined);
    entry.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const frozenDir = await makeTempDir();
  secrets.freezeBus();
  try {
    const started = Date.now();
    const frozen = await startupBanner(['--data-dir', frozenDir], secrets.env);
    // Not before the service's keyring limit.
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEFAULT_KEYRING_TIMEOUT_MS);
    expect(frozen).toContain('No keyring answered (keyring-timeout), so the vault key is kept in');
    expect(frozen).toMatch(/vault key: +\S+vault\.key/);
  } finally {
    secrets.thawBus();
    await rm(frozenDir, { recursive: true, force: true });
  }
});
