import { createHash } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { expectContract } from '../support/contract.js';
import { assertInvariants } from '../support/invariants.js';
import { azure, localLlama, localOllama } from '../support/builders.js';
import { makeTempDir, startTestServer } from '../support/server.js';

// A flipped ciphertext bit (test/proof/tamper.test.ts, 1 000 flips), a corrupt vault at start
// (test/proof/corrupt-vault.test.ts, eight corruptions through a restart) and a second server on the
// same data dir (test/proof/crash.test.ts and test/integration/cli.test.ts, real processes) are
// proven there, more strongly than a single in-process case here could.

async function sha(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

test('profiles survive a restart on the same data dir; the vault holds no plaintext key', async () => {
  const dataDir = await makeTempDir();
  const first = await startTestServer({ dataDir });
  const input = azure();
  const created = await first.http.post('/api/llm/profiles').set(first.auth).send({ profile: input });
  expect(created.status).toBe(201);
  await first.close();

  const second = await startTestServer({ dataDir });
  try {
    const list = await second.http.get('/api/llm/profiles').set(second.auth);
    expect(list.body.profiles.map((p: { id: string }) => p.id)).toEqual([created.body.profile.id]);
    expect(list.body.profiles[0].hasApiKey).toBe(true);
    const disk = await readFile(second.service.paths.vaultFile, 'utf8');
    expect(disk).not.toContain(input.apiKey as string);
    await assertInvariants(second);
  } finally {
    await second.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('key file made unreadable mid-run: writes answer 423 and change nothing; reads still work; restoring it needs no restart', async () => {
  const server = await startTestServer();
  try {
    const a = (
      await server.http
        .post('/api/llm/profiles')
        .set(server.auth)
        .send({ profile: localLlama({ apiKey: 'k-1' }) })
    ).body.profile;
    const b = (await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localOllama() })).body.profile;
    const before = await sha(server.service.paths.vaultFile);

    await chmod(server.service.paths.keyFile, 0o000);
    const attempts = [
      ['createProfile', server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() })],
      [
        'updateProfile',
        server.http
          .patch(`/api/llm/profiles/${a.id}`)
          .set(server.auth)
          .send({ changes: { name: 'Nope' } }),
      ],
      ['deleteProfile', server.http.delete(`/api/llm/profiles/${b.id}`).set(server.auth)],
      ['activateProfile', server.http.post(`/api/llm/profiles/${b.id}/activate`).set(server.auth)],
      ['activateProfile', server.http.post(`/api/llm/profiles/${a.id}/activate`).set(server.auth)],
      ['testProfile', server.http.post(`/api/llm/profiles/${a.id}/test`).set(server.auth).send({ timeoutMs: 1000 })],
    ] as const;
    for (const [operationId, attempt] of attempts) {
      const res = await attempt;
      expectContract(operationId, res);
      expect(res.status).toBe(423);
      expect(res.body).toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE', safeStorageStatus: 'unavailable' });
    }
    expect(await sha(server.service.paths.vaultFile)).toBe(before);
    await server.service.deps.diagnostics.flush();
    const blocked = await server.service.deps.diagnostics.recent({ limit: 50 });
    const lockedLines = blocked.filter((e) => e.resultCode === 'SAFE_STORAGE_UNAVAILABLE');
    expect(lockedLines).toHaveLength(attempts.length);
    for (const line of lockedLines) expect(line).toMatchObject({ httpStatus: 423, safeStorageStatus: 'unavailable', requestId: expect.any(String) });

    const list = await server.http.get('/api/llm/profiles').set(server.auth);
    expectContract('listProfiles', list);
    expect(list.status).toBe(200);
    expect(list.body.safeStorageStatus).toBe('unavailable');
    const health = await server.http.get('/api/health');
    expectContract('getHealth', health);
    expect(health.body).toMatchObject({ status: 'degraded', safeStorageReason: 'key-permissions', safeStorageStatus: 'unavailable' });

    await chmod(server.service.paths.keyFile, 0o600);
    const renamed = await server.http
      .patch(`/api/llm/profiles/${a.id}`)
      .set(server.auth)
      .send({ changes: { name: 'Works again' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.safeStorageStatus).toBe('available');
    await assertInvariants(server);
  } finally {
    await server.close();
  }
});
