/**
 * Caching the list (frozen views, their JSON text kept per vault state) must never stand in for
 * the contract check: a view that breaks the response schema still answers 500 after the list was
 * served and cached, and a request with an invalid field still answers 400 on every route.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { contractLimits } from '../../src/http/contract.js';
import { ProfileService } from '../../src/profiles/profile-service.js';
import type { VaultData } from '../../src/vault/state.js';
import type { ProfileVault } from '../../src/vault/store.js';
import { contractProblems, operations } from '../support/contract.js';
import { localLlama, localOllama } from '../support/builders.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A test-only store: the real vault, except that a test may force the state it reads. */
function forcibleStore(real: ProfileVault): { store: ProfileVault; force(state: VaultData | null): void } {
  let forced: VaultData | null = null;
  const store = {
    health: () => real.health(),
    snapshot: () => forced ?? real.snapshot(),
    commit: (mutate: (draft: VaultData) => unknown) => real.commit(mutate),
    settled: () => real.settled(),
    reload: () => real.reload(),
  } as unknown as ProfileVault;
  return { store, force: (state) => (forced = state) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

let server: TestServer;
let app: Server;
let port = 0;
let force: (state: VaultData | null) => void;

beforeAll(async () => {
  server = await startTestServer();
  const { deps } = server.service;
  const forcible = forcibleStore(deps.vault);
  force = forcible.force;
  const profiles = new ProfileService({ vault: forcible.store, safeStorage: deps.safeStorage, maxProfiles: contractLimits(deps.contract).maxProfiles });
  app = createServer(createApp({ ...deps, vault: forcible.store, profiles, port: () => port }));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  port = (app.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => {
    app.close(resolve);
    app.closeAllConnections();
  });
  await server.close();
});

const list = () => rawRequest(port, { path: '/api/llm/profiles', headers: server.auth });

test('a view that breaks the response schema answers 500 after the list was served and cached, every time', async () => {
  const created = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localLlama() });
  expect(created.status).toBe(201);
  await server.http.post('/api/llm/profiles').set(server.auth).send({ profile: localOllama() }).expect(201);

  const first = await list();
  const second = await list();
  expect(first.status).toBe(200);
  expect(second.status).toBe(200);
  expect(second.body.profiles).toEqual(first.body.profiles);
  expect(contractProblems('listProfiles', 200, second.headers['content-type'], second.body)).toEqual([]);

  // The same state as stored, but one name is longer than the contract's ProfileName allows.
  const stored = structuredClone(server.service.deps.vault.snapshot()) as VaultData;
  const broken = stored.profiles[0] as VaultData['profiles'][number];
  broken.name = 'n'.repeat(101);
  force(deepFreeze(stored));
  for (let i = 0; i < 3; i += 1) {
    const res = await list();
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL_ERROR');
    expect(res.text).not.toContain('n'.repeat(101));
  }
  const one = await rawRequest(port, { path: `/api/llm/profiles/${broken.id}`, headers: server.auth });
  expect(one.status).toBe(500);

  force(null);
  const healed = await list();
  expect(healed.status).toBe(200);
  expect(healed.text).toBe(
    second.text.replace(
      /"correlationId":"[^"]+","requestId":"[^"]+","durationMs":\d+/,
      healed.text.match(/"correlationId":"[^"]+","requestId":"[^"]+","durationMs":\d+/)?.[0] ?? '',
    ),
  );
});

test('a request with an unknown query field answers 400 on every route, after the list was cached', async () => {
  expect((await list()).status).toBe(200);
  const id = (await list()).body.profiles[0].id as string;
  expect(operations.length).toBeGreaterThanOrEqual(10);
  for (const op of operations) {
    const path = `${op.route.replace('{profileId}', id)}?unexpectedField=1`;
    const hasBody = op.method === 'post' || op.method === 'patch';
    const res = await rawRequest(port, {
      method: op.method.toUpperCase(),
      path,
      headers: hasBody ? { ...server.auth, 'Content-Type': 'application/json' } : server.auth,
      ...(hasBody ? { body: '{}' } : {}),
    });
    expect({ op: op.operationId, status: res.status, code: res.body?.code }).toEqual({ op: op.operationId, status: 400, code: 'VALIDATION_ERROR' });
    expect(contractProblems(op.operationId, 400, res.headers['content-type'], res.body)).toEqual([]);
  }
});

test('a body with an invalid field answers 400 on every route that takes a body', async () => {
  const id = (await list()).body.profiles[0].id as string;
  const withBody = operations.filter((op) => op.method !== 'get' && op.method !== 'delete');
  expect(withBody.length).toBeGreaterThanOrEqual(4);
  for (const op of withBody) {
    const res = await rawRequest(port, {
      method: op.method.toUpperCase(),
      path: op.route.replace('{profileId}', id),
      headers: { ...server.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ unexpectedField: 1 }),
    });
    expect({ op: op.operationId, status: res.status, code: res.body?.code }).toEqual({ op: op.operationId, status: 400, code: 'VALIDATION_ERROR' });
  }
});
