/**
 * Crash test: the real server process (`node dist/service/main.js`) runs a mixed, concurrent write
 * workload and is killed with SIGKILL at a random moment, again and again. After every kill the
 * vault file must parse and keep the invariants; after every restart every acknowledged write
 * must be there (a write still in flight at the kill may or may not be), and no temp file may
 * remain. Also: SIGTERM shuts down cleanly. (A second server on the same data dir is refused:
 * test/integration/cli.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { ProofClient, type ProofResponse } from '../support/proof/http-client.js';
import { scaled, seededRandom, seedFor } from '../support/proof/scale.js';
import { BUILT_MAIN } from '../support/build.js';
import { spawnServer, type ServerProcess } from '../support/proof/server-process.js';

const KILLS = scaled(50);
/** Independent data dirs crashed side by side, to overlap one lane's start-up with another's workload. */
const LANES = 2;
const WRITERS = 4;
const KILL_AFTER_MS: [number, number] = [0, 400];

interface Entry {
  name: string;
  hasKey: boolean;
}

type Pending =
  | { kind: 'create'; name: string; hasKey: boolean }
  | { kind: 'update'; id: string; name: string; hasKey: boolean }
  | { kind: 'delete'; id: string }
  | { kind: 'activate'; id: string };

/** What the client knows: acknowledged state, plus the one request each writer has in flight. */
interface Ledger {
  profiles: Map<string, Entry>;
  active: string | null;
  pending: Map<number, Pending>;
  counter: number;
}

interface Figures {
  kills: number;
  acknowledgedWrites: number;
  /** Of those, written by the concurrent writers (not the warm-up) — the ones a kill can land among. */
  workloadWrites: number;
  inFlightAtKill: number;
  inFlightFoundApplied: number;
  lostAcknowledgedWrites: number;
  phantomWrites: number;
  unparsableVaults: number;
  invariantViolations: number;
  tempFilesAfterKill: number;
  tempFilesAfterRestart: number;
  unexpectedStatuses: number;
  startMs: number[];
  maxProfiles: number;
}

const figures: Figures = {
  kills: 0,
  acknowledgedWrites: 0,
  workloadWrites: 0,
  inFlightAtKill: 0,
  inFlightFoundApplied: 0,
  lostAcknowledgedWrites: 0,
  phantomWrites: 0,
  unparsableVaults: 0,
  invariantViolations: 0,
  tempFilesAfterKill: 0,
  tempFilesAfterRestart: 0,
  unexpectedStatuses: 0,
  startMs: [],
  maxProfiles: 0,
};
const problems: string[] = [];
const started = Date.now();

function isTemp(name: string): boolean {
  return name.endsWith('.tmp');
}

/** The vault file, read as a stranger would: it parses, and the invariants of docs/architecture.md §4 hold. */
async function checkVaultFile(dataDir: string, where: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'profiles.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let data: { activeProfileId: unknown; profiles: { id: string; name: string }[] };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    figures.unparsableVaults += 1;
    problems.push(`${where}: the vault does not parse (${text.length} bytes: ${JSON.stringify(text.slice(0, 80))})`);
    return;
  }
  const ids = data.profiles.map((p) => p.id);
  const names = data.profiles.map((p) => p.name.trim().toLocaleLowerCase('en'));
  const activeOk = ids.length === 0 ? data.activeProfileId === null : ids.includes(data.activeProfileId as string);
  if (!activeOk || new Set(ids).size !== ids.length || new Set(names).size !== names.length) {
    figures.invariantViolations += 1;
    problems.push(`${where}: the vault breaks an invariant (active ${String(data.activeProfileId)}, ${ids.length} profiles)`);
  }
}

/** After a restart: every acknowledged write is there; what differs is explained by a request in flight at the kill. */
function reconcile(ledger: Ledger, list: { profiles: { id: string; name: string; hasApiKey: boolean }[]; activeProfileId: string | null }, where: string): void {
  const shown = new Map(list.profiles.map((p) => [p.id, { name: p.name, hasKey: p.hasApiKey }]));
  const pending = [...ledger.pending.values()];
  const applied = new Set<Pending>();
  for (const [id, entry] of ledger.profiles) {
    const now = shown.get(id);
    if (!now) {
      const deletion = pending.find((p) => p.kind === 'delete' && p.id === id);
      if (deletion) applied.add(deletion);
      else {
        figures.lostAcknowledgedWrites += 1;
        problems.push(`${where}: acknowledged profile ${id} (${entry.name}) is gone`);
      }
      continue;
    }
    if (now.name === entry.name && now.hasKey === entry.hasKey) continue;
    const update = pending.find((p): p is Extract<Pending, { kind: 'update' }> => p.kind === 'update' && p.id === id);
    if (update && now.name === update.name && now.hasKey === update.hasKey) applied.add(update);
    else {
      figures.lostAcknowledgedWrites += 1;
      problems.push(`${where}: profile ${id} shows ${JSON.stringify(now)}, acknowledged ${JSON.stringify(entry)}${update ? ` (in flight: ${JSON.stringify(update)})` : ''}`);
    }
  }
  for (const [id, now] of shown) {
    if (ledger.profiles.has(id)) continue;
    const create = pending.find((p) => p.kind === 'create' && p.name === now.name && p.hasKey === now.hasKey);
    if (create) applied.add(create);
    else {
      figures.phantomWrites += 1;
      problems.push(`${where}: profile ${id} (${now.name}) was never written by this test`);
    }
  }
  if (list.activeProfileId !== ledger.active) {
    const activation = pending.find((p) => p.kind === 'activate' && p.id === list.activeProfileId);
    if (activation) applied.add(activation);
    else {
      figures.lostAcknowledgedWrites += 1;
      problems.push(`${where}: active is ${String(list.activeProfileId)}, acknowledged ${String(ledger.active)}`);
    }
  }
  figures.inFlightAtKill += pending.length;
  figures.inFlightFoundApplied += applied.size;
  // The restarted server's state is durable now: it becomes what is known.
  ledger.profiles = new Map(shown);
  ledger.active = list.activeProfileId;
  ledger.pending.clear();
  figures.maxProfiles = Math.max(figures.maxProfiles, shown.size);
}

function owned(ledger: Ledger, prefix: string): string[] {
  return [...ledger.profiles].filter(([, e]) => e.name.startsWith(prefix)).map(([id]) => id);
}

/** One writer: sequential requests until the server dies. Writer 0 activates and renames the pool; the others create, rename and delete their own. */
async function writer(index: number, client: ProofClient, ledger: Ledger, random: () => number, port: number): Promise<void> {
  const prefix = index === 0 ? 'pool-' : `w${index}-`;
  for (;;) {
    const mine = owned(ledger, prefix);
    const pick = () => mine[Math.floor(random() * mine.length)] as string;
    const roll = random();
    ledger.counter += 1;
    const name = `${prefix}${ledger.counter}`;
    const keyChange = random() < 0.3 ? (random() < 0.5 ? null : `sk-crash-${ledger.counter}-0123456789`) : undefined;
    let op: Pending;
    let send: () => Promise<ProofResponse>;
    if (index === 0 && roll < 0.6) {
      const id = pick();
      op = { kind: 'activate', id };
      send = () => client.json('POST', `/api/llm/profiles/${id}/activate`);
    } else if (index !== 0 && (mine.length < 2 || (mine.length < 4 && roll < 0.4))) {
      const hasKey = random() < 0.5;
      op = { kind: 'create', name, hasKey };
      const profile = { name, providerType: 'llama.cpp', endpointUrl: `http://127.0.0.1:${port}`, ...(hasKey ? { apiKey: `sk-crash-${ledger.counter}-0123456789` } : {}) };
      send = () => client.json('POST', '/api/llm/profiles', { profile });
    } else if (index !== 0 && roll > 0.75) {
      const id = pick();
      op = { kind: 'delete', id };
      send = () => client.json('DELETE', `/api/llm/profiles/${id}`);
    } else {
      const id = pick();
      const before = ledger.profiles.get(id) as Entry;
      op = { kind: 'update', id, name, hasKey: keyChange === undefined ? before.hasKey : keyChange !== null };
      send = () => client.json('PATCH', `/api/llm/profiles/${id}`, { changes: { name, ...(keyChange === undefined ? {} : { apiKey: keyChange }) } });
    }
    ledger.pending.set(index, op);
    let res: ProofResponse;
    try {
      res = await send();
    } catch {
      return; // The server is gone: this request stays "in flight".
    }
    ledger.pending.delete(index);
    const expected = op.kind === 'create' ? 201 : 200;
    if (res.status !== expected) {
      figures.unexpectedStatuses += 1;
      problems.push(`${op.kind} answered ${res.status} ${res.text.slice(0, 300)}`);
      return;
    }
    figures.acknowledgedWrites += 1;
    figures.workloadWrites += 1;
    if (op.kind === 'create') ledger.profiles.set(res.body.profile.id as string, { name: op.name, hasKey: op.hasKey });
    else if (op.kind === 'update') ledger.profiles.set(op.id, { name: op.name, hasKey: op.hasKey });
    else if (op.kind === 'delete') ledger.profiles.delete(op.id);
    else ledger.active = op.id;
  }
}

/**
 * The validator compiles each operation's schemas on its first request, which takes a while on
 * a busy machine. One of each write first, so the kill lands among writes, not compilations.
 */
async function warmUp(client: ProofClient, ledger: Ledger, port: number, where: string): Promise<void> {
  ledger.counter += 1;
  const name = `warm-${ledger.counter}`;
  const created = await client.json('POST', '/api/llm/profiles', { profile: { name, providerType: 'ollama', endpointUrl: `http://localhost:${port}` } });
  const id = created.body?.profile?.id as string;
  const steps = [
    created,
    await client.json('PATCH', `/api/llm/profiles/${id}`, { changes: { name: `${name}-renamed` } }),
    await client.json('POST', `/api/llm/profiles/${ledger.active ?? id}/activate`),
    await client.json('DELETE', `/api/llm/profiles/${id}`),
  ];
  if (steps.map((r) => r.status).join() !== '201,200,200,200') throw new Error(`${where}: warm-up answered ${steps.map((r) => r.status).join()}`);
  figures.acknowledgedWrites += 3;
}

async function start(dataDir: string, token: string): Promise<{ server: ServerProcess; client: ProofClient }> {
  const server = await spawnServer({ mainJs: BUILT_MAIN, dataDir, token }).ready;
  figures.startMs.push(server.startMs);
  return { server, client: new ProofClient(server.port, token) };
}

/** Restart checks: temp files swept, health fine, every acknowledged write present. */
async function afterRestart(dataDir: string, client: ProofClient, ledger: Ledger, where: string): Promise<void> {
  const leftovers = (await readdir(dataDir)).filter(isTemp);
  if (leftovers.length > 0) {
    figures.tempFilesAfterRestart += leftovers.length;
    problems.push(`${where}: temp files remain after restart: ${leftovers.join(', ')}`);
  }
  const health = await client.json('GET', '/api/health');
  if (health.body?.vault !== 'ok' || health.body?.safeStorageStatus !== 'available') problems.push(`${where}: health ${health.text.slice(0, 300)}`);
  const list = await client.json('GET', '/api/llm/profiles');
  if (list.status !== 200) {
    problems.push(`${where}: list answered ${list.status} ${list.text.slice(0, 300)}`);
    return;
  }
  reconcile(ledger, list.body, where);
}

async function lane(laneIndex: number, kills: number): Promise<void> {
  const dataDir = await makeTempDir('llm-profiles-crash-');
  const token = randomBytes(24).toString('base64url');
  const random = seededRandom(seedFor(`crash-${laneIndex}`));
  const ledger: Ledger = { profiles: new Map(), active: null, pending: new Map(), counter: 0 };
  try {
    for (let cycle = 0; cycle < kills; cycle += 1) {
      const where = `lane ${laneIndex} cycle ${cycle}`;
      const { server, client } = await start(dataDir, token);
      try {
        await afterRestart(dataDir, client, ledger, where);
        if (cycle === 0) {
          for (let i = 0; i < 3; i += 1) {
            const res = await client.json('POST', '/api/llm/profiles', {
              profile: { name: `pool-${i}`, providerType: 'llama.cpp', endpointUrl: `http://127.0.0.1:${server.port}`, apiKey: `sk-pool-${i}-0123456789` },
            });
            if (res.status !== 201) throw new Error(`${where}: set-up create answered ${res.status}`);
            ledger.profiles.set(res.body.profile.id as string, { name: `pool-${i}`, hasKey: true });
            ledger.active ??= res.body.profile.id as string;
          }
        }
        await warmUp(client, ledger, server.port, where);
        const writers = Array.from({ length: WRITERS }, (_, i) => writer(i, client, ledger, random, server.port));
        const delay = KILL_AFTER_MS[0] + random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]);
        await new Promise((resolve) => setTimeout(resolve, delay));
        server.child.kill('SIGKILL');
        const exit = await server.exited;
        if (exit.signal !== 'SIGKILL') problems.push(`${where}: the server ended with ${JSON.stringify(exit)}, not SIGKILL`);
        figures.kills += 1;
        await Promise.all(writers);
      } finally {
        client.close();
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      }
      figures.tempFilesAfterKill += (await readdir(dataDir)).filter(isTemp).length;
      await checkVaultFile(dataDir, `${where} after the kill`);
      const key = await stat(path.join(dataDir, 'vault.key'));
      if (key.size !== 32 || (key.mode & 0o777) !== 0o600) problems.push(`${where}: vault.key is ${key.size} bytes, mode ${(key.mode & 0o777).toString(8)}`);
    }

    // A last restart checks the last kill; then a clean stop.
    const { server, client } = await start(dataDir, token);
    try {
      await afterRestart(dataDir, client, ledger, `lane ${laneIndex} final`);
    } finally {
      client.close();
    }
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    if (exit.code !== 0) problems.push(`lane ${laneIndex}: SIGTERM ended the server with ${JSON.stringify(exit)}`);
    const files = await readdir(dataDir);
    if (files.includes('.lock') || files.some(isTemp)) problems.push(`lane ${laneIndex}: after SIGTERM the data dir holds ${files.join(', ')}`);
    await checkVaultFile(dataDir, `lane ${laneIndex} after SIGTERM`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

afterAll(async () => {
  const sorted = [...figures.startMs].sort((a, b) => a - b);
  const { startMs, ...rest } = figures;
  await reportFigures('crash', {
    ...rest,
    lanes: LANES,
    writersPerLane: WRITERS,
    killAfterMs: KILL_AFTER_MS,
    serverStartMs: { median: sorted[Math.floor(sorted.length / 2)] ?? null, max: sorted[sorted.length - 1] ?? null, count: startMs.length },
    problems: problems.slice(0, 20),
    durationMs: Date.now() - started,
  });
});

test(
  `${KILLS} kill -9s under a concurrent write workload: no lost acknowledged write, no unparsable vault, no temp file left`,
  async () => {
    const perLane = Array.from({ length: LANES }, (_, i) => Math.floor(KILLS / LANES) + (i < KILLS % LANES ? 1 : 0));
    await Promise.all(perLane.map((kills, i) => lane(i, kills)));
    expect(problems).toEqual([]);
    expect(figures.kills).toBe(KILLS);
    expect(figures.lostAcknowledgedWrites).toBe(0);
    expect(figures.unparsableVaults).toBe(0);
    expect(figures.tempFilesAfterRestart).toBe(0);
    // The workload really wrote between kills.
    expect(figures.workloadWrites).toBeGreaterThan(KILLS * 2);
  },
  600_000 * Math.max(1, KILLS / 50),
);
