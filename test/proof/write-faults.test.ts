/**
 * Write-failure injection: every step of the durable write (open, write, fsync, rename,
 * directory fsync) made to fail, through the injectable fs layer, under every mutating
 * operation. Each must answer 500 VAULT_WRITE_ERROR and leave memory and the file's bytes
 * exactly as they were, with no temp file behind; once the disk is healthy again the same
 * operations succeed.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { WRITE_STEPS, type WriteStep } from '../../src/vault/fs-layer.js';
import { localLlama, localOllama } from '../support/builders.js';
import { contractProblems } from '../support/contract.js';
import { assertInvariants } from '../support/invariants.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { reportFigures } from '../support/proof/figures.js';
import { ProofClient, type ProofResponse } from '../support/proof/http-client.js';
import { switchableFs } from '../support/proof/switchable-fs.js';

interface Operation {
  name: string;
  operationId: string;
  send(client: ProofClient, ids: { a: string; b: string }, secret: string): Promise<ProofResponse>;
  /** The status when the disk is healthy. */
  okStatus: number;
}

const OPERATIONS: Operation[] = [
  {
    name: 'create (with a key)',
    operationId: 'createProfile',
    okStatus: 201,
    send: (client, _ids, secret) => client.json('POST', '/api/llm/profiles', { profile: localLlama({ name: 'Written once', apiKey: secret }) }),
  },
  {
    name: 'update (rename and new key)',
    operationId: 'updateProfile',
    okStatus: 200,
    send: (client, { a }, secret) => client.json('PATCH', `/api/llm/profiles/${a}`, { changes: { name: 'Renamed', apiKey: secret } }),
  },
  {
    name: 'update (clear the key)',
    operationId: 'updateProfile',
    okStatus: 200,
    send: (client, { a }) => client.json('PATCH', `/api/llm/profiles/${a}`, { changes: { apiKey: null } }),
  },
  {
    name: 'activate',
    operationId: 'activateProfile',
    okStatus: 200,
    send: (client, { b }) => client.json('POST', `/api/llm/profiles/${b}/activate`),
  },
  {
    name: 'delete the active profile with a successor',
    operationId: 'deleteProfile',
    okStatus: 200,
    send: (client, { a, b }) => client.json('DELETE', `/api/llm/profiles/${a}?successorProfileId=${b}`),
  },
  {
    name: 'delete an inactive profile',
    operationId: 'deleteProfile',
    okStatus: 200,
    send: (client, { b }) => client.json('DELETE', `/api/llm/profiles/${b}`),
  },
];

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const results: { step: WriteStep; operation: string; status: number; code: string; diskUnchanged: boolean; memoryUnchanged: boolean }[] = [];
const started = Date.now();

afterAll(async () => {
  await reportFigures('write-faults', {
    steps: WRITE_STEPS.length,
    operations: OPERATIONS.length,
    cases: results.length,
    answered500VaultWriteError: results.filter((r) => r.status === 500 && r.code === 'VAULT_WRITE_ERROR').length,
    diskUnchanged: results.filter((r) => r.diskUnchanged).length,
    memoryUnchanged: results.filter((r) => r.memoryUnchanged).length,
    durationMs: Date.now() - started,
  });
});

describe.each(WRITE_STEPS)('the durable write fails at %s', (step) => {
  let server: TestServer;
  let client: ProofClient;
  let ids: { a: string; b: string };
  const faults = switchableFs();

  beforeAll(async () => {
    server = await startTestServer({ fs: faults.fs });
    client = new ProofClient(server.service.port, server.token);
    const a = await client.json('POST', '/api/llm/profiles', { profile: localLlama({ apiKey: 'seed-key-aaaaaaaaaaaa' }) });
    const b = await client.json('POST', '/api/llm/profiles', { profile: localOllama() });
    expect([a.status, b.status]).toEqual([201, 201]);
    ids = { a: a.body.profile.id, b: b.body.profile.id };
  });

  afterAll(async () => {
    faults.arm(null);
    client?.close();
    await server?.close();
  });

  test.each(OPERATIONS.map((op) => [op.name, op] as const))('%s: 500 VAULT_WRITE_ERROR; memory and the file bytes unchanged; no temp file', async (_name, op) => {
    const file = server.service.paths.vaultFile;
    const bytesBefore = sha(await readFile(file));
    const memoryBefore = JSON.stringify(server.service.deps.vault.snapshot());
    const listBefore = (await client.json('GET', '/api/llm/profiles')).body;
    const secret = `sk-fault-${step}-${op.operationId}-0123456789`;

    faults.arm(step);
    let res: ProofResponse;
    try {
      res = await op.send(client, ids, secret);
    } finally {
      faults.arm(null);
    }

    expect(contractProblems(op.operationId, res.status, res.headers['content-type'], res.body)).toEqual([]);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 500, code: 'VAULT_WRITE_ERROR' });
    expect(res.text).not.toContain(server.dataDir);
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain('EIO');
    expect(server.logs.join('')).not.toContain(secret);

    const diskUnchanged = sha(await readFile(file)) === bytesBefore;
    const memoryUnchanged = JSON.stringify(server.service.deps.vault.snapshot()) === memoryBefore;
    results.push({ step, operation: op.name, status: res.status, code: String(res.body?.code), diskUnchanged, memoryUnchanged });
    expect(diskUnchanged).toBe(true);
    expect(memoryUnchanged).toBe(true);
    const listAfter = (await client.json('GET', '/api/llm/profiles')).body;
    expect({ profiles: listAfter.profiles, activeProfileId: listAfter.activeProfileId }).toEqual({ profiles: listBefore.profiles, activeProfileId: listBefore.activeProfileId });
    expect((await readdir(server.dataDir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    const health = await client.json('GET', '/api/health');
    expect(health.body.vault).toBe('ok');
  });

  test('with the disk healthy again, the same operations succeed and the invariants hold', async () => {
    const statuses: Record<string, number> = {};
    for (const op of OPERATIONS.filter((o) => o.name !== 'delete an inactive profile')) {
      statuses[op.name] = (await op.send(client, ids, `sk-after-${step}-0123456789`)).status;
    }
    expect(statuses).toEqual(Object.fromEntries(OPERATIONS.filter((o) => o.name !== 'delete an inactive profile').map((o) => [o.name, o.okStatus])));
    await assertInvariants(server);
  });
});
