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
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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

// Runs in the child: one JSON request per line in, one answer per line out. A fresh Entry for
// every call, so each one looks the credential up anew; a set answers with the secret read back
// through its Entry (making an Entry connects to the bus: several ms, a read on one about one).
const CHILD_SOURCE = `
const { Entry } = require(process.argv[1]);
const [service, account] = [process.argv[2], process.argv[3]];
const options = { linux: { store: 'secret-service' } };
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  let answer;
  try {
    const entry = new Entry(service, account, options);
    const value = request.op === 'get' ? entry.getSecret() : request.op === 'set' ? (entry.setSecret(Uint8Array.from(request.secret)), entry.getSecret()) : entry.deleteCredential();
    answer = { id: request.id, ok: true, value };
  } catch (error) {
    answer = { id: request.id, ok: false, message: String(error && error.message) };
  }
  process.stdout.write(JSON.stringify(answer) + '\\n');
});
process.stdout.write('{"ready":true}\\n');
`;

// Starting node is not the keyring's time: the call's limit starts once the helper is up.
const STARTUP_LIMIT_MS = 10_000;

/** Platform wording → reason. A locked collection answers "unlock prompt was dismissed" (no one can be prompted). */
function reasonOf(message: string): KeyringReason {
  if (/platform failure/i.test(message)) return 'keyring-absent';
  if (/lock|prompt|access platform storage/i.test(message)) return 'keyring-locked';
  return 'keyring-absent';
}

/**
 * False when, on Linux, no session bus can be reached through `env`: libdbus (inside
 * @napi-rs/keyring) takes DBUS_SESSION_BUS_ADDRESS, else the user bus socket $XDG_RUNTIME_DIR/bus,
 * and its build cannot autolaunch one ("Using X11 for dbus-daemon autolaunch was disabled at
 * compile time"). Every call would then fail with a platform failure after a helper process had
 * been started for it; checked per call, so a bus that appears later is still found.
 */
function sessionBusReachable(env: Record<string, string>): boolean {
  if (process.platform !== 'linux' || env.DBUS_SESSION_BUS_ADDRESS !== undefined) return true;
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return runtimeDir !== undefined && runtimeDir !== '' && existsSync(path.join(runtimeDir, 'bus'));
}

interface Helper {
  process: ChildProcess;
  /** True once it can take calls; false if it exited first. */
  ready: Promise<boolean>;
}

interface Pending {
  child: ChildProcess;
  resolve(value: Answer): void;
}

export class KeyringClient {
  private helper: Helper | null = null;
  private closed = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** The answer to the get `start` sent, until the first get takes it (a write or delete drops it). */
  private early: Promise<number[] | boolean | null> | null = null;
  private readonly modulePath: string;

  constructor(private readonly options: KeyringClientOptions) {
    this.modulePath = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  }

  /**
   * The stored key, or null when this account has none. Throws KeyringError. `firstKey`: asked by
   * a first start about to make this account's key, which takes an early "no key" too (a key
   * someone made meanwhile has nothing encrypted with it yet; the new one replaces it).
   */
  async get({ firstKey = false }: { firstKey?: boolean } = {}): Promise<Buffer | null> {
    const early = this.early;
    this.early = null;
    if (early && firstKey) {
      const value = await early;
      return Array.isArray(value) ? Buffer.from(value) : null;
    }
    // A key found at start is still the key when set-up asks, holding the data folder's lock: nothing
    // replaces a key, and whoever removes one records first, under that lock, that the vault no
    // longer uses it (here, a removal drops the early answer). "No key yet" may have changed
    // since, so that is asked again; a failure is this call's answer.
    let value = early ? await early : null;
    if (!Array.isArray(value)) value = await this.call('get');
    return Array.isArray(value) ? Buffer.from(value) : null;
  }

  async set(secret: Uint8Array): Promise<void> {
    await this.setAndGet(secret);
  }

  /** Stores `secret` and reads it back at once, in one call: the stored key, or null. */
  async setAndGet(secret: Uint8Array): Promise<Buffer | null> {
    this.early = null;
    const value = await this.call('set', [...secret]);
    return Array.isArray(value) ? Buffer.from(value) : null;
  }

  /** True when an entry was there to delete. */
  async delete(): Promise<boolean> {
    this.early = null;
    return (await this.call('delete')) === true;
  }

  /**
   * For a service's start, before any other call: starts the helper and asks it for the key at
   * once, so node's start, the addon's load and the keyring's answer overlap the rest of the
   * start. The first get takes that answer. The ask keeps its limit, counted from when the helper
   * is seen up.
   */
  start(): void {
    if (this.closed || !sessionBusReachable(this.options.env)) return;
    const early = this.send('get');
    this.queue = early.catch(() => undefined);
    this.early = early;
  }

  close(): void {
    this.closed = true;
    this.early = null;
    this.stop();
  }

  // One call at a time: the child answers in order, and a timeout must blame the call that hung.
  private call(op: Op, secret?: number[]): Promise<number[] | boolean | null> {
    const run = this.queue.then(() => this.send(op, secret));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(op: Op, secret?: number[]): Promise<number[] | boolean | null> {
    if (!sessionBusReachable(this.options.env)) throw new KeyringError('keyring-absent');
    const helper = this.ensureHelper();
    const child = helper.process;
    const id = this.nextId++;
    let answerWith: (answer: Answer) => void = () => undefined;
    const answered = new Promise<Answer>((resolve) => (answerWith = resolve));
    this.pending.set(id, { child, resolve: answerWith });
    // Sent now: a helper still starting reads it once it is up.
    child.stdin?.write(`${JSON.stringify({ id, op, secret })}\n`);
    let startup: NodeJS.Timeout | undefined;
    const ready = await Promise.race([helper.ready, new Promise<'timeout'>((resolve) => (startup = setTimeout(() => resolve('timeout'), STARTUP_LIMIT_MS)))]);
    clearTimeout(startup);
    if (ready !== true) {
      this.pending.delete(id);
      this.restart();
      throw new KeyringError(ready === 'timeout' ? 'keyring-timeout' : 'keyring-absent');
    }
    const timer = setTimeout(() => answerWith({ id, ok: false, message: 'timeout' }), this.options.timeoutMs);
    const answer = await answered;
    clearTimeout(timer);
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

  private ensureHelper(): Helper {
    if (this.helper) return this.helper;
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, this.modulePath, this.options.service, this.options.account], {
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on('error', () => undefined);
    child.on('error', () => undefined);
    let markReady: (ready: boolean) => void = () => undefined;
    const ready = new Promise<boolean>((resolve) => (markReady = resolve));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let answer: Answer | { ready: true };
      try {
        answer = JSON.parse(line) as Answer | { ready: true };
      } catch {
        return;
      }
      if ('ready' in answer) markReady(true);
      else this.pending.get(answer.id)?.resolve(answer);
    });
    child.once('exit', () => {
      markReady(false);
      if (this.helper?.process === child) this.helper = null;
      for (const [id, pending] of this.pending) {
        if (pending.child === child) pending.resolve({ id, ok: false, message: 'Platform failure: the keyring helper exited' });
      }
    });
    this.helper = { process: child, ready };
    return this.helper;
  }

  /** A fresh helper, started now so the next call does not wait for node to start. */
  private restart(): void {
    this.stop();
    if (!this.closed) this.ensureHelper();
  }

  private stop(): void {
    const helper = this.helper;
    this.helper = null;
    helper?.process.kill('SIGKILL');
  }
}
