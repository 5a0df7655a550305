/**
 * The real server as a separate process (`node dist/service/main.js`, what `npm start` runs), for
 * tests that must kill it outright or start a second one. dist/ is current: jest's global set-up
 * (scripts/build-if-stale.js) builds it before any test file starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { packageRoot } from '../../../src/compose.js';

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
    cwd: packageRoot(),
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
