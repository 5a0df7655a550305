/**
 * `npm run bench`: measures the service on loopback, each figure beside a baseline taken in
 * the same run, prints a table and writes bench/results.json. Everything it starts (the
 * service, a bare Express app, a provider emulator, a port that never answers) runs on
 * 127.0.0.1 and is stopped before it exits. Bounded: about two to three minutes on 2 cores.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { SMALL_SERVER, startFingerprintEmulators } from '../test/support/emulators/fingerprints/index.js';
import { startEmulator } from '../test/support/emulators/providers/index.js';
import { durableWrite } from './lib/durable-write.js';
import { BenchClient } from './lib/http.js';
import { closedPorts, refuseAll, SilentServer } from './lib/ports.js';
import { ambientColdStarts, keyringColdStarts } from './lib/cold-start.js';
import { forkChild, killForked, ROOT, stopForked, type Forked } from './lib/processes.js';
import { createBody, seedVault } from './lib/profiles.js';
import { judgeAll, renderTable, saveResults, type Figure } from './lib/report.js';
import { percentile, round, summarise } from './lib/stats.js';
import { streamedPromptTest } from './lib/streamed-test.js';

const TOKEN = randomBytes(24).toString('base64url');
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const LIST = '/api/llm/profiles';
const AUTOCANNON_SECONDS = 4;
const LIST_PAIRS = 3;
const DISCOVERY_TIMEOUT_MS = 1_000;
const WRITES = 200;

const figures: Figure[] = [];
const loadByPhase: Record<string, number[]> = {};

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function phase(name: string): void {
  loadByPhase[name] = os.loadavg().map((x) => round(x));
  log(`… ${name} (load average ${loadByPhase[name]?.join(' ')})`);
}

/** The cold start and the service children run the built code: `npm run build` when a source is newer than dist/. */
async function ensureBuilt(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.js')], { cwd: ROOT });
}

interface CannonRun {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
}

async function cannon(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<CannonRun> {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Alternates the two servers in pairs of runs, so a change in machine load hits both alike, and
 * judges the median of the per-pair ratios (one noisy run cannot decide the figure).
 */
async function listThroughput(service: Forked, baseline: Forked): Promise<void> {
  phase('list, 50 profiles, 20 connections');
  const serviceUrl = service.url + LIST;
  const baselineUrl = baseline.url + LIST;
  await cannon(serviceUrl, 20, 1, AUTH);
  await cannon(baselineUrl, 20, 1);
  const pairs: { svc: CannonRun; base: CannonRun }[] = [];
  for (let pair = 0; pair < LIST_PAIRS; pair += 1) {
    pairs.push({ svc: await cannon(serviceUrl, 20, AUTOCANNON_SECONDS, AUTH), base: await cannon(baselineUrl, 20, AUTOCANNON_SECONDS) });
  }
  const median = (values: number[]): number => percentile(values, 50);
  const ratio = median(pairs.map((p) => p.svc.rps / p.base.rps));
  const base = median(pairs.map((p) => p.base.rps));
  const bad = pairs.reduce((sum, p) => sum + p.svc.bad + p.base.bad, 0);
  const notes = `${LIST_PAIRS} alternated pairs of ${AUTOCANNON_SECONDS} s runs; service ${pairs.map((p) => round(p.svc.rps, 0)).join('/')} req/s, bare ${pairs.map((p) => round(p.base.rps, 0)).join('/')} req/s; figure = median bare × median pair ratio; non-2xx or errors: ${bad}`;
  figures.push(
    {
      id: 'list50.rps',
      label: 'list 50, 20 conns: requests/s',
      unit: 'req/s',
      value: base * ratio,
      baseline: { label: 'bare Express, same JSON', value: base },
      target: { kind: 'atLeast', value: 0.7, of: 'ratio' },
      notes,
    },
    {
      id: 'list50.p50',
      label: 'list 50, 20 conns: p50',
      unit: 'ms',
      value: median(pairs.map((p) => p.svc.p50)),
      baseline: { label: 'bare Express', value: median(pairs.map((p) => p.base.p50)) },
      target: null,
    },
    {
      id: 'list50.p99',
      label: 'list 50, 20 conns: p99',
      unit: 'ms',
      value: median(pairs.map((p) => p.svc.p99)),
      baseline: { label: 'bare Express', value: median(pairs.map((p) => p.base.p99)) },
      target: { kind: 'atMost', value: 1.5, of: 'ratio' },
    },
  );
}

async function sequential(count: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) samples.push(await fn(i));
  return samples;
}

function writeFigures(kind: string, samples: number[], floor: number[]): void {
  const s = summarise(samples);
  const f = summarise(floor);
  const notes = `${s.n} sequential requests, max ${round(s.max)} ms; floor = the same bytes written temp → fsync → rename → fsync dir, no HTTP`;
  figures.push(
    {
      id: `${kind}.p50`,
      label: `${kind} (durable): p50`,
      unit: 'ms',
      value: s.p50,
      baseline: { label: 'durable-write floor', value: f.p50 },
      target: { kind: 'atMost', value: 3, of: 'value' },
      notes,
    },
    {
      id: `${kind}.p99`,
      label: `${kind} (durable): p99`,
      unit: 'ms',
      value: s.p99,
      baseline: { label: 'durable-write floor', value: f.p99 },
      target: { kind: 'atMost', value: 25, of: 'value' },
      notes,
    },
  );
}

async function writesAndList(work: string, discoveryPorts: number[], hole: SilentServer): Promise<void> {
  const service = await forkChild('service-child.mjs', {
    dataDir: path.join(work, 'service'),
    token: TOKEN,
    discovery: { localHosts: ['127.0.0.1', 'localhost'], ports: discoveryPorts, networkAddresses: [] },
  });
  const api = new BenchClient(service.url, AUTH);
  try {
    phase('create 50 profiles');
    const ids: string[] = [];
    const creates = await sequential(50, async (i) => {
      const { ms, json } = await api.expect<{ profile: { id: string } }>(201, 'POST', LIST, createBody(i));
      ids.push(json.profile.id);
      return ms;
    });

    const listBody = (await api.expect(200, 'GET', LIST)).json;
    const baseline = await forkChild('baseline-child.mjs', { body: listBody });
    try {
      await listThroughput(service, baseline);
    } finally {
      await killForked(baseline);
    }

    phase('create, update, activate one at a time');
    // Interleaved, with the floor measured between them, so a change in disk or CPU load hits all four alike.
    const floorFile = path.join(work, 'floor', 'profiles.json');
    await mkdir(path.dirname(floorFile), { recursive: true });
    const updates: number[] = [];
    const activations: number[] = [];
    const floor: number[] = [];
    const moreCreates = WRITES - creates.length;
    for (let i = 0; i < WRITES; i += 1) {
      if (i < moreCreates) creates.push((await api.expect(201, 'POST', LIST, createBody(50 + i))).ms);
      updates.push((await api.expect(200, 'PATCH', `${LIST}/${ids[i % ids.length]}`, { changes: { modelId: `model-${i}` } })).ms);
      // Alternating two profiles makes every activation a real change (re-activating the active one writes nothing).
      activations.push((await api.expect(200, 'POST', `${LIST}/${ids[1 + (i % 2)]}/activate`)).ms);
      const vaultText = await readFile(path.join(work, 'service', 'profiles.json'), 'utf8');
      const start = performance.now();
      await durableWrite(floorFile, vaultText);
      floor.push(performance.now() - start);
    }
    writeFigures('create', creates, floor);
    writeFigures('update', updates, floor);
    writeFigures('activate', activations, floor);

    await discovery(api, discoveryPorts, hole);
    await promptTest(api);
    phase('streamed test prompt through a llama.cpp emulator');
    figures.push(...(await streamedPromptTest(api, LIST)));
  } finally {
    api.close();
    const code = await stopForked(service);
    if (code !== 0) log(`! the service exited with ${code} on close`);
  }
}

async function discovery(api: BenchClient, ports: number[], hole: SilentServer): Promise<void> {
  const scan = async (): Promise<number> => (await api.expect(200, 'POST', `${LIST}/discover`, { scope: { strategy: 'local', timeoutMs: DISCOVERY_TIMEOUT_MS, force: true } })).ms;
  const hosts = [...new Set(['127.0.0.1', ...(await lookup('localhost', { all: true })).map((a) => a.address)])];
  const candidates = `${hosts.length} host(s) × ${ports.length} ports`;

  phase('discovery, all candidates closed');
  await scan();
  const closed = await sequential(20, scan);
  const floor = await sequential(20, () => refuseAll(hosts, ports));
  const c = summarise(closed);
  figures.push({
    id: 'discovery.closed',
    label: 'discovery, all closed: p50',
    unit: 'ms',
    value: c.p50,
    baseline: { label: 'raw connect to each, refused', value: percentile(floor, 50) },
    target: { kind: 'atMost', value: 150, of: 'value' },
    notes: `${candidates}; 20 forced scans, max ${round(c.max)} ms`,
  });

  phase('discovery, one black-holed candidate');
  await hole.start();
  try {
    const holed = summarise(await sequential(5, scan));
    figures.push({
      id: 'discovery.blackholed',
      label: 'discovery, one black hole: max',
      unit: 'ms',
      value: holed.max,
      baseline: { label: 'the scan deadline timeoutMs', value: DISCOVERY_TIMEOUT_MS },
      target: { kind: 'atMost', value: DISCOVERY_TIMEOUT_MS + 150, of: 'value' },
      notes: `${candidates}, one accepting and never answering; 5 forced scans, p50 ${round(holed.p50)} ms`,
    });
  } finally {
    await hole.stop();
  }
}

type Finding = { endpointUrl: string; serverKind: string; version: string | null; models: string[] };

/**
 * Discovery against servers that take few connections (five emulators with llama.cpp's backlog
 * of 5 and 3 workers) beside the all-closed scan, and the exposure check's cost on a closed-ports
 * scan: two services, the same ports, one asking 127.0.0.2 as this computer's network address
 * and one asking none, scanned alternately so machine load hits both alike.
 */
async function discoveryOfSmallServers(work: string): Promise<void> {
  phase('discovery, five servers with backlog 5; exposure check on closed ports');
  const kinds = ['ollama', 'llama.cpp', 'lmstudio', 'vllm', 'koboldcpp'] as const;
  const emulators = await startFingerprintEmulators([...kinds], SMALL_SERVER);
  const closed = await closedPorts(8);
  const start = (name: string, ports: number[], networkAddresses: string[]): Promise<Forked> =>
    forkChild('service-child.mjs', { dataDir: path.join(work, name), token: TOKEN, discovery: { localHosts: ['127.0.0.1', 'localhost'], ports, networkAddresses } });
  const [small, closedWith, closedWithout] = await Promise.all([
    start(
      'small',
      kinds.map((kind) => emulators[kind].port),
      [],
    ),
    start('closed-exposure', closed, ['127.0.0.2']),
    start('closed-plain', closed, []),
  ]);
  const clients = [small, closedWith, closedWithout].map((service) => new BenchClient(service.url, AUTH));
  const [smallApi, withApi, withoutApi] = clients as [BenchClient, BenchClient, BenchClient];
  const body = { scope: { strategy: 'local', timeoutMs: 3_000, force: true } };
  try {
    const complete = (providers: Finding[]): boolean =>
      kinds.every((kind) => {
        const found = providers.find((p) => Number(new URL(p.endpointUrl).port) === emulators[kind].port);
        return (
          found !== undefined &&
          found.serverKind === kind &&
          JSON.stringify(found.models) === JSON.stringify(emulators[kind].models) &&
          (kind === 'lmstudio' || found.version !== null)
        );
      });
    for (const api of clients) await api.expect(200, 'POST', `${LIST}/discover`, body);
    const smallMs: number[] = [];
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    let whole = 0;
    for (let i = 0; i < 20; i += 1) {
      const scan = await smallApi.expect<{ providers: Finding[] }>(200, 'POST', `${LIST}/discover`, body);
      smallMs.push(scan.ms);
      if (complete(scan.json.providers)) whole += 1;
      withMs.push((await withApi.expect(200, 'POST', `${LIST}/discover`, body)).ms);
      withoutMs.push((await withoutApi.expect(200, 'POST', `${LIST}/discover`, body)).ms);
    }
    const closedP50 = percentile(withoutMs, 50);
    figures.push(
      {
        id: 'discovery.smallServers',
        label: 'discovery, 5 servers with backlog 5: p50',
        unit: 'ms',
        value: percentile(smallMs, 50),
        baseline: { label: 'all-closed scan, p50', value: closedP50 },
        target: { kind: 'atMost', value: 1_000, of: 'value' },
        notes: `${whole}/20 scans returned every version and model list; max ${round(Math.max(...smallMs))} ms; each emulator 3 workers, 5 ms per request`,
      },
      {
        id: 'discovery.exposureCost',
        label: 'exposure check on a closed-ports scan: added p50',
        unit: 'ms',
        value: percentile(withMs, 50) - closedP50,
        baseline: { label: 'closed-ports scan without it, p50', value: closedP50 },
        target: { kind: 'atMost', value: 50, of: 'value' },
        notes: `127.0.0.1 and localhost × ${closed.length} closed ports, 20 alternated scans each; with the check (127.0.0.2 as the network address) p50 ${round(percentile(withMs, 50))} ms`,
      },
    );
  } finally {
    for (const api of clients) api.close();
    await Promise.all([small, closedWith, closedWithout].map((service) => stopForked(service)));
    await emulators.closeAll();
  }
}

async function promptTest(api: BenchClient): Promise<void> {
  phase('test prompt through a llama.cpp emulator');
  const emulator = await startEmulator('llama.cpp');
  // The service opens a fresh connection per test; so does the direct call it is compared with.
  const direct = new BenchClient(emulator.url, { 'User-Agent': 'llm-profiles-bench' }, { keepAlive: false });
  try {
    const { json } = await api.expect<{ profile: { id: string } }>(201, 'POST', LIST, {
      profile: { name: 'Bench emulator', providerType: 'llama.cpp', endpointUrl: emulator.url, modelId: 'qwen2.5-7b-instruct' },
    });
    const testPath = `${LIST}/${json.profile.id}/test`;
    const chat = { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Reply with one word: ready?' }], max_tokens: 16 };
    const viaService = async (): Promise<number> => {
      // Unstreamed, like the direct call it is compared with; the streamed path has its own figure.
      const reply = await api.expect<{ success: boolean; errorCode: string | null }>(200, 'POST', testPath, { stream: false });
      if (!reply.json.success) throw new Error(`the test prompt failed: ${reply.json.errorCode}`);
      return reply.ms;
    };
    const straight = async (): Promise<number> => {
      const reply = await direct.request('POST', '/v1/chat/completions', chat);
      if (reply.status !== 200) throw new Error(`the emulator answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      return reply.ms;
    };
    for (let i = 0; i < 10; i += 1) {
      await viaService();
      await straight();
    }
    const service: number[] = [];
    const emulated: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      service.push(await viaService());
      emulated.push(await straight());
    }
    const overhead = percentile(service, 50) - percentile(emulated, 50);
    figures.push({
      id: 'test.overhead',
      label: 'test prompt overhead: p50',
      unit: 'ms',
      value: overhead,
      baseline: { label: 'emulator called directly, p50', value: percentile(emulated, 50) },
      target: { kind: 'atMost', value: 5, of: 'value' },
      notes: `p50 through the service ${round(percentile(service, 50))} ms minus p50 direct; 200 pairs, alternated; emulator violations: ${emulator.violations.length}`,
    });
  } finally {
    direct.close();
    await emulator.close();
  }
}

async function largeList(work: string): Promise<void> {
  phase('list, 1 000 profiles');
  const dataDir = path.join(work, 'large');
  await seedVault(dataDir, 1_000);
  const service = await forkChild('service-child.mjs', { dataDir, token: TOKEN, discovery: { ports: [], networkAddresses: [] } });
  const api = new BenchClient(service.url, AUTH);
  try {
    const { json } = await api.expect<{ profiles: unknown[] }>(200, 'GET', LIST);
    if (json.profiles.length !== 1_000) throw new Error(`expected 1000 profiles, listed ${json.profiles.length}`);
    const baseline = await forkChild('baseline-child.mjs', { body: json });
    const bare = new BenchClient(baseline.url);
    try {
      for (let i = 0; i < 20; i += 1) {
        await api.expect(200, 'GET', LIST);
        await bare.expect(200, 'GET', LIST);
      }
      const service: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < 150; i += 1) {
        service.push((await api.expect(200, 'GET', LIST)).ms);
        plain.push((await bare.expect(200, 'GET', LIST)).ms);
      }
      const s = summarise(service);
      figures.push({
        id: 'list1000.p50',
        label: 'list 1 000, one at a time: p50',
        unit: 'ms',
        value: s.p50,
        baseline: { label: 'bare Express, same JSON', value: percentile(plain, 50) },
        target: { kind: 'atMost', value: 1.1, of: 'ratio' },
        notes: `150 sequential requests, alternated with the baseline; service p99 ${round(s.p99)} ms; body ${Math.round(JSON.stringify(json).length / 1024)} KiB`,
      });
    } finally {
      bare.close();
      await killForked(baseline);
    }
  } finally {
    api.close();
    await stopForked(service);
  }
}

/** `--only=stream`: the streamed test prompt alone, against a service with nothing else in it. */
async function streamOnly(work: string): Promise<void> {
  const service = await forkChild('service-child.mjs', { dataDir: path.join(work, 'stream'), token: TOKEN, discovery: { ports: [], networkAddresses: [] } });
  const api = new BenchClient(service.url, AUTH);
  try {
    phase('streamed test prompt through a llama.cpp emulator');
    figures.push(...(await streamedPromptTest(api, LIST)));
  } finally {
    api.close();
    await stopForked(service);
  }
}

async function coldStarts(work: string): Promise<void> {
  phase('cold start and idle RSS');
  figures.push(...(await ambientColdStarts(work, TOKEN)));
  phase('cold start with the vault key in a keyring');
  const keyring = await keyringColdStarts(work, TOKEN);
  figures.push(...keyring.figures);
  if (keyring.skipped) log(`! ${keyring.skipped}`);
}

async function main(): Promise<void> {
  const began = performance.now();
  const startedAt = new Date().toISOString();
  await ensureBuilt();
  const work = await mkdtemp(path.join(os.tmpdir(), 'llm-profiles-bench-'));
  const ports = await closedPorts(8);
  const hole = new SilentServer(ports.pop() as number);
  // `npm run bench -- --only=discovery` (or `--only=start`, `--only=stream`) runs that section alone.
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  try {
    if (only === 'discovery') {
      await discoveryOfSmallServers(work);
    } else if (only === 'start') {
      await coldStarts(work);
    } else if (only === 'stream') {
      await streamOnly(work);
    } else {
      await writesAndList(work, [...ports, hole.port], hole);
      await discoveryOfSmallServers(work);
      await largeList(work);
      await coldStarts(work);
    }
  } finally {
    await hole.stop();
    await rm(work, { recursive: true, force: true });
  }

  const results = judgeAll(figures);
  const seconds = round((performance.now() - began) / 1000, 1);
  log('');
  log(renderTable(results));
  log('');
  for (const f of results) if (f.notes) log(`- ${f.label}: ${f.notes}`);
  const file = path.join(ROOT, 'bench', 'results.json');
  await saveResults(file, results, { startedAt, durationSeconds: seconds, loadAverageByPhase: loadByPhase });
  const missed = results.filter((f) => f.met === false).map((f) => f.label);
  const loads = Object.values(loadByPhase).map((l) => l[0] ?? 0);
  log(
    `\nMachine load (1-min load average per phase): ${Math.min(...loads)}–${Math.max(...loads)} on ${os.cpus().length} cores; absolute figures are only comparable to their same-run baselines.`,
  );
  log(`\n${results.length} figures in ${seconds} s; written to bench/results.json. ${missed.length === 0 ? 'Every target met.' : `Missed: ${missed.join('; ')}.`}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`The benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
