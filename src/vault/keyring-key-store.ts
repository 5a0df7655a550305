/** The vault key in the OS keyring: service `llm-profiles`, one account per data folder. */
import { KEY_BYTES, type KeyRead, type KeyStore } from './key-store.js';
import { KeyringClient, KeyringError, KEYRING_SERVICE, type KeyringClientOptions } from './keyring-client.js';

export interface KeyringKeyStoreOptions {
  dataDir: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/** A key as the keyring gave it, checked for shape. */
function shaped(key: Buffer | null): KeyRead {
  if (key === null) return { ok: false, reason: 'keyring-key-missing' };
  if (key.length !== KEY_BYTES) return { ok: false, reason: 'key-malformed' };
  return { ok: true, key };
}

export class KeyringKeyStore implements KeyStore {
  readonly kind = 'keyring' as const;
  private readonly client: KeyringClient;

  constructor(options: KeyringKeyStoreOptions) {
    const clientOptions: KeyringClientOptions = { service: KEYRING_SERVICE, account: options.dataDir, env: options.env, timeoutMs: options.timeoutMs };
    this.client = new KeyringClient(clientOptions);
  }

  /** `firstKey`: see KeyringClient.get. */
  async read(options: { firstKey?: boolean } = {}): Promise<KeyRead> {
    let key: Buffer | null;
    try {
      key = await this.client.get(options);
    } catch (error) {
      if (error instanceof KeyringError) return { ok: false, reason: error.reason };
      throw error;
    }
    return shaped(key);
  }

  write(key: Buffer): Promise<void> {
    return this.client.set(key);
  }

  /** Stores `key` and reads it back in one call; when that call fails, what a read then says. */
  async writeAndReadBack(key: Buffer): Promise<KeyRead> {
    let readBack: Buffer | null;
    try {
      readBack = await this.client.setAndGet(key);
    } catch {
      return this.read();
    }
    return shaped(readBack);
  }

  remove(): Promise<boolean> {
    return this.client.delete();
  }

  /** Starts the helper process now, before the key is first asked for. */
  start(): void {
    this.client.start();
  }

  close(): void {
    this.client.close();
  }
}
