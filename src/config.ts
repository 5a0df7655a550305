import { parseArgs } from 'node:util';
import path from 'node:path';
import envPaths from 'env-paths';
import { DEFAULT_DISCOVERY_PORTS } from './discovery/service.js';

/** Everything the service can be told; read once, in main.ts, from argv and the environment. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** From LLM_PROFILES_API_TOKEN; otherwise the token file in the data dir is used. */
  apiToken: string | null;
  allowedOrigins: string[];
  extraAllowedHosts: string[];
  logLevel: string;
  discovery: { localHosts: string[]; ports: number[] };
  help: boolean;
}

export const DEFAULT_PORT = 4319;
export const DEFAULT_HOST = '127.0.0.1';

export const HELP_TEXT = `LLM Profiles API — the local service behind LLM Tutor's model settings.

Usage: npm start -- [options]      (or: node dist/src/main.js [options])

Options (flag / environment variable):
  --port <n>           LLM_PROFILES_PORT         Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>        LLM_PROFILES_HOST         Address to bind (default ${DEFAULT_HOST}; keep it on loopback)
  --data-dir <dir>     LLM_PROFILES_DATA_DIR     Where profiles, the vault key, the token and diagnostics live
                                                 (default: this platform's user-data folder)
  --allowed-origin <o> LLM_PROFILES_ALLOWED_ORIGINS  Browser origins allowed to call the API (comma-separated; default none)
  --allowed-host <h>   LLM_PROFILES_ALLOWED_HOSTS    Extra Host names accepted besides localhost/127.0.0.1/[::1]
  --log-level <lvl>    LLM_PROFILES_LOG_LEVEL    fatal, error, warn, info (default), debug
  --discovery-ports <list> LLM_PROFILES_DISCOVERY_PORTS  Ports probed by local discovery (comma-separated)
                       LLM_PROFILES_API_TOKEN    The bearer token (otherwise <data-dir>/api-token, created on first start)
  -h, --help                                     Show this help

The token is never taken from the command line, where other users of this computer could read it.`;

export class ConfigError extends Error {}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function port(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new ConfigError(`${name} must be a whole number from 0 to 65535.`);
  return parsed;
}

export function defaultDataDir(): string {
  return envPaths('llm-profiles', { suffix: '' }).data;
}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        'allowed-host': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        'discovery-ports': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\nRun with --help to see the options.`);
  }
  const dataDir = parsed['data-dir'] ?? env.LLM_PROFILES_DATA_DIR ?? defaultDataDir();
  const discoveryPorts = list(parsed['discovery-ports'] ?? env.LLM_PROFILES_DISCOVERY_PORTS);
  return {
    host: parsed.host ?? env.LLM_PROFILES_HOST ?? DEFAULT_HOST,
    port: port(parsed.port ?? env.LLM_PROFILES_PORT ?? String(DEFAULT_PORT), 'The port'),
    dataDir: path.resolve(dataDir),
    apiToken: env.LLM_PROFILES_API_TOKEN?.trim() || null,
    allowedOrigins: [...(parsed['allowed-origin'] ?? []), ...list(env.LLM_PROFILES_ALLOWED_ORIGINS)],
    extraAllowedHosts: [...(parsed['allowed-host'] ?? []), ...list(env.LLM_PROFILES_ALLOWED_HOSTS)],
    logLevel: parsed['log-level'] ?? env.LLM_PROFILES_LOG_LEVEL ?? 'info',
    discovery: {
      localHosts: ['127.0.0.1', 'localhost'],
      ports: discoveryPorts.length > 0 ? discoveryPorts.map((p) => port(p, 'A discovery port')) : [...DEFAULT_DISCOVERY_PORTS],
    },
    help: parsed.help ?? false,
  };
}
