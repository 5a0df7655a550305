/**
 * A vault file that cannot be trusted — truncated, empty, NUL-filled, not JSON, or JSON that
 * breaks an invariant — found at start. Expected outcome for each: the server starts, health
 * says `vault: unreadable` with the reason, every profile operation answers 500
 * VAULT_READ_ERROR with a remedy and no path, and the file keeps its exact bytes (it is never
 * overwritten), through a restart too.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localLlama, localOllama } from '../support/builders.js';
import { contractProblems } from '../support/contract.js';
import { makeTempDir, startTestServer } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { ProofClient } from '../support/proof/http-client.js';

interface Corruption {
  name: string;
  reason: 'parse' | 'invariant';
  corrupt(good: Buffer): Buffer;
}

const CORRUPTIONS: Corruption[] = [
  { name: 'truncated to half', reason: 'parse', corrupt: (good) => good.subarray(0, Math.floor(good.length / 2)) },
  { name: 'truncated by one byte', reason: 'parse', corrupt: (good) => good.subarray(0, good.length - 1) },
  { name: 'empty', reason: 'parse', corrupt: () => Buffer.alloc(0) },
  { name: 'NUL-filled', reason: 'parse', corrupt: (good) => Buffer.alloc(good.length) },
  { name: 'invalid JSON', reason: 'parse', corrupt: (good) => Buffer.from(good.toString('utf8').replace(/":/, '" ')) },
  { name: 'not an object', reason: 'invariant', corrupt: () => Buffer.from('[]') },
  {
    name: 'active id naming no profile',
    reason: 'invariant',
    corrupt: (good) => Buffer.from(JSON.stringify({ ...JSON.parse(good.toString('utf8')), activeProfileId: '00000000-0000-4000-8000-000000000000' })),
  },
  {
    name: 'two profiles with one name',
    reason: 'invariant',
    corrupt: (good) => {
      const data = JSON.parse(good.toString('utf8')) as { profiles: { name: string }[] };
      (data.profiles[1] as { name: string }).name = ` ${String(data.profiles[0]?.name).toUpperCase()} `;
      return Buffer.from(JSON.stringify(data));
    },
  },
];

const PROFILE_ID = '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90';
const ATTEMPTS: [string, string, string, unknown?][] = [
  ['listProfiles', 'GET', '/api/llm/profiles'],
  ['getProfile', 'GET', `/api/llm/profiles/${PROFILE_ID}`],
  ['createProfile', 'POST', '/api/llm/profiles', { profile: localLlama() }],
  ['updateProfile', 'PATCH', `/api/llm/profiles/${PROFILE_ID}`, { changes: { name: 'Nope' } }],
  ['deleteProfile', 'DELETE', `/api/llm/profiles/${PROFILE_ID}`],
  ['activateProfile', 'POST', `/api/llm/profiles/${PROFILE_ID}/activate`],
  ['testProfile', 'POST', `/api/llm/profiles/${PROFILE_ID}/test`, { timeoutMs: 1000 }],
];

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let good: Buffer;
let seedDir: string;
const outcomes: Record<string, { reason: string; refused: number; bytesUnchanged: boolean }> = {};
const started = Date.now();

beforeAll(async () => {
  seedDir = await makeTempDir();
  const seeded = await startTestServer({ dataDir: seedDir });
  for (const profile of [localLlama({ apiKey: 'corrupt-case-key-0123456789' }), localOllama()]) {
    const res = await seeded.http.post('/api/llm/profiles').set(seeded.auth).send({ profile });
    expect(res.status).toBe(201);
  }
  await seeded.close();
  good = await readFile(path.join(seedDir, 'profiles.json'));
});

afterAll(async () => {
  await rm(seedDir, { recursive: true, force: true });
  await reportFigures('corrupt-vault', { cases: Object.keys(outcomes).length, outcomes, durationMs: Date.now() - started });
});

test.each(CORRUPTIONS.map((c) => [c.name, c] as const))('%s: unreadable, every profile operation 500 VAULT_READ_ERROR, bytes kept through a restart', async (_name, corruption) => {
  const dataDir = await makeTempDir();
  try {
    for (const file of ['vault.key', 'api-token']) await writeFile(path.join(dataDir, file), await readFile(path.join(seedDir, file)), { mode: 0o600 });
    const vaultFile = path.join(dataDir, 'profiles.json');
    const bad = corruption.corrupt(good);
    await writeFile(vaultFile, bad, { mode: 0o600 });
    const before = sha(bad);

    let refused = 0;
    for (let round = 0; round < 2; round += 1) {
      const server = await startTestServer({ dataDir });
      const client = new ProofClient(server.service.port, server.token);
      try {
        const health = await client.json('GET', '/api/health');
        expect(contractProblems('getHealth', health.status, health.headers['content-type'], health.body)).toEqual([]);
        expect(health.body).toMatchObject({ status: 'degraded', vault: 'unreadable', vaultReason: corruption.reason });
        for (const [operationId, method, route, body] of ATTEMPTS) {
          const res = await client.json(method, route, body);
          expect({ operationId, problems: contractProblems(operationId, res.status, res.headers['content-type'], res.body) }).toEqual({ operationId, problems: [] });
          expect({ operationId, status: res.status, code: res.body?.code }).toEqual({ operationId, status: 500, code: 'VAULT_READ_ERROR' });
          expect(res.body.remediation.length).toBeGreaterThan(10);
          expect(res.text).not.toContain(dataDir);
          refused += 1;
        }
      } finally {
        client.close();
        await server.close({ keepDataDir: true });
      }
      expect(sha(await readFile(vaultFile))).toBe(before);
      expect((await readdir(dataDir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    }
    outcomes[corruption.name] = { reason: corruption.reason, refused, bytesUnchanged: true };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
