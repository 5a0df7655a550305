/**
 * Cold start to the first 200 and idle RSS, each start over a new data folder beside a bare
 * Express process started in the same round. Twice: in this environment as it is (the key store
 * `npm start` picks here, named in the notes), and, where dbus-daemon and gnome-keyring are
 * installed, against a private Secret Service — a learner's desktop with a keyring: the first
 * start puts the vault key in the keyring, a restart reads it back from there.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSecretService } from '../../test/support/keyring/secret-service.js';
import { coldStart, cpuMs, rssMiB, terminate, type ColdStart } from './processes.js';
import type { Figure } from './report.js';
import { percentile, round } from './stats.js';

const COLD_STARTS = 5;
const SETTLE_MS = 1_500;
const START_TARGET_MS = 450;

interface ServiceStart {
  ms: number;
  keyStore: string;
  exitCode: number | null;
}

/** The key store the start-up banner names: `keyring` or `file`. */
function keyStoreOf(started: ColdStart): string {
  const line = /vault key:\s+(.*)/.exec(started.output)?.[1] ?? '';
  return line.startsWith('OS keyring') ? 'keyring' : line === '' ? 'unknown' : 'file';
}

function startService(dataDir: string, env: NodeJS.ProcessEnv, token: string): Promise<ColdStart> {
  return coldStart(['dist/service/main.js', '--port', '0', '--data-dir', dataDir], { ...env, LLM_PROFILES_API_TOKEN: token, LLM_PROFILES_LOG_LEVEL: 'warn' }, '/api/health');
}

async function bareStart(): Promise<number> {
  const baseline = await coldStart(['bench/baseline-child.mjs'], process.env, '/api/health');
  await terminate(baseline.child);
  return baseline.ms;
}

function counts(values: string[]): string {
  const seen = new Map<string, number>();
  for (const value of values) seen.set(value, (seen.get(value) ?? 0) + 1);
  return [...seen].map(([value, n]) => `${value} ×${n}`).join(', ');
}

/** Why this environment's session bus is or is not there, for the notes (the keyring needs one on Linux). */
function busNote(env: NodeJS.ProcessEnv): string {
  if (process.platform !== 'linux') return `platform ${process.platform}`;
  return env.DBUS_SESSION_BUS_ADDRESS ? 'DBUS_SESSION_BUS_ADDRESS set' : 'no DBUS_SESSION_BUS_ADDRESS';
}

export async function ambientColdStarts(work: string, token: string): Promise<Figure[]> {
  const service = { starts: [] as number[], cpu: [] as number[], rss: [] as number[], exitCodes: [] as (number | null)[], keyStores: [] as string[] };
  const bare = { starts: [] as number[], rss: [] as number[] };
  for (let i = 0; i < COLD_STARTS; i += 1) {
    const started = await startService(path.join(work, `cold-${i}`), process.env, token);
    service.starts.push(started.ms);
    service.keyStores.push(keyStoreOf(started));
    service.cpu.push(await cpuMs(started.pid));
    await sleep(SETTLE_MS);
    service.rss.push(await rssMiB(started.pid));
    service.exitCodes.push(await terminate(started.child));

    const baseline = await coldStart(['bench/baseline-child.mjs'], process.env, '/api/health');
    bare.starts.push(baseline.ms);
    await sleep(SETTLE_MS);
    bare.rss.push(await rssMiB(baseline.pid));
    await terminate(baseline.child);
  }
  const exits = service.exitCodes.every((code) => code === 0) ? 'every SIGTERM exited 0' : `exit codes ${service.exitCodes.join(',')}`;
  return [
    {
      id: 'coldstart',
      label: 'cold start to first 200: median',
      unit: 'ms',
      value: percentile(service.starts, 50),
      baseline: { label: 'bare Express, same poll', value: percentile(bare.starts, 50) },
      target: { kind: 'atMost', value: START_TARGET_MS, of: 'value' },
      notes: `${COLD_STARTS} starts of node dist/service/main.js --port 0 over a new data dir, this environment as it is (${busNote(process.env)}); key store used: ${counts(service.keyStores)}; ${service.starts.map((x) => Math.round(x)).join(', ')} ms (bare ${bare.starts.map((x) => Math.round(x)).join(', ')}); CPU used by then ${service.cpu.map((x) => Math.round(x)).join(', ')} ms; ${exits}`,
    },
    {
      id: 'rss.idle',
      label: 'idle RSS: median',
      unit: 'MiB',
      value: percentile(service.rss, 50),
      baseline: { label: 'bare Express', value: percentile(bare.rss, 50) },
      target: { kind: 'atMost', value: 85, of: 'value' },
      notes: `VmRSS ${SETTLE_MS} ms after the first 200: ${service.rss.map((x) => round(x, 1)).join(', ')} MiB`,
    },
  ];
}

function keyringToolsPresent(): boolean {
  return ['dbus-daemon', 'gnome-keyring-daemon', 'gdbus'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
}

/** First start and restart with the vault key in a (private) OS keyring, each round beside a bare start. */
export async function keyringColdStarts(work: string, token: string): Promise<{ figures: Figure[]; skipped: string | null }> {
  if (process.platform !== 'linux' || !keyringToolsPresent()) {
    return { figures: [], skipped: 'cold start with a keyring: skipped (needs Linux with dbus-daemon, gnome-keyring-daemon and gdbus)' };
  }
  const secrets = await startSecretService();
  const first: ServiceStart[] = [];
  const again: ServiceStart[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < COLD_STARTS; i += 1) {
      const dataDir = path.join(work, `cold-keyring-${i}`);
      for (const into of [first, again]) {
        const started = await startService(dataDir, secrets.env, token);
        into.push({ ms: started.ms, keyStore: keyStoreOf(started), exitCode: await terminate(started.child) });
      }
      bare.push(await bareStart());
    }
  } finally {
    await secrets.stop();
  }
  const figure = (id: string, label: string, starts: ServiceStart[], what: string): Figure => ({
    id,
    label,
    unit: 'ms',
    value: percentile(
      starts.map((s) => s.ms),
      50,
    ),
    baseline: { label: 'bare Express, same rounds', value: percentile(bare, 50) },
    target: { kind: 'atMost', value: START_TARGET_MS, of: 'value' },
    notes: `${COLD_STARTS} ${what} against a private dbus-daemon + gnome-keyring-daemon; key store used: ${counts(starts.map((s) => s.keyStore))}; ${starts.map((s) => Math.round(s.ms)).join(', ')} ms (bare ${bare.map((x) => Math.round(x)).join(', ')}); exit codes ${starts.map((s) => s.exitCode).join(',')}`,
  });
  return {
    figures: [
      figure('coldstart.keyring.first', 'cold start, key into the keyring: median', first, 'first starts (the key is created in the keyring)'),
      figure('coldstart.keyring.restart', 'cold start, key from the keyring: median', again, 'restarts of the same data dir (the key is read from the keyring)'),
    ],
    skipped: null,
  };
}
