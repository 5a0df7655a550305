/**
 * Wires the service's parts together over one data dir. main.ts calls it with the parsed
 * config; tests call it with a temp dir and port 0. Nothing here reads argv or the environment.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp, type AppDeps } from './app.js';
import type { CatalogueDeps, ModelCatalogue } from './catalogue/model-catalogue.js';
import { DiagnosticsRecorder } from './diagnostics/recorder.js';
import type { DiscoveryConfig, DiscoveryService } from './discovery/discovery-service.js';
import { DEFAULT_DISCOVERY_PORTS } from './discovery/kinds.js';
import { contractLimits, findSpecPath, loadContract, servedContract, type ServedContract } from './http/contract.js';
import { docsPage } from './http/docs-page.js';
import { drain } from './http/drain.js';
import type { RateLimitRule } from './http/rate-limit.js';
import { createLogger } from './logging/logger.js';
import { ProfileService } from './profiles/profile-service.js';
import { loadOnFirstCall } from './load-on-first-call.js';
import type { PromptTestDeps, PromptTestService } from './prompt-test/prompt-test-service.js';
import { readOrCreateToken } from './token-file.js';
import { acquireDataDirLock } from './vault/data-dir-lock.js';
import { setUpKeyStore, type KeyStoreChoice } from './vault/key-setup.js';
import { DEFAULT_KEYRING_TIMEOUT_MS } from './vault/keyring-client.js';
import type { KeyringKeyStore } from './vault/keyring-key-store.js';
import type { KeyStoreKind } from './vault/safe-storage.js';
import { ProfileVault } from './vault/store.js';
import type { FsLayer } from './vault/fs-layer.js';

export interface ComposeOptions {
  dataDir: string;
  host: string;
  port: number;
  apiToken?: string | null;
  allowedOrigins?: string[];
  extraAllowedHosts?: string[];
  logger?: Logger;
  logLevel?: string;
  discovery?: Partial<DiscoveryConfig>;
  promptTest?: PromptTestDeps;
  /** Model lists; the lookup defaults to the test prompts' one. */
  catalogue?: Partial<Omit<CatalogueDeps, 'maxModels'>>;
  rateLimits?: { test: RateLimitRule; discover: RateLimitRule };
  /** Where the vault key lives on a first start (default `file`; `npm start` defaults to `auto`). */
  keyStore?: KeyStoreChoice;
  /** The environment the keyring helper process gets (the session bus address lives there). */
  keyringEnv?: Record<string, string>;
  keyringTimeoutMs?: number;
  /** The keyring's store, its helper started before the service loaded (main.ts: startKeyringEarly). */
  keyring?: KeyringKeyStore;
  /** Test seam for fault injection in the durable write path. */
  fs?: FsLayer;
}

export interface RunningService {
  url: string;
  port: number;
  token: string;
  paths: { dataDir: string; vaultFile: string; keyFile: string; tokenFile: string | null; diagnosticsDir: string };
  /** Which store holds the vault key, and what the start-up should tell the learner about it. */
  keyStore: { kind: KeyStoreKind; notes: string[] };
  server: Server;
  deps: AppDeps;
  close(): Promise<void>;
}

export function packageRoot(): string {
  return path.dirname(path.dirname(findSpecPath()));
}

export async function startService(options: ComposeOptions): Promise<RunningService> {
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(options.dataDir);
  try {
    const root = packageRoot();
    const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
    const vaultFile = path.join(options.dataDir, 'profiles.json');
    const keyFile = path.join(options.dataDir, 'vault.key');
    const diagnosticsDir = path.join(options.dataDir, 'diagnostics');

    const vault = await ProfileVault.open({ dataDir: options.dataDir, ...(options.fs ? { fs: options.fs } : {}) });
    const keySetup = await setUpKeyStore(vault, options.keyStore ?? 'file', {
      dataDir: options.dataDir,
      keyFile,
      keyringEnv: options.keyringEnv ?? {},
      keyringTimeoutMs: options.keyringTimeoutMs ?? DEFAULT_KEYRING_TIMEOUT_MS,
      keyring: options.keyring,
    });
    const { safeStorage } = keySetup;
    // The key is read once here; reads then use it from memory.
    await safeStorage.check(vault.health().status === 'ok' ? vault.snapshot().keyCheck : null);

    const tokenFile = options.apiToken ? null : path.join(options.dataDir, 'api-token');
    const token = options.apiToken ?? (await readOrCreateToken(tokenFile as string));
    const diagnostics = new DiagnosticsRecorder({
      dir: diagnosticsDir,
      onError: (error) => logger.warn({ err: { name: (error as Error)?.name, code: (error as NodeJS.ErrnoException)?.code } }, 'diagnostics could not be written'),
    });
    const contract = loadContract();
    const networkAddresses = options.discovery?.networkAddresses;
    const discoveryConfig: DiscoveryConfig = {
      timeoutRange: contractLimits(contract).discoveryTimeoutMs,
      localHosts: options.discovery?.localHosts ?? ['127.0.0.1', 'localhost'],
      ports: options.discovery?.ports ?? [...DEFAULT_DISCOVERY_PORTS],
      ...(options.discovery?.cacheTtlMs !== undefined ? { cacheTtlMs: options.discovery.cacheTtlMs } : {}),
    };

    let boundPort = options.port;
    let served: ServedContract | undefined;
    const deps: AppDeps = {
      profiles: new ProfileService({ vault, safeStorage, maxProfiles: contractLimits(contract).maxProfiles }),
      vault,
      safeStorage,
      promptTests: loadOnFirstCall<PromptTestService>(async () => new (await import('./prompt-test/prompt-test-service.js')).PromptTestService(options.promptTest)),
      catalogue: loadOnFirstCall<ModelCatalogue>(
        async () =>
          new (await import('./catalogue/model-catalogue.js')).ModelCatalogue({
            ...(options.promptTest?.lookup ? { lookup: options.promptTest.lookup } : {}),
            ...options.catalogue,
            maxModels: contractLimits(contract).maxModels,
          }),
      ),
      discovery: loadOnFirstCall<DiscoveryService>(async () => {
        const { DiscoveryService, interfaceAddresses } = await import('./discovery/discovery-service.js');
        return new DiscoveryService(discoveryConfig, { ownAddresses: networkAddresses === undefined ? interfaceAddresses : () => networkAddresses });
      }),
      diagnostics,
      logger,
      contract,
      servedContract: () => {
        if (!served) throw new Error('the contract is served only once the service listens');
        return served;
      },
      docs: docsPage(path.join(root, 'docs-site'), contract),
      apiToken: token,
      port: () => boundPort,
      ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
      ...(options.extraAllowedHosts ? { extraAllowedHosts: options.extraAllowedHosts } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      version,
    };
    const app = createApp(deps);
    // The Host guard answers a missing Host itself (403 problem+json), so Node must not pre-empt it.
    const server = createServer({ requireHostHeader: false }, app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    boundPort = (server.address() as AddressInfo).port;
    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    served = servedContract(contract, `http://${hostForUrl}:${boundPort}`);

    let closing: Promise<void> | null = null;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        const stopDraining = drain(server);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        stopDraining();
        // Writes already acknowledged are on disk (each commit fsyncs before answering); wait for any in flight.
        await vault.settled();
        await diagnostics.close();
        safeStorage.close();
        await lock.release();
      })();
      return closing;
    };

    return {
      url: `http://${hostForUrl}:${boundPort}`,
      port: boundPort,
      token,
      paths: { dataDir: options.dataDir, vaultFile, keyFile, tokenFile, diagnosticsDir },
      keyStore: { kind: safeStorage.kind, notes: keySetup.notes },
      server,
      deps,
      close,
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
