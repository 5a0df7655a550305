/**
 * `node bench/profile-list.mjs`: a CPU profile of the service answering the 50-profile list at
 * 20 connections (the figure `npm run bench` judges), summarised as self time per function and
 * per package. Run `npm run build` first; the raw .cpuprofile is left in the temp dir it prints.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { printSelfTimes, selfTimes } from './lib/cpu-profile.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = await mkdtemp(path.join(os.tmpdir(), 'llm-profiles-profile-'));
const token = randomBytes(24).toString('base64url');
const auth = { Authorization: `Bearer ${token}` };

const child = fork(path.join(ROOT, 'bench', 'service-child.mjs'), [], { execArgv: ['--cpu-prof', `--cpu-prof-dir=${work}`], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const started = new Promise((resolve) => child.once('message', resolve));
child.send({ dataDir: path.join(work, 'data'), token, discovery: { ports: [] } });
const { url } = await started;
for (let i = 0; i < 50; i += 1) {
  const res = await fetch(`${url}/api/llm/profiles`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ profile: { name: `Profile ${i}`, providerType: 'ollama', endpointUrl: `http://127.0.0.1:${11000 + i}`, modelId: 'llama3' } }),
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
}
const run = await autocannon({ url: `${url}/api/llm/profiles`, connections: 20, duration: 6, headers: auth });
child.send('stop');
await new Promise((resolve) => child.once('exit', resolve));

const file = (await readdir(work)).find((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(await readFile(path.join(work, file), 'utf8'));
const times = selfTimes(profile);
console.log(`${Math.round(run['2xx'] / run.duration)} req/s over ${run.duration} s (non-2xx ${run.non2xx}); profile ${path.join(work, file)}`);
printSelfTimes(times);
