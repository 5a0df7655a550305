import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createProfilesClient, type ProfilesClient } from '../../src/client/index.js';
import { startService, type ComposeOptions, type RunningService } from '../../src/compose.js';

export interface TestServer {
  service: RunningService;
  client: ProfilesClient;
  url: string;
  token: string;
  dataDir: string;
  /** Every log line the service wrote during the test. */
  logs: string[];
  /** supertest agent bound to the server (real HTTP on an ephemeral port). */
  http: ReturnType<typeof request>;
  auth: Record<string, string>;
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export async function makeTempDir(prefix = 'llm-profiles-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Starts the real service (same composition as `npm start`) on 127.0.0.1 port 0 over a temp dir. */
export async function startTestServer(options: Partial<ComposeOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await makeTempDir());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = options.logger ?? pino({ level: 'debug' }, sink);
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    ...options,
    // Never this machine's real interfaces: a test names its "network" address (a second loopback address).
    discovery: { ...(options.discovery ?? { ports: [] }), networkAddresses: options.discovery?.networkAddresses ?? [] },
    dataDir,
    logger,
  });
  const client = createProfilesClient({ baseUrl: service.url, token: service.token });
  return {
    service,
    client,
    url: service.url,
    token: service.token,
    dataDir,
    logs,
    http: request(service.url),
    auth: { Authorization: `Bearer ${service.token}` },
    async close({ keepDataDir = false } = {}) {
      await service.close();
      if (!keepDataDir && options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every file below `dir`, at any depth (what a stranger with the data folder could read). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.join(entry.parentPath, entry.name));
}
