/**
 * Every operation × every status code the contract documents for it, produced over real HTTP
 * and checked against the contract by an independent validator. The last test fails if any
 * documented pair was not exercised, so a status added to the spec needs a scenario here.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jest } from '@jest/globals';
import { contractProblems, documentedStatuses, operations } from '../support/contract.js';
import { localLlama, localOllama } from '../support/builders.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { makeTempDir, startTestServer, type TestServer } from '../support/server.js';

const covered = new Set<string>();
let server: TestServer;
let broken: TestServer;

const UNKNOWN_ID = '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90';

async function call(
  target: TestServer,
  operationId: string,
  init: { method: string; path: string; body?: unknown; headers?: Record<string, string>; rawBody?: string; noAuth?: boolean },
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(init.noAuth ? {} : target.auth), ...(init.headers ?? {}) };
  let body = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await rawRequest(target.service.port, { method: init.method, path: init.path, headers, body });
  const problems = contractProblems(operationId, res.status, res.headers['content-type'], res.body);
  if (problems.length > 0) throw new Error(`${operationId} ${res.status}: ${problems.join('; ')}\n${res.text.slice(0, 500)}`);
  covered.add(`${operationId} ${res.status}`);
  return res;
}

async function create(profile: object): Promise<string> {
  const res = await call(server, 'createProfile', { method: 'POST', path: '/api/llm/profiles', body: { profile } });
  expect(res.status).toBe(201);
  return res.body.profile.id as string;
}

beforeAll(async () => {
  server = await startTestServer({ rateLimits: { test: { limit: 4, windowMs: 60_000 }, discover: { limit: 2, windowMs: 60_000 } } });
  const dataDir = await makeTempDir();
  await writeFile(path.join(dataDir, 'profiles.json'), '{"schemaVersion":1,"profiles":[');
  broken = await startTestServer({ dataDir });
});

afterAll(async () => {
  await server.close();
  await broken.close();
});

test('generic statuses: 401 without a token, 403 for a foreign Host, 406 for a non-JSON Accept, 500 when the store is unreadable', async () => {
  const firstId = await create(localLlama({ apiKey: 'k' }));
  for (const op of operations) {
    const route = op.route.replace('{profileId}', firstId);
    const method = op.method.toUpperCase();
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    if (op.operationId !== 'getHealth') {
      const res = await call(server, op.operationId, { method, path: route, body, noAuth: true });
      expect(res.status).toBe(401);
    }
    const host = await call(server, op.operationId, { method, path: route, body, headers: { Host: 'evil.example' } });
    expect(host.status).toBe(403);
    const accept = await call(server, op.operationId, { method, path: route, body, headers: { Accept: 'text/html' } });
    expect(accept.status).toBe(406);
    if (op.operationId === 'getHealth' || op.operationId === 'exportDiagnostics') continue;
    const unreadable = await call(broken, op.operationId, {
      method,
      path: route,
      body:
        op.operationId === 'createProfile' || op.operationId === 'testDraftProfile' || op.operationId === 'listDraftModels'
          ? { profile: localLlama({ endpointUrl: 'http://127.0.0.1:9' }) }
          : op.operationId === 'discoverProviders'
            ? { scope: { strategy: 'local' } }
            : op.operationId === 'updateProfile'
              ? { changes: { name: 'x' } }
              : body,
    });
    expect(unreadable.status).toBe(500);
    expect(unreadable.body.code).toBe('VAULT_READ_ERROR');
  }
});

test('unexpected failures are a generic 500 whose details stay in the log', async () => {
  const recent = jest.spyOn(server.service.deps.diagnostics, 'recent').mockRejectedValueOnce(new Error('secret detail /var/lib/x'));
  const res = await call(server, 'exportDiagnostics', { method: 'GET', path: '/api/llm/diagnostics' });
  expect(res.status).toBe(500);
  expect(res.body.code).toBe('INTERNAL_ERROR');
  expect(res.text).not.toContain('secret detail');
  recent.mockRestore();
  const check = jest.spyOn(server.service.deps.safeStorage, 'check').mockRejectedValueOnce(new Error('boom'));
  const health = await call(server, 'getHealth', { method: 'GET', path: '/api/health' });
  expect(health.status).toBe(500);
  check.mockRestore();
});

test('profile operations: success, 400, 404, 409, 412, 413, 415', async () => {
  const a = await create(localLlama());
  const b = await create(localOllama());
  const big = { profile: { ...localLlama(), modelId: 'x'.repeat(100_000) } };

  expect((await call(server, 'listProfiles', { method: 'GET', path: '/api/llm/profiles' })).status).toBe(200);
  expect((await call(server, 'listProfiles', { method: 'GET', path: '/api/llm/profiles?providerTypes=nope' })).status).toBe(400);

  expect((await call(server, 'createProfile', { method: 'POST', path: '/api/llm/profiles', body: { profile: {} } })).status).toBe(400);
  const dupName = (await call(server, 'getProfile', { method: 'GET', path: `/api/llm/profiles/${a}` })).body.profile.name;
  expect((await call(server, 'createProfile', { method: 'POST', path: '/api/llm/profiles', body: { profile: localLlama({ name: dupName }) } })).status).toBe(409);
  expect((await call(server, 'createProfile', { method: 'POST', path: '/api/llm/profiles', body: big })).status).toBe(413);
  expect((await call(server, 'createProfile', { method: 'POST', path: '/api/llm/profiles', rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);

  const got = await call(server, 'getProfile', { method: 'GET', path: `/api/llm/profiles/${a}` });
  expect(got.status).toBe(200);
  expect((await call(server, 'getProfile', { method: 'GET', path: '/api/llm/profiles/nope' })).status).toBe(400);
  expect((await call(server, 'getProfile', { method: 'GET', path: `/api/llm/profiles/${UNKNOWN_ID}` })).status).toBe(404);

  const item = `/api/llm/profiles/${b}`;
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, body: { changes: { modelId: 'm2' } } })).status).toBe(200);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, body: { changes: {} } })).status).toBe(400);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: `/api/llm/profiles/${UNKNOWN_ID}`, body: { changes: { name: 'z' } } })).status).toBe(404);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, body: { changes: { name: dupName } } })).status).toBe(409);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, body: { changes: { name: 'z' } }, headers: { 'If-Match': '"old"' } })).status).toBe(412);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, body: { changes: big.profile } })).status).toBe(413);
  expect((await call(server, 'updateProfile', { method: 'PATCH', path: item, rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);

  expect((await call(server, 'activateProfile', { method: 'POST', path: `${item}/activate` })).status).toBe(200);
  expect((await call(server, 'activateProfile', { method: 'POST', path: `${item}/activate`, body: { force: true } })).status).toBe(400);
  expect((await call(server, 'activateProfile', { method: 'POST', path: `/api/llm/profiles/${UNKNOWN_ID}/activate` })).status).toBe(404);
  expect((await call(server, 'activateProfile', { method: 'POST', path: `${item}/activate`, body: { force: 'x'.repeat(100_000) } })).status).toBe(413);
  expect((await call(server, 'activateProfile', { method: 'POST', path: `${item}/activate`, rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);

  expect((await call(server, 'deleteProfile', { method: 'DELETE', path: `${item}?successorProfileId=bad` })).status).toBe(400);
  expect((await call(server, 'deleteProfile', { method: 'DELETE', path: `/api/llm/profiles/${UNKNOWN_ID}` })).status).toBe(404);
  expect((await call(server, 'deleteProfile', { method: 'DELETE', path: item })).status).toBe(409);
  expect((await call(server, 'deleteProfile', { method: 'DELETE', path: item, headers: { 'If-Match': '"old"' } })).status).toBe(412);
  expect((await call(server, 'deleteProfile', { method: 'DELETE', path: `${item}?successorProfileId=${a}` })).status).toBe(200);
});

test('tests, discovery and diagnostics: success, 400, 404, 413, 415, 429', async () => {
  const closed = await create(localLlama({ endpointUrl: 'http://127.0.0.1:9' }));
  const testPath = `/api/llm/profiles/${closed}/test`;
  const outcome = await call(server, 'testProfile', { method: 'POST', path: testPath, body: { timeoutMs: 1000 } });
  expect(outcome.status).toBe(200);
  expect(outcome.body).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', retryable: true });
  expect((await call(server, 'testProfile', { method: 'POST', path: testPath, body: { timeoutMs: 10 } })).status).toBe(400);
  expect((await call(server, 'testProfile', { method: 'POST', path: `/api/llm/profiles/${UNKNOWN_ID}/test`, body: {} })).status).toBe(404);
  expect((await call(server, 'testProfile', { method: 'POST', path: testPath, body: { promptOverride: 'p'.repeat(100_000) } })).status).toBe(413);
  expect((await call(server, 'testProfile', { method: 'POST', path: testPath, rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);

  const draft = { profile: localLlama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 };
  expect((await call(server, 'testDraftProfile', { method: 'POST', path: '/api/llm/profiles/test', body: draft })).status).toBe(200);
  expect((await call(server, 'testDraftProfile', { method: 'POST', path: '/api/llm/profiles/test', body: { profile: { name: 'x' } } })).status).toBe(400);
  expect((await call(server, 'testDraftProfile', { method: 'POST', path: '/api/llm/profiles/test', body: { ...draft, promptOverride: 'p'.repeat(100_000) } })).status).toBe(413);
  expect((await call(server, 'testDraftProfile', { method: 'POST', path: '/api/llm/profiles/test', rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
  let limited = 0;
  for (let i = 0; i < 4; i += 1) {
    const res = await call(server, i % 2 ? 'testProfile' : 'testDraftProfile', {
      method: 'POST',
      path: i % 2 ? testPath : '/api/llm/profiles/test',
      body: draft.timeoutMs && i % 2 ? { timeoutMs: 1000 } : draft,
    });
    if (res.status === 429) limited += 1;
  }
  expect(limited).toBeGreaterThan(0);

  const scope = { scope: { strategy: 'local', timeoutMs: 500 } };
  expect((await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', body: scope })).status).toBe(200);
  expect((await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', body: { scope: { strategy: 'everywhere' } } })).status).toBe(400);
  expect(
    (await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', body: { scope: { strategy: 'remote', hosts: ['h'.repeat(100_000)] } } })).status,
  ).toBe(413);
  expect((await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(
    415,
  );
  expect((await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', body: scope })).status).toBe(200);
  expect((await call(server, 'discoverProviders', { method: 'POST', path: '/api/llm/profiles/discover', body: scope })).status).toBe(429);

  expect((await call(server, 'exportDiagnostics', { method: 'GET', path: '/api/llm/diagnostics?limit=5' })).status).toBe(200);
  expect((await call(server, 'exportDiagnostics', { method: 'GET', path: '/api/llm/diagnostics?limit=0' })).status).toBe(400);
  expect((await call(server, 'getHealth', { method: 'GET', path: '/api/health' })).status).toBe(200);
  expect((await call(server, 'getHealth', { method: 'GET', path: '/api/health?verbose=1' })).status).toBe(400);
});

test('model lists: success, 400, 404, 413, 415, 429', async () => {
  const closed = await create(localOllama({ endpointUrl: 'http://127.0.0.1:9' }));
  const listPath = `/api/llm/profiles/${closed}/models`;
  const listed = await call(server, 'listProfileModels', { method: 'GET', path: `${listPath}?timeoutMs=1000` });
  expect(listed.status).toBe(200);
  expect(listed.body).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', models: null });
  expect((await call(server, 'listProfileModels', { method: 'GET', path: `${listPath}?timeoutMs=10` })).status).toBe(400);
  expect((await call(server, 'listProfileModels', { method: 'GET', path: `${listPath}?refresh=maybe` })).status).toBe(400);
  expect((await call(server, 'listProfileModels', { method: 'GET', path: `/api/llm/profiles/${UNKNOWN_ID}/models` })).status).toBe(404);

  const draft = { profile: localOllama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 };
  expect((await call(server, 'listDraftModels', { method: 'POST', path: '/api/llm/profiles/models', body: draft })).status).toBe(200);
  expect((await call(server, 'listDraftModels', { method: 'POST', path: '/api/llm/profiles/models', body: { profile: { name: 'x' } } })).status).toBe(400);
  expect(
    (await call(server, 'listDraftModels', { method: 'POST', path: '/api/llm/profiles/models', body: { profile: { ...draft.profile, modelId: 'x'.repeat(100_000) } } })).status,
  ).toBe(413);
  expect((await call(server, 'listDraftModels', { method: 'POST', path: '/api/llm/profiles/models', rawBody: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
  let limited = 0;
  for (let i = 0; i < 4; i += 1) {
    const res =
      i % 2
        ? await call(server, 'listProfileModels', { method: 'GET', path: `${listPath}?timeoutMs=1000` })
        : await call(server, 'listDraftModels', { method: 'POST', path: '/api/llm/profiles/models', body: draft });
    if (res.status === 429) limited += 1;
  }
  expect(limited).toBeGreaterThan(0);
  expect([covered.has('listProfileModels 429'), covered.has('listDraftModels 429')]).toEqual([true, true]);
});

test('the models of a keyed profile, listed while safe storage is unavailable, answer 423', async () => {
  const fresh = await startTestServer();
  try {
    const res = await fresh.http
      .post('/api/llm/profiles')
      .set(fresh.auth)
      .send({ profile: localLlama({ apiKey: 'k', endpointUrl: 'http://127.0.0.1:9' }) });
    await chmod(fresh.service.paths.keyFile, 0o400);
    const locked = await call(fresh, 'listProfileModels', { method: 'GET', path: `/api/llm/profiles/${res.body.profile.id}/models` });
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('SAFE_STORAGE_UNAVAILABLE');
  } finally {
    await fresh.close();
  }
});

test('writes while safe storage is unavailable answer 423', async () => {
  const keyed = await create(localLlama({ apiKey: 'needs-the-key' }));
  const other = await create(localOllama());
  const before = await readFile(server.service.paths.vaultFile);
  await chmod(server.service.paths.keyFile, 0o644);
  try {
    const attempts: [string, string, string, unknown][] = [
      ['createProfile', 'POST', '/api/llm/profiles', { profile: localLlama() }],
      ['updateProfile', 'PATCH', `/api/llm/profiles/${other}`, { changes: { name: 'renamed' } }],
      ['deleteProfile', 'DELETE', `/api/llm/profiles/${other}`, undefined],
      ['activateProfile', 'POST', `/api/llm/profiles/${other}/activate`, undefined],
    ];
    for (const [operationId, method, route, body] of attempts) {
      expect((await call(server, operationId, { method, path: route, body })).status).toBe(423);
    }
    // The test limiter is spent by now: a fresh server with the same data would be needed for 423 on tests,
    // so the keyed test runs through the service directly as well as over HTTP when allowed.
    await expect(server.service.deps.profiles.resolveForTest(keyed)).rejects.toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE' });
    expect(await readFile(server.service.paths.vaultFile)).toEqual(before);
  } finally {
    await chmod(server.service.paths.keyFile, 0o600);
  }
});

test('a keyed profile tested while safe storage is unavailable answers 423', async () => {
  const fresh = await startTestServer();
  try {
    const res = await fresh.http
      .post('/api/llm/profiles')
      .set(fresh.auth)
      .send({ profile: localLlama({ apiKey: 'k', endpointUrl: 'http://127.0.0.1:9' }) });
    await chmod(fresh.service.paths.keyFile, 0o400);
    const locked = await call(fresh, 'testProfile', { method: 'POST', path: `/api/llm/profiles/${res.body.profile.id}/test`, body: {} });
    expect(locked.status).toBe(423);
  } finally {
    await fresh.close();
  }
});

test('every documented operation × status pair was exercised', () => {
  const missing = operations.flatMap((op) => documentedStatuses(op.operationId).map((status) => `${op.operationId} ${status}`)).filter((pair) => !covered.has(pair));
  expect(missing).toEqual([]);
});
