/** The benchmark's child processes: the forked service and baseline, and the cold-started server. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Forked {
  child: ChildProcess;
  url: string;
  pid: number;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Forks `script` (relative to bench/), sends it `message`, and waits for its `{url, pid}` answer. */
export async function forkChild(script: string, message: unknown, timeoutMs = 60_000): Promise<Forked> {
  // No loader and no inherited flags: the children run plain JavaScript like `npm start` does.
  const child = fork(path.join(ROOT, 'bench', script), [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const reply = new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.once('message', (answer) => {
      clearTimeout(timer);
      resolve(answer as { url: string; pid: number });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it started`));
    });
  });
  child.send(message as object);
  const { url, pid } = await reply;
  return { child, url, pid };
}

/** Asks a forked service to close (as SIGTERM would) and waits for it to exit. */
export async function stopForked({ child }: Forked): Promise<number | null> {
  const done = exited(child);
  if (child.connected) child.send('stop');
  else child.kill('SIGTERM');
  return done;
}

export async function killForked({ child }: Forked): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  await done;
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

export interface ColdStart {
  child: ChildProcess;
  pid: number;
  url: string;
  /** From spawn to the first 200 from `healthPath`. */
  ms: number;
  /** What it printed by then (its start-up banner). */
  output: string;
}

/**
 * Spawns `node <args>`, reads the address it prints (port 0 picks one), and polls `healthPath`
 * every few milliseconds until it answers 200.
 */
export async function coldStart(args: string[], env: NodeJS.ProcessEnv, healthPath: string, timeoutMs = 30_000): Promise<ColdStart> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = start + timeoutMs;
  let url: string | null = null;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node ${args.join(' ')} exited with ${child.exitCode}: ${output.slice(0, 500)}`);
    url ??= /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? null;
    if (url && (await getStatus(url + healthPath)) === 200) {
      return { child, pid: child.pid as number, url, ms: performance.now() - start, output };
    }
    await sleep(url ? 2 : 5);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${args.join(' ')} did not answer 200 within ${timeoutMs} ms: ${output.slice(0, 500)}`);
}

/** Sends SIGTERM and resolves with the exit code. */
export async function terminate(child: ChildProcess): Promise<number | null> {
  const done = exited(child);
  child.kill('SIGTERM');
  return done;
}

/** Resident set size of a process, in MiB, from /proc/<pid>/status. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
