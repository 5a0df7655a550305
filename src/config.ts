import { parseArgs } from 'node:util';
import path from 'node:path';
import envPaths from 'env-paths';
import { DEFAULT_DISCOVERY_PORTS } from './discovery/kinds.js';
import { MOVE_STEPS, type MoveStep } from './vault/key-move.js';
import { KEY_STORE_CHOICES, type KeyStoreChoice } from './vault/key-setup.js';

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
  keyStore: KeyStoreChoice;
  /** What the keyring helper process sees: this environment without the API token. */
  keyringEnv: Record<string, string>;
  help: boolean;
}

/** `llm-profiles-api migrate-key --to keyring|file [--data-dir <dir>]`. */
export interface MigrateConfig {
  dataDir: string;
  to: 'keyring' | 'file';
  keyringEnv: Record<string, string>;
  /** Test-only (LLM_PROFILES_TEST_PAUSE_AFTER_STEP): stop after this step until killed, to prove each step is crash-safe. */
  pauseAfter: MoveStep | null;
  help: boolean;
}

const DEFAULT_PORT = 4319;
const DEFAULT_HOST = '127.0.0.1';
export const TOKEN_ENV = 'LLM_PROFILES_API_TOKEN';

interface OptionSpec {
  flag: string;
  short?: string;
  /** Absent for options that only exist as a flag (and the token, which only exists as a variable). */
  env?: string;
  arg?: string;
  multiple?: boolean;
  help: (defaults: { dataDir: string }) => string;
}

/** The one list `--help` and the parser are both built from, so neither can forget an option. */
export const OPTIONS: readonly OptionSpec[] = [
  { flag: 'port', env: 'LLM_PROFILES_PORT', arg: '<n>', help: () => `Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one and prints it)` },
  { flag: 'host', env: 'LLM_PROFILES_HOST', arg: '<addr>', help: () => `Address to bind (default ${DEFAULT_HOST}; anything off loopback prints a warning)` },
  {
    flag: 'data-dir',
    env: 'LLM_PROFILES_DATA_DIR',
    arg: '<dir>',
    help: ({ dataDir }) => `Where profiles, the vault key, the token and diagnostics live (default ${dataDir})`,
  },
  {
    flag: 'allowed-origin',
    env: 'LLM_PROFILES_ALLOWED_ORIGINS',
    arg: '<origin>',
    multiple: true,
    help: () => 'Browser origin allowed to call the API; repeat the flag, or comma-separate in the variable (default none)',
  },
  {
    flag: 'allowed-host',
    env: 'LLM_PROFILES_ALLOWED_HOSTS',
    arg: '<host>',
    multiple: true,
    help: () => 'Extra Host header name accepted besides localhost, 127.0.0.1 and [::1]; repeatable / comma-separated',
  },
  { flag: 'log-level', env: 'LLM_PROFILES_LOG_LEVEL', arg: '<level>', help: () => 'fatal, error, warn, info (default) or debug' },
  {
    flag: 'discovery-ports',
    env: 'LLM_PROFILES_DISCOVERY_PORTS',
    arg: '<list>',
    help: () => `Comma-separated ports local discovery probes (default ${DEFAULT_DISCOVERY_PORTS.join(',')})`,
  },
  {
    flag: 'key-store',
    env: 'LLM_PROFILES_KEY_STORE',
    arg: '<where>',
    help: () => 'Where a first start keeps the vault key: auto (default: the OS keyring when one answers, else the file), keyring or file',
  },
  { flag: 'help', short: 'h', help: () => 'Show this help and exit' },
];

function defaultDataDir(): string {
  return envPaths('llm-profiles', { suffix: '' }).data;
}

/** `--help`: every option with its variable, where the token comes from, and how to stop. */
export function helpText(defaults = { dataDir: defaultDataDir() }): string {
  const rows = OPTIONS.map((option) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${option.flag}${option.arg ? ` ${option.arg}` : ''}`;
    return { left: flag, env: option.env ?? '', help: option.help(defaults) };
  });
  rows.push({ left: '', env: TOKEN_ENV, help: 'The bearer token (otherwise <data-dir>/api-token, created 0600 on first start)' });
  const leftWidth = Math.max(...rows.map((row) => row.left.length));
  const envWidth = Math.max(...rows.map((row) => row.env.length));
  const lines = rows.map((row) => `  ${row.left.padEnd(leftWidth)}  ${row.env.padEnd(envWidth)}  ${row.help}`);
  return [
    "LLM Profiles API — the local service behind LLM Tutor's model settings.",
    '',
    'Usage: npm start -- [options]      (or: node dist/service/main.js [options])',
    '',
    'Options (a flag wins over its environment variable):',
    ...lines,
    '',
    'The token is never taken from the command line, where other users of this computer could read it.',
    'A vault keeps the key store it started with; move its key with: llm-profiles-api migrate-key --to keyring|file [--data-dir <dir>]',
    '(For its crash tests only, LLM_PROFILES_TEST_PAUSE_AFTER_STEP=<step> makes migrate-key stop after that step until it is killed.)',
    'At start the service prints its address and where the data, vault key, token and diagnostics live.',
    'Ctrl-C or SIGTERM finishes the requests in flight, then releases the data folder for the next start.',
  ].join('\n');
}

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

type ParsedValues = Record<string, string | boolean | string[] | undefined>;

function parse(argv: string[]): ParsedValues {
  const options = Object.fromEntries(
    OPTIONS.map((option) => [
      option.flag,
      { type: option.arg ? ('string' as const) : ('boolean' as const), ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    return parseArgs({ args: argv, strict: true, options }).values as ParsedValues;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\nRun with --help to see the options.`);
  }
}

function keyStoreChoice(value: string): KeyStoreChoice {
  if (!KEY_STORE_CHOICES.includes(value as KeyStoreChoice)) throw new ConfigError(`The key store must be one of ${KEY_STORE_CHOICES.join(', ')}.`);
  return value as KeyStoreChoice;
}

function keyringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0] !== TOKEN_ENV && typeof entry[1] === 'string'));
}

export const MIGRATE_HELP = [
  'Usage: llm-profiles-api migrate-key --to keyring|file [--data-dir <dir>]',
  '',
  'Moves the vault key between the OS keyring and the vault.key file in the data folder. Stop the',
  'service first. The new copy is written and read back before the vault records the switch, and',
  'the old copy is removed last, so an interruption never leaves the vault without its key.',
].join('\n');

export function readMigrateConfig(argv: string[], env: NodeJS.ProcessEnv): MigrateConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, strict: true, options: { to: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${MIGRATE_HELP}`);
  }
  const help = values.help === true;
  const to = values.to as string | undefined;
  if (!help && to !== 'keyring' && to !== 'file') throw new ConfigError(`migrate-key needs --to keyring or --to file.\n${MIGRATE_HELP}`);
  const pause = env.LLM_PROFILES_TEST_PAUSE_AFTER_STEP;
  if (pause !== undefined && !MOVE_STEPS.includes(pause as MoveStep)) throw new ConfigError(`LLM_PROFILES_TEST_PAUSE_AFTER_STEP must be one of ${MOVE_STEPS.join(', ')}.`);
  return {
    dataDir: path.resolve((values['data-dir'] as string | undefined) ?? env.LLM_PROFILES_DATA_DIR ?? defaultDataDir()),
    to: (to ?? 'keyring') as 'keyring' | 'file',
    keyringEnv: keyringEnv(env),
    pauseAfter: (pause as MoveStep | undefined) ?? null,
    help,
  };
}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const parsed = parse(argv);
  const text = (flag: string): string | undefined => parsed[flag] as string | undefined;
  const many = (flag: string): string[] => (parsed[flag] as string[] | undefined) ?? [];
  const dataDir = text('data-dir') ?? env.LLM_PROFILES_DATA_DIR ?? defaultDataDir();
  const discoveryPorts = list(text('discovery-ports') ?? env.LLM_PROFILES_DISCOVERY_PORTS);
  return {
    host: text('host') ?? env.LLM_PROFILES_HOST ?? DEFAULT_HOST,
    port: port(text('port') ?? env.LLM_PROFILES_PORT ?? String(DEFAULT_PORT), 'The port'),
    dataDir: path.resolve(dataDir),
    apiToken: env[TOKEN_ENV]?.trim() || null,
    allowedOrigins: [...many('allowed-origin'), ...list(env.LLM_PROFILES_ALLOWED_ORIGINS)],
    extraAllowedHosts: [...many('allowed-host'), ...list(env.LLM_PROFILES_ALLOWED_HOSTS)],
    logLevel: text('log-level') ?? env.LLM_PROFILES_LOG_LEVEL ?? 'info',
    discovery: {
      localHosts: ['127.0.0.1', 'localhost'],
      ports: discoveryPorts.length > 0 ? discoveryPorts.map((p) => port(p, 'A discovery port')) : [...DEFAULT_DISCOVERY_PORTS],
    },
    keyStore: keyStoreChoice(text('key-store') ?? env.LLM_PROFILES_KEY_STORE ?? 'auto'),
    keyringEnv: keyringEnv(env),
    help: parsed.help === true,
  };
}
