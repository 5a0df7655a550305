import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { assertInvariants } from '../support/invariants.js';
import { localLlama } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

test('200 concurrent activations across 10 profiles: no 5xx and exactly one active everywhere', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const res = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() });
    expect(res.status).toBe(201);
    ids.push(res.body.profile.id);
  }
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => fetch(`${server.url}/api/llm/profiles/${ids[i % ids.length]}/activate`, { method: 'POST', headers: server.auth })),
  );
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(new Set(statuses)).toEqual(new Set([200]));
  const bodies = (await Promise.all(results.map((r) => r.json()))) as { changed: boolean; previousActiveId: string | null }[];
  // Each change hands over from the profile that was active just before it: a single chain.
  const changes = bodies.filter((b) => b.changed);
  expect(changes.every((b) => b.previousActiveId !== null)).toBe(true);

  const list = await server.http.get('/api/llm/profiles').set(server.auth);
  const active = list.body.profiles.filter((p: { isActive: boolean }) => p.isActive);
  expect(active).toHaveLength(1);
  const disk = JSON.parse(await readFile(server.service.paths.vaultFile, 'utf8'));
  expect(disk.activeProfileId).toBe(active[0].id);
  expect(server.service.deps.vault.snapshot().activeProfileId).toBe(active[0].id);
  await assertInvariants(server);
});

test('concurrent creates with the same name: exactly one wins, the rest are 409', async () => {
  // A name no other test of this file uses, in two spellings that are the same name.
  const name = `Same Name ${randomUUID()}`;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      server.http
        .post('/api/llm/profiles')
        .set(server.auth)
        .send({ profile: localLlama({ name: i % 2 ? name : `${name.toLowerCase()} ` }) }),
    ),
  );
  expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  expect(results.filter((r) => r.status === 409)).toHaveLength(19);
  await assertInvariants(server);
});
