/**
 * `node --loader ts-node/esm/transpile-only bench/profile-stream.mjs`: a CPU profile of the
 * service answering streamed test prompts against the llama.cpp emulator (the script `npm run
 * bench` judges), summarised as self time per function and per package, and where the wall time
 * goes: before the emulator has the chat request, while it streams, and after its last byte —
 * beside the same stream read directly. Run `npm run build` first; the .cpuprofile is left in
 * the temp dir it prints. The loader is for the emulator, which is TypeScript.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/support/emulators/providers/index.js';
import { printSelfTimes, selfTimes } from './lib/cpu-profile.mjs';
import { BenchClient } from './lib/http.js';
import { cpuMs } from './lib/processes.js';
import { SCRIPT, STREAMED_CHAT } from './lib/streamed-test.js';
import { percentile } from './lib/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 200;
const work = await mkdtemp(path.join(os.tmpdir(), 'llm-profiles-profile-'));
const token = randomBytes(24).toString('base64url');

const child = fork(path.join(ROOT, 'bench', 'service-child.mjs'), [], { execArgv: ['--cpu-prof', `--cpu-prof-dir=${work}`], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const started = new Promise((resolve) => child.once('message', resolve));
child.send({ dataDir: path.join(work, 'data'), token, discovery: { ports: [], networkAddresses: [] } });
const { url, pid } = await started;
const emulator = await startEmulator('llama.cpp', { stream: SCRIPT });
// The harness records each request as it has read it; its arrival time is stamped here.
const arrivals = [];
emulator.requests.push = function push(...requests) {
  for (const request of requests) arrivals.push({ path: request.path, at: performance.now() });
  return Array.prototype.push.apply(this, requests);
};
const api = new BenchClient(url, { Authorization: `Bearer ${token}` });
const direct = new BenchClient(emulator.url, { 'User-Agent': 'llm-profiles-bench' }, { keepAlive: false });
const { json } = await api.expect(201, 'POST', '/api/llm/profiles', {
  profile: { name: 'Profile stream', providerType: 'llama.cpp', endpointUrl: emulator.url, modelId: 'qwen2.5-7b-instruct' },
});

/** Client start → the emulator read the first request → it read the chat request → its last byte sent → the client has the reply. */
async function timed(send) {
  const start = performance.now();
  const ms = await send();
  const log = emulator.stream.log.at(-1);
  const first = arrivals.find((a) => a.at >= start)?.at ?? log.receivedAt;
  arrivals.length = 0;
  return { total: ms, first: first - start, before: log.receivedAt - first, stream: log.endedAt - log.receivedAt, after: start + ms - log.endedAt };
}
const viaService = () => timed(async () => (await api.expect(200, 'POST', `/api/llm/profiles/${json.profile.id}/test`, { stream: true })).ms);
const straight = () => timed(async () => (await direct.request('POST', '/v1/chat/completions', STREAMED_CHAT, { Accept: 'text/event-stream' })).ms);
for (let i = 0; i < 20; i += 1) {
  await viaService();
  await straight();
}
const service = [];
const plain = [];
const measuredFrom = performance.now();
const cpuBefore = await cpuMs(pid);
for (let i = 0; i < RUNS; i += 1) {
  service.push(await viaService());
  plain.push(await straight());
}
const measuredMs = performance.now() - measuredFrom;
const cpuPerTest = ((await cpuMs(pid)) - cpuBefore) / RUNS;
// Each direct read opens one connection; the rest are the service's.
const serviceConnections = (emulator.connections() - 20 - RUNS) / (20 + RUNS);
api.close();
direct.close();
await emulator.close();
child.send('stop');
await new Promise((resolve) => child.once('exit', resolve));

const p50 = (runs, key) => {
  const value = percentile(
    runs.map((r) => r[key]),
    50,
  );
  return value.toFixed(2).padStart(7);
};
console.log(`${RUNS} alternated pairs, p50 ms (load average ${os.loadavg()[0].toFixed(2)}):`);
const keys = ['total', 'first', 'before', 'stream', 'after'];
console.log(`  (the service used ${cpuPerTest.toFixed(2)} ms of CPU and opened ${serviceConnections.toFixed(2)} connections to the emulator per test)`);
console.log('            total    first   before   stream    after   (first: to the first request the emulator read; before: from it to the chat request)');
console.log(`  service ${keys.map((k) => p50(service, k)).join('  ')}`);
console.log(`  direct  ${keys.map((k) => p50(plain, k)).join('  ')}`);

const file = (await readdir(work)).find((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(await readFile(path.join(work, file), 'utf8'));
// Only the samples of the measured loop (the profile ends when the service stops, just after it): no start-up, no warm-up, no first compiles.
const from = profile.endTime - measuredMs * 1000;
const times = selfTimes(profile, from);
const busy = times.totalUs - (times.byPackage.get('(idle)') ?? 0);
console.log(`\nprofile ${path.join(work, file)}; the service busy ${(busy / 1000 / RUNS).toFixed(2)} ms per streamed test (samples of the measured loop that are not idle)`);
printSelfTimes(times);
