/**
 * Which store holds the vault key, decided once at start. A vault keeps the store it already uses
 * (its record, else the key file for vaults from before the keyring): nothing moves silently.
 * Only a first start chooses — `auto` takes the keyring when one answers, else the file.
 * The notes say what was chosen and why, for the start-up banner.
 */
import { existsSync } from 'node:fs';
import { loadCipher } from './cipher.js';
import { FileKeyStore } from './file-key-store.js';
import type { FsLayer } from './fs-layer.js';
import type { KeyRead, KeyStore, KeyStoreKind } from './key-store.js';
import { finishPendingMove, type KeyStores } from './key-move.js';
import { KeyringKeyStore } from './keyring-key-store.js';
import { SafeStorage, keyCheckFor, newVaultKey } from './safe-storage.js';
import type { ProfileVault } from './store.js';

export type KeyStoreChoice = 'auto' | KeyStoreKind;

export const KEY_STORE_CHOICES: readonly KeyStoreChoice[] = ['auto', 'keyring', 'file'];

export interface KeyStoreOptions {
  dataDir: string;
  keyFile: string;
  /** The environment the keyring helper sees (session bus address, runtime dir, home). */
  keyringEnv: Record<string, string>;
  keyringTimeoutMs: number;
  fs?: FsLayer;
  /** The keyring's store when it was made earlier, its helper already starting (see startKeyringEarly). */
  keyring?: KeyringKeyStore;
}

export interface KeySetup {
  safeStorage: SafeStorage;
  /** Sentences for the start-up banner. */
  notes: string[];
}

const MOVE_HINT = (to: KeyStoreKind): string => `To move it: stop the service, then run \`llm-profiles-api migrate-key --to ${to}\`.`;

/** Both stores over one data folder; the keyring's helper starts only when it is first asked. */
export function keyStores(options: KeyStoreOptions): KeyStores & { file: FileKeyStore; keyring: KeyringKeyStore } {
  return {
    file: new FileKeyStore({ keyFile: options.keyFile, ...(options.fs ? { fs: options.fs } : {}) }),
    keyring: options.keyring ?? keyringStore(options),
  };
}

function keyringStore(options: Omit<KeyStoreOptions, 'fs' | 'keyring'>): KeyringKeyStore {
  return new KeyringKeyStore({ dataDir: options.dataDir, env: options.keyringEnv, timeoutMs: options.keyringTimeoutMs });
}

/**
 * The keyring's store with its helper process already starting, for a start that will likely ask
 * the keyring for the key: not one told `--key-store file`, nor over a folder with a key file (its
 * vault keeps the store it uses). Started before the rest of the service loads, the helper is up
 * by the time set-up asks; a wrong guess costs only that process, which set-up then closes.
 */
export function startKeyringEarly(choice: KeyStoreChoice, options: Omit<KeyStoreOptions, 'fs' | 'keyring'>): KeyringKeyStore | undefined {
  if (choice === 'file' || existsSync(options.keyFile)) return undefined;
  const keyring = keyringStore(options);
  keyring.start();
  return keyring;
}

/** First key in the keyring: one already there for this folder (an interrupted first start) or a new one, read back. */
async function createInKeyring(keyring: KeyringKeyStore, vault: ProfileVault): Promise<KeyRead> {
  let read = await keyring.read({ firstKey: true });
  if (!read.ok && read.reason === 'keyring-key-missing') {
    const writing = keyring.writeAndReadBack(newVaultKey());
    // The key check below needs the cipher: it loads while the keyring stores the key.
    loadCipher();
    read = await writing;
  }
  if (!read.ok) return read;
  const key = read.key;
  await vault.commit((draft) => {
    draft.keyStore = 'keyring';
    draft.keyCheck ??= keyCheckFor(key);
  });
  return read;
}

export async function setUpKeyStore(vault: ProfileVault, choice: KeyStoreChoice, options: KeyStoreOptions): Promise<KeySetup> {
  const stores = keyStores(options);
  const notes: string[] = [];
  const use = (store: KeyStore): KeySetup => {
    (store === stores.keyring ? stores.file : stores.keyring).close();
    return { safeStorage: new SafeStorage({ store }), notes };
  };
  await stores.file.sweepScratch();

  if (vault.health().status !== 'ok') {
    // An unreadable vault may hold ciphertext and does not say where its key is: create nothing.
    notes.push('profiles.json cannot be read, so no vault key was created or moved.');
    return use(choice === 'keyring' ? stores.keyring : stores.file);
  }
  try {
    const finished = await finishPendingMove(vault, stores);
    if (finished) notes.push(`An interrupted \`migrate-key\` was completed: ${finished}.`);
  } catch {
    notes.push('An interrupted `migrate-key` could not be completed yet (a key store did not answer); it will be on the next start.');
  }

  const data = vault.snapshot();
  const hasCiphertext = data.keyCheck !== null || data.profiles.some((p) => p.apiKey !== null);
  const recorded = data.keyStore;

  if (recorded === 'keyring') {
    if (await stores.file.exists()) {
      notes.push(`This vault's key is in the keyring; ${options.keyFile} is not used. Delete that file once you no longer need it.`);
    }
    if (choice === 'file') notes.push(`--key-store file: this vault's key is in the keyring and stays there. ${MOVE_HINT('file')}`);
    return use(stores.keyring);
  }

  if (recorded === 'file' || hasCiphertext || (await stores.file.exists())) {
    const safeStorage = use(stores.file);
    await safeStorage.safeStorage.initialize(hasCiphertext);
    if (choice === 'keyring') notes.push(`--key-store keyring: this vault's key is in ${options.keyFile}, so it stays there for now. ${MOVE_HINT('keyring')}`);
    if (choice === 'auto') notes.push(`This vault's key stays in ${options.keyFile}. ${MOVE_HINT('keyring')}`);
    return safeStorage;
  }

  // A first start.
  if (choice === 'file') {
    const setup = use(stores.file);
    await setup.safeStorage.initialize(false);
    return setup;
  }
  const created = await createInKeyring(stores.keyring, vault);
  if (created.ok) {
    const setup = use(stores.keyring);
    setup.safeStorage.adopt(created, vault.snapshot().keyCheck);
    return setup;
  }
  const failure = created.reason;
  if (choice === 'keyring') {
    notes.push(`--key-store keyring, but the keyring did not answer (${failure}): changes are refused until it does. Unlock or start your keyring, then restart the service.`);
    return use(stores.keyring);
  }
  notes.push(`No keyring answered (${failure}), so the vault key is kept in ${options.keyFile}.`);
  const setup = use(stores.file);
  await setup.safeStorage.initialize(false);
  return setup;
}
