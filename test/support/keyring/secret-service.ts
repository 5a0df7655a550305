/**
 * A real, private Secret Service for one test file: a dbus-daemon (no service activation, a unix
 * socket in a temp dir) and `gnome-keyring-daemon --foreground --unlock --components=secrets`
 * under a throwaway XDG_RUNTIME_DIR / XDG_DATA_HOME / HOME with DISPLAY unset. The service under
 * test gets `env` and nothing else, so it never sees the developer's own keyring.
 *
 * Locking goes through org.freedesktop.Secret.Service.Lock (gdbus); unlocking through the
 * daemon's control socket (the gkd-control protocol: a credentials byte, then big-endian
 * uint32 length, op 1 = unlock, and the password as a length-prefixed string; the answer is
 * length 8 and a result code, 0 = ok), because a second `--unlock` daemon does not unlock the first.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const PASSWORD = 'test-keyring-password';
const LOGIN_COLLECTION = '/org/freedesktop/secrets/collection/login';
const READY_TIMEOUT_MS = 15_000;

export interface SecretService {
  /** The whole environment the service under test (and its keyring helper) should get. */
  env: Record<string, string>;
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** SIGKILLs the keyring daemon: the bus stays, nothing owns org.freedesktop.secrets. */
  killDaemon(): Promise<void>;
  /** Starts the keyring daemon again over the same keyrings, unlocked. */
  startDaemon(): Promise<void>;
  freezeBus(): void;
  thawBus(): void;
  stop(): Promise<void>;
}

/** Fails loudly, naming what is missing, rather than letting a keyring test pass without a keyring. */
function assertToolsPresent(): void {
  const missing = ['dbus-daemon', 'gnome-keyring-daemon', 'gdbus'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`The keyring tests need ${missing.join(', ')} (Debian: apt-get install dbus gnome-keyring libglib2.0-bin; as root, scripts/ensure-test-tools.sh does it).`);
  }
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

async function waitFor(what: string, check: () => Promise<boolean>, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} did not become ready within ${READY_TIMEOUT_MS} ms\n${logs()}`);
}

export async function startSecretService(): Promise<SecretService> {
  assertToolsPresent();
  const root = await mkdtemp(path.join(tmpdir(), 'llm-profiles-keyring-'));
  const runtime = path.join(root, 'run');
  const home = path.join(root, 'home');
  const data = path.join(root, 'data');
  for (const dir of [runtime, home, data]) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o700);
  }
  const socket = path.join(runtime, 'bus');
  const config = path.join(root, 'bus.conf');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: data,
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`,
  };
  let log = '';
  const collect = (child: ChildProcess, name: string) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += `[${name}] ${chunk}`));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += `[${name}] ${chunk}`));
  };

  const bus = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  collect(bus, 'dbus');
  await waitFor(
    'the private dbus-daemon',
    async () => /unix:path=/.test(log),
    () => log,
  );

  const gdbus = (args: string[]) => promisify(execFile)('gdbus', ['call', '--session', ...args], { env, timeout: 10_000 });
  const secretsOwned = async () => {
    try {
      const { stdout } = await gdbus([
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        'org.freedesktop.secrets',
      ]);
      return stdout.includes('true');
    } catch {
      return false;
    }
  };

  let daemon: ChildProcess | null = null;
  const startDaemon = async () => {
    const child = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    collect(child, 'gnome-keyring');
    child.stdin?.end(PASSWORD);
    daemon = child;
    await waitFor('gnome-keyring-daemon on the private bus', secretsOwned, () => log);
  };
  await startDaemon();

  const unlock = () =>
    new Promise<void>((resolve, reject) => {
      const password = Buffer.from(PASSWORD);
      const client = net.connect(path.join(runtime, 'keyring', 'control'));
      let answer = Buffer.alloc(0);
      client.on('connect', () => client.write(Buffer.concat([Buffer.alloc(1), u32(12 + password.length), u32(1), u32(password.length), password])));
      client.on('data', (chunk) => {
        answer = Buffer.concat([answer, chunk]);
        if (answer.length < 8) return;
        client.end();
        const result = answer.readUInt32BE(4);
        if (result === 0) resolve();
        else reject(new Error(`the keyring control socket refused to unlock (result ${result})`));
      });
      client.on('error', reject);
    });

  return {
    env,
    async lock() {
      await gdbus(['--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets', '--method', 'org.freedesktop.Secret.Service.Lock', `['${LOGIN_COLLECTION}']`]);
    },
    unlock,
    async killDaemon() {
      const child = daemon;
      if (!child) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      daemon = null;
      await waitFor(
        'the keyring name to be released',
        async () => !(await secretsOwned()),
        () => log,
      );
    },
    startDaemon,
    freezeBus() {
      bus.kill('SIGSTOP');
    },
    thawBus() {
      bus.kill('SIGCONT');
    },
    async stop() {
      bus.kill('SIGCONT');
      (daemon as ChildProcess | null)?.kill('SIGKILL');
      bus.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    },
  };
}
