#!/usr/bin/env node
/**
 * The composition root: reads argv and the environment once, starts the service, prints where
 * things live, and shuts down cleanly on SIGINT/SIGTERM (server closed, writes drained, lock released).
 */
import path from 'node:path';
import { ConfigError, helpText, MIGRATE_HELP, readConfig, readMigrateConfig } from './config.js';
import type { RunningService } from './compose.js';
import { classifyHostname } from './net/address.js';
import { acquireDataDirLock, DataDirLockedError } from './vault/data-dir-lock.js';
import { KeyMoveError, moveKey } from './vault/key-move.js';
import { keyStores, startKeyringEarly } from './vault/key-setup.js';
import { DEFAULT_KEYRING_TIMEOUT_MS, KEYRING_SERVICE } from './vault/keyring-client.js';
import { ProfileVault } from './vault/store.js';

function printStarted(service: RunningService): void {
  const { paths } = service;
  process.stdout.write(
    [
      `LLM Profiles API listening on ${service.url}`,
      `  data:        ${paths.dataDir}`,
      `  profiles:    ${paths.vaultFile}`,
      `  vault key:   ${service.keyStore.kind === 'keyring' ? `OS keyring (service "${KEYRING_SERVICE}", account "${paths.dataDir}")` : paths.keyFile}`,
      ...service.keyStore.notes.map((note) => `               ${note}`),
      `  api token:   ${paths.tokenFile ?? 'from LLM_PROFILES_API_TOKEN'}`,
      `  diagnostics: ${paths.diagnosticsDir}`,
      `  docs:        ${service.url}/docs`,
      'Stop with Ctrl-C (or SIGTERM).',
      '',
    ].join('\n'),
  );
}

/** `migrate-key`: moves the vault key between the keyring and the key file, with the data folder locked. */
async function migrateKey(argv: string[]): Promise<number> {
  const config = readMigrateConfig(argv, process.env);
  if (config.help) {
    process.stdout.write(`${MIGRATE_HELP}\n`);
    return 0;
  }
  const lock = await acquireDataDirLock(config.dataDir);
  const stores = keyStores({
    dataDir: config.dataDir,
    keyFile: path.join(config.dataDir, 'vault.key'),
    keyringEnv: config.keyringEnv,
    keyringTimeoutMs: DEFAULT_KEYRING_TIMEOUT_MS * 5,
  });
  try {
    const vault = await ProfileVault.open({ dataDir: config.dataDir });
    if (vault.health().status !== 'ok') throw new KeyMoveError('profiles.json cannot be read, so its key is not moved');
    await moveKey(vault, stores, config.to, async (step) => {
      process.stdout.write(`step ${step}: done\n`);
      if (config.pauseAfter === step) {
        process.stdout.write(`paused after ${step}\n`);
        await new Promise(() => setInterval(() => undefined, 60_000));
      }
    });
    process.stdout.write(`The vault key is now in the ${config.to === 'keyring' ? 'OS keyring' : 'key file'}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof KeyMoveError) {
      process.stderr.write(`The vault key was not moved: ${error.message}.\n`);
      return 1;
    }
    throw error;
  } finally {
    stores.keyring.close();
    await lock.release();
  }
}

async function main(): Promise<number> {
  if (process.argv[2] === 'migrate-key') {
    try {
      return await migrateKey(process.argv.slice(3));
    } catch (error) {
      if (error instanceof ConfigError || error instanceof DataDirLockedError) {
        process.stderr.write(`${error.message}\n`);
        return error instanceof ConfigError ? 2 : 1;
      }
      throw error;
    }
  }
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (config.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  if (classifyHostname(config.host) !== 'loopback') {
    process.stderr.write(
      `\n  WARNING: binding ${config.host}, which is not a loopback address. Other machines may reach this\n` +
        `  service; it still requires the token and a Host header naming an allowed host.\n\n`,
    );
  }

  // Listening before the service exists, so a signal during start-up still ends in a clean close.
  let signalled: NodeJS.Signals | null = null;
  let onSignal: ((signal: NodeJS.Signals) => void) | null = null;
  const receive = (signal: NodeJS.Signals): void => {
    signalled ??= signal;
    onSignal?.(signal);
  };
  process.once('SIGINT', receive);
  process.once('SIGTERM', receive);

  // The keyring's helper starts before the rest of the service loads (most of a start), on the other core.
  const keyring = startKeyringEarly(config.keyStore, {
    dataDir: config.dataDir,
    keyFile: path.join(config.dataDir, 'vault.key'),
    keyringEnv: config.keyringEnv,
    keyringTimeoutMs: DEFAULT_KEYRING_TIMEOUT_MS,
  });
  let service: RunningService;
  try {
    const { startService } = await import('./compose.js');
    service = await startService({
      dataDir: config.dataDir,
      host: config.host,
      port: config.port,
      apiToken: config.apiToken,
      allowedOrigins: config.allowedOrigins,
      extraAllowedHosts: config.extraAllowedHosts,
      logLevel: config.logLevel,
      discovery: config.discovery,
      keyStore: config.keyStore,
      keyringEnv: config.keyringEnv,
      keyring,
    });
  } catch (error) {
    keyring?.close();
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(`Port ${config.port} on ${config.host} is already in use. Stop the other program or start with --port <n> (0 picks a free port).\n`);
      return 1;
    }
    throw error;
  }
  if (signalled === null) printStarted(service);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.stdout.write(`Received ${signal}; finishing requests in flight and releasing the data folder (send it again to stop at once).\n`);
      void service.close().then(resolve);
    };
    if (signalled !== null) stop(signalled);
    else onSignal = stop;
  });
  process.stdout.write('Stopped; the data folder is free.\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The service could not start: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
