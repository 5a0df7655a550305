/**
 * The start command as a learner (or the desktop app) runs it: the built `node dist/service/main.js`
 * in a child process, over a temp data folder, on port 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { OPTIONS, TOKEN_ENV } from '../../src/config.js';
import { packageRoot } from '../../src/compose.js';
import { BUILT_MAIN } from '../support/build.js';
import { makeTempDir } from '../support/server.js';

const ROOT = packageRoot();
const MAIN = BUILT_MAIN;
const START_TIMEOUT_MS = 45_000;

/** The child's environment: none of the developer's LLM_PROFILES_* settings leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LLM_PROFILES_')));
  // The key file, always: a test must never reach the developer's own keyring.
  return { ...env, LLM_PROFILES_KEY_STORE: 'file', ...extra };
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Runs main.js to completion (for --help and refused starts). */
async function runToExit(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await exitOf(child);
  return { code, stdout, stderr };
}

/** Starts main.js and waits for the address it prints. */
async function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)\n[\s\S]*Stop with/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}

interface Reply {
  status: number;
  body: string;
}

function call(url: string, options: { method?: string; token?: string; body?: unknown; agent?: http.Agent } = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: {
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function stopped(server: Started, signal: NodeJS.Signals): Promise<number | null> {
  server.child.kill(signal);
  return server.exited;
}

describe('--help', () => {
  test('lists every option and every environment variable the start command reads, then exits 0', async () => {
    const { code, stdout } = await runToExit(['--help'], cleanEnv());
    expect(code).toBe(0);
    for (const option of OPTIONS) {
      expect(stdout).toContain(`--${option.flag}`);
      if (option.env) expect(stdout).toContain(option.env);
    }
    // Whatever variable the config reads, the help names — not just the ones in the table.
    const configSource = readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
    const variables = new Set([...configSource.matchAll(/LLM_PROFILES_[A-Z_]+/g)].map((m) => m[0]));
    expect(variables.size).toBeGreaterThanOrEqual(8);
    for (const variable of variables) expect(stdout).toContain(variable);
    expect(stdout).toContain(TOKEN_ENV);
    expect(stdout).toMatch(/never taken from the command line/);

    const short = await runToExit(['-h'], cleanEnv());
    expect(short.stdout).toBe(stdout);
  });

  test('an unknown option exits 2 and points at --help', async () => {
    const { code, stderr } = await runToExit(['--token', 'abc'], cleanEnv());
    expect(code).toBe(2);
    expect(stderr).toMatch(/--help/);
  });
});

describe('a running server', () => {
  let dataDir: string;
  let server: Started;
  const token = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    dataDir = await makeTempDir('llm-profiles-cli-');
    server = await startServer(['--port', '0', '--data-dir', dataDir], cleanEnv({ [TOKEN_ENV]: token, LLM_PROFILES_LOG_LEVEL: 'warn' }));
  }, START_TIMEOUT_MS + 5_000);

  afterAll(async () => {
    if (server.child.exitCode === null) await stopped(server, 'SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('port 0 prints the address it chose, and where data, key, token and diagnostics live', async () => {
    const port = Number(new URL(server.url).port);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect(port).toBeGreaterThan(0);
    const output = server.output();
    expect(output).toContain(`data:        ${dataDir}`);
    expect(output).toContain(`profiles:    ${path.join(dataDir, 'profiles.json')}`);
    expect(output).toContain(`vault key:   ${path.join(dataDir, 'vault.key')}`);
    expect(output).toContain(`api token:   from ${TOKEN_ENV}`);
    expect(output).toContain(`diagnostics: ${path.join(dataDir, 'diagnostics')}`);
    expect(output).toContain(`docs:        ${server.url}/docs`);
    expect(output).not.toContain(token);

    const health = await call(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const list = await call(`${server.url}/api/llm/profiles`, { token });
    expect(list.status).toBe(200);
  });

  test('a second server on the same data folder exits non-zero and says why; the first keeps serving, its vault untouched', async () => {
    const created = await call(`${server.url}/api/llm/profiles`, {
      method: 'POST',
      token,
      body: { profile: { name: 'Before the second server', providerType: 'ollama', endpointUrl: 'http://localhost:11434' } },
    });
    expect(created.status).toBe(201);
    const vaultFile = path.join(dataDir, 'profiles.json');
    const before = await readFile(vaultFile);

    const second = await runToExit(['--port', '0', '--data-dir', dataDir], cleanEnv({ [TOKEN_ENV]: token }));
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stderr).toContain(`is already using ${dataDir}`);
    expect(second.stderr).toContain(`pid ${server.child.pid}`);
    expect(second.stdout).not.toMatch(/listening on/);

    expect((await call(`${server.url}/api/health`)).status).toBe(200);
    const list = JSON.parse((await call(`${server.url}/api/llm/profiles`, { token })).body) as { profiles: { id: string }[] };
    expect(list.profiles.map((p) => p.id)).toEqual([(JSON.parse(created.body) as { profile: { id: string } }).profile.id]);
    expect(await readFile(vaultFile)).toEqual(before);
  });
});

test(
  'without the variable, the token file is created 0600 and its path printed',
  async () => {
    const dataDir = await makeTempDir('llm-profiles-cli-');
    try {
      const server = await startServer(['--port', '0', '--data-dir', dataDir], cleanEnv({ LLM_PROFILES_LOG_LEVEL: 'warn' }));
      const tokenFile = path.join(dataDir, 'api-token');
      expect(server.output()).toContain(`api token:   ${tokenFile}`);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const token = (await readFile(tokenFile, 'utf8')).trim();
      expect(server.output()).not.toContain(token);
      expect((await call(`${server.url}/api/llm/profiles`, { token })).status).toBe(200);
      expect(await stopped(server, 'SIGINT')).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  2 * START_TIMEOUT_MS,
);

test(
  'SIGTERM during a burst of writes: every acknowledged write is on disk, the lock is released, a new server starts at once',
  async () => {
    const dataDir = await makeTempDir('llm-profiles-cli-');
    const token = randomBytes(24).toString('base64url');
    const env = cleanEnv({ [TOKEN_ENV]: token, LLM_PROFILES_LOG_LEVEL: 'warn' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const server = await startServer(['--port', '0', '--data-dir', dataDir], env);
      const acknowledged: string[] = [];
      const unexpected: string[] = [];
      let refused = 0;
      let signalled = false;
      let sent = 0;
      // Four writers on kept-alive connections, each creating profiles back to back until the server goes away.
      const writer = async (): Promise<void> => {
        for (;;) {
          const n = (sent += 1);
          let reply: Reply;
          try {
            reply = await call(`${server.url}/api/llm/profiles`, {
              method: 'POST',
              token,
              agent,
              body: { profile: { name: `Burst ${n}`, providerType: 'llama.cpp', endpointUrl: 'http://127.0.0.1:8080' } },
            });
          } catch {
            refused += 1;
            return;
          }
          if (reply.status !== 201) {
            unexpected.push(`${reply.status} ${reply.body.slice(0, 200)}`);
            return;
          }
          acknowledged.push((JSON.parse(reply.body) as { profile: { id: string } }).profile.id);
          if (!signalled && acknowledged.length >= 20) {
            signalled = true;
            server.child.kill('SIGTERM');
          }
        }
      };
      await Promise.all([writer(), writer(), writer(), writer()]);
      if (!signalled) server.child.kill('SIGTERM');
      const code = await server.exited;

      expect(unexpected).toEqual([]);
      expect(code).toBe(0);
      expect(server.output()).toContain('Received SIGTERM');
      expect(refused).toBe(4);
      expect(acknowledged.length).toBeGreaterThanOrEqual(20);
      const onDisk = JSON.parse(await readFile(path.join(dataDir, 'profiles.json'), 'utf8')) as { profiles: { id: string }[] };
      const stored = new Set(onDisk.profiles.map((p) => p.id));
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      const leftovers = (await readdir(dataDir)).filter((name) => name === '.lock' || name.endsWith('.tmp'));
      expect(leftovers).toEqual([]);

      const next = await startServer(['--port', '0', '--data-dir', dataDir], env);
      const list = JSON.parse((await call(`${next.url}/api/llm/profiles`, { token })).body) as { profiles: { id: string }[] };
      expect(list.profiles.map((p) => p.id)).toEqual(expect.arrayContaining(acknowledged));
      expect(await stopped(next, 'SIGTERM')).toBe(0);
    } finally {
      agent.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  2 * START_TIMEOUT_MS + 20_000,
);
