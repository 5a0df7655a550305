/**
 * The OS credential store (@napi-rs/keyring) behind a time limit. A keyring call can hang for
 * minutes when the session bus freezes, and a hung native call pins the thread it runs on, so
 * every call runs in a small child process: a call that overruns its limit, or fails with a
 * `Platform failure` (bus gone, daemon gone), kills that child and the next call starts a fresh
 * one — a restarted bus or keyring daemon is picked up without restarting the service.
 * On Linux the entry is pinned to the Secret Service: never the kernel keyring, which does not
 * survive a reboot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

/** Why the keyring did not answer: a short machine word, never a message from the platform. */
export type KeyringReason = 'keyring-locked' | 'keyring-absent' | 'keyring-timeout';

export class KeyringError extends Error {
  constructor(readonly reason: KeyringReason) {
    super(`The keyring did not answer (${reason}).`);
    this.name = 'KeyringError';
  }
}

export interface KeyringClientOptions {
  service: string;
  account: string;
  /** The environment the keyring child sees (the session bus address lives there). */
  env: Record<string, string>;
  /** Limit for one call, from request to answer. */
  timeoutMs: number;
}

export const KEYRING_SERVICE = 'llm-profiles';
export const DEFAULT_KEYRING_TIMEOUT_MS = 1000;

type Op = 'get' | 'set' | 'delete';
type Answer = { id: number; ok: true; value: number[] | boolean | null } | { id: number; ok: false; message: string };

// Runs in the child: one JSON request per line in, one answer per line out. A fresh Entry per
// call, so no connection outlives the call that opened it.
const CHILD_SOURCE = `
const { Entry } = require(process.argv[1]);
const [service, account] = [process.argv[2], process.argv[3]];
const options = { linux: { store: 'secret-service' } };
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  let answer;
  try {
    const entry = new Entry(service, account, options);
    const value = request.op === 'get' ? entry.getSecret() : request.op === 'set' ? (entry.setSecret(Uint8Array.from(request.secret)), true) : entry.deleteCredential();
    answer = { id: request.id, ok: true, value };
  } catch (error) {
    answer = { id: request.id, ok: false, message: String(error && error.message) };
  }
  process.stdout.write(JSON.stringify(answer) + '\\n');
});
`;

/** Platform wording → reason. A locked collection answers "unlock prompt was dismissed" (no one can be prompted). */
export function reasonOf(message: string): KeyringReason {
  if (/platform failure/i.test(message)) return 'keyring-absent';
  if (/lock|prompt|access platform storage/i.test(message)) return 'keyring-locked';
  return 'keyring-absent';
}

interface Pending {
  child: ChildProcess;
  resolve(value: Answer): void;
  timer: NodeJS.Timeout;
}

export class KeyringClient {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly modulePath: string;

  constructor(private readonly options: KeyringClientOptions) {
    this.modulePath = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  }

  /** The stored key, or null when this account has none. Throws KeyringError. */
  async get(): Promise<Buffer | null> {
    const value = await this.call('get');
    return Array.isArray(value) ? Buffer.from(value) : null;
  }

  async set(secret: Uint8Array): Promise<void> {
    await this.call('set', [...secret]);
  }

  /** True when an entry was there to delete. */
  async delete(): Promise<boolean> {
    return (await this.call('delete')) === true;
  }

  close(): void {
    this.restart();
  }

  // One call at a time: the child answers in order, and a timeout must blame the call that hung.
  private call(op: Op, secret?: number[]): Promise<number[] | boolean | null> {
    const run = this.queue.then(() => this.send(op, secret));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(op: Op, secret?: number[]): Promise<number[] | boolean | null> {
    const child = this.ensureChild();
    const id = this.nextId++;
    const answer = await new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => resolve({ id, ok: false, message: 'timeout' }), this.options.timeoutMs);
      this.pending.set(id, { child, resolve, timer });
      child.stdin?.write(`${JSON.stringify({ id, op, secret })}\n`);
    });
    const pending = this.pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(id);
    if (answer.ok) return answer.value;
    if (answer.message === 'timeout') {
      this.restart();
      throw new KeyringError('keyring-timeout');
    }
    const reason = reasonOf(answer.message);
    // libdbus keeps a broken connection for the life of the process: start afresh after a platform failure.
    if (reason === 'keyring-absent') this.restart();
    throw new KeyringError(reason);
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, this.modulePath, this.options.service, this.options.account], {
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on('error', () => undefined);
    child.on('error', () => undefined);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let answer: Answer;
      try {
        answer = JSON.parse(line) as Answer;
      } catch {
        return;
      }
      this.pending.get(answer.id)?.resolve(answer);
    });
    child.once('exit', () => {
      if (this.child === child) this.child = null;
      for (const [id, pending] of this.pending) {
        if (pending.child === child) pending.resolve({ id, ok: false, message: 'Platform failure: the keyring helper exited' });
      }
    });
    this.child = child;
    return child;
  }

  private restart(): void {
    const child = this.child;
    this.child = null;
    child?.kill('SIGKILL');
  }
}
