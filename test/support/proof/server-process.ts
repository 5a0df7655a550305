/**
 * The real server as a separate process (`node dist/src/main.js`, what `npm start` runs), for
 * tests that must kill it outright or start a second one. A dist/ older than the sources is
 * never tested by mistake: the proof suite then compiles its own copy into node_modules/.cache
 * (never rewriting dist/, which another test file may be starting a server from right now).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST = path.join(ROOT, 'dist');
const PRIVATE_BUILD = path.join(ROOT, 'node_modules', '.cache', 'llm-profiles-proof');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Sources whose compiled file under `outDir` is missing or older than they are. */
function staleOutputs(outDir: string): string[] {
  return ['src', 'generated'].flatMap((dir) =>
    sourceFiles(path.join(ROOT, dir)).filter((source) => {
      const output = path.join(outDir, path.relative(ROOT, source)).replace(/\.ts$/, '.js');
      return !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs;
    }),
  );
}

export interface ServerBuild {
  mainJs: string;
  /** 'dist' when dist/ is current; otherwise the private copy, and whether it had to be compiled now. */
  source: 'dist' | 'private copy' | 'private copy, compiled now';
  ms: number;
}

/** The main.js to run: dist/'s when current, else a private build compiled from today's sources. */
export function currentBuild(): ServerBuild {
  if (staleOutputs(DIST).length === 0) return { mainJs: path.join(DIST, 'src', 'main.js'), source: 'dist', ms: 0 };
  const mainJs = path.join(PRIVATE_BUILD, 'src', 'main.js');
  if (staleOutputs(PRIVATE_BUILD).length === 0) return { mainJs, source: 'private copy', ms: 0 };
  const t0 = Date.now();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', PRIVATE_BUILD], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  // tsc still emits when another file has a type error (`npm run typecheck` reports those); what matters here is a current build.
  const left = staleOutputs(PRIVATE_BUILD);
  if (left.length > 0) throw new Error(`could not compile the server (exit ${String(result.status)}): ${result.stdout}${result.stderr}\nstill stale: ${left.join(', ')}`);
  return { mainJs, source: 'private copy, compiled now', ms: Date.now() - t0 };
}

export interface ServerProcess {
  pid: number;
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Milliseconds from spawn to the "listening" line. */
  startMs: number;
}

export interface SpawnOptions {
  mainJs: string;
  dataDir: string;
  token: string;
  timeoutMs?: number;
}

/** Spawns the server on port 0 and waits for its "listening on" line (or its early exit). */
export function spawnServer(options: SpawnOptions): { process: ChildProcess; ready: Promise<ServerProcess>; exited: ServerProcess['exited'] } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [options.mainJs, '--data-dir', options.dataDir, '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    // The key file, always: a test must never reach the developer's own keyring.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LLM_PROFILES_API_TOKEN: options.token, LLM_PROFILES_KEY_STORE: 'file' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${options.timeoutMs ?? 60_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, options.timeoutMs ?? 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const url = match[1];
      resolve({ pid: child.pid as number, url, port: Number(new URL(url).port), child, exited, stdout: () => out, stderr: () => err, startMs: Date.now() - t0 });
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (code ${String(code)}, signal ${String(signal)})\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  // The rejection above is expected for a server that is meant to fail; callers await `ready` or `exited`.
  ready.catch(() => undefined);
  return { process: child, ready, exited };
}
