/**
 * Every operation × every status code the contract documents for it, produced over real HTTP
 * and checked against the contract by an independent validator. The last test fails if any
 * documented pair was not exercised, so a status added to the spec needs a scenario here.
 *
 * Requests go through the package's typed client, which records each pair it checks; a value the
 * types forbid goes through `forbidden()`. Raw HTTP (`call`) is kept for what the client cannot
 * send: the generic-status walk over every operation the spec lists (paths read from the spec at
 * run time, no token, a foreign Host, Accept: text/html) and the non-JSON bodies of the 415 cases.
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { components, operations as contractOperations } from '../../generated/llm-profiles.js';
import type { ProfilesClient } from '../../src/client/index.js';
import { contractProblems, documentedStatuses, operations } from '../support/contract.js';
import { localLlama, localOllama } from '../support/builders.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { makeTempDir, startTestServer, type TestServer } from '../support/server.js';
import { contractClient, forbidden } from '../support/typed-client.js';

type Schemas = components['schemas'];

const covered = new Set<string>();
let server: TestServer;
let client: ProfilesClient;
let broken: TestServer;
let locked: TestServer;
let lockedClient: ProfilesClient;

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

/** A text/plain body, which the client (JSON only) cannot send. */
function plainText(operationId: string, method: string, route: string): Promise<RawResponse> {
  return call(server, operationId, { method, path: route, rawBody: 'x', headers: { 'Content-Type': 'text/plain' } });
}

async function create(profile: Schemas['ProfileInput'], on: ProfilesClient = client): Promise<string> {
  const res = await on.POST('/api/llm/profiles', { body: { profile } });
  expect(res.response.status).toBe(201);
  return res.data!.profile.id;
}

beforeAll(async () => {
  const dataDir = await makeTempDir();
  await writeFile(path.join(dataDir, 'profiles.json'), '{"schemaVersion":1,"profiles":[');
  // `server` has tiny rate limits so 429 can be reached, and the tests below spend them; the 423
  // cases for tests and model lists need limiters not yet spent, so they run on `locked`.
  [server, broken, locked] = await Promise.all([
    startTestServer({ rateLimits: { test: { limit: 4, windowMs: 60_000 }, discover: { limit: 2, windowMs: 60_000 } } }),
    startTestServer({ dataDir }),
    startTestServer(),
  ]);
  client = contractClient(server, covered);
  lockedClient = contractClient(locked, covered);
});

afterAll(async () => {
  await Promise.all([server.close(), broken.close(), locked.close()]);
  await rm(broken.dataDir, { recursive: true, force: true });
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
  const res = await client.GET('/api/llm/diagnostics');
  expect(res.response.status).toBe(500);
  expect(res.error!.code).toBe('INTERNAL_ERROR');
  expect(JSON.stringify(res.error)).not.toContain('secret detail');
  recent.mockRestore();
  const check = jest.spyOn(server.service.deps.safeStorage, 'check').mockRejectedValueOnce(new Error('boom'));
  const health = await client.GET('/api/health');
  expect(health.response.status).toBe(500);
  check.mockRestore();
});

test('profile operations: success, 400, 404, 409, 412, 413, 415', async () => {
  const a = await create(localLlama());
  const b = await create(localOllama());
  const big = { profile: { ...localLlama(), modelId: 'x'.repeat(100_000) } };
  const item = { path: { profileId: b } };

  expect((await client.GET('/api/llm/profiles')).response.status).toBe(200);
  expect((await client.GET('/api/llm/profiles', { params: { query: { providerTypes: forbidden<Schemas['ProviderType'][]>(['nope']) } } })).response.status).toBe(400);

  expect((await client.POST('/api/llm/profiles', { body: forbidden<Schemas['CreateProfileRequest']>({ profile: {} }) })).response.status).toBe(400);
  const dupName = (await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: a } } })).data!.profile.name;
  expect((await client.POST('/api/llm/profiles', { body: { profile: localLlama({ name: dupName }) } })).response.status).toBe(409);
  expect((await client.POST('/api/llm/profiles', { body: big })).response.status).toBe(413);
  expect((await plainText('createProfile', 'POST', '/api/llm/profiles')).status).toBe(415);

  const got = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: a } } });
  expect(got.response.status).toBe(200);
  expect((await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: 'nope' } } })).response.status).toBe(400);
  expect((await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: UNKNOWN_ID } } })).response.status).toBe(404);

  const update = (changes: Schemas['ProfileChanges'], profileId = b, ifMatch?: string) =>
    client.PATCH('/api/llm/profiles/{profileId}', { params: { path: { profileId }, header: ifMatch ? { 'If-Match': ifMatch } : {} }, body: { changes } });
  expect((await update({ modelId: 'm2' })).response.status).toBe(200);
  expect((await update({})).response.status).toBe(400);
  expect((await update({ name: 'z' }, UNKNOWN_ID)).response.status).toBe(404);
  expect((await update({ name: dupName })).response.status).toBe(409);
  expect((await update({ name: 'z' }, b, '"old"')).response.status).toBe(412);
  expect((await update(big.profile)).response.status).toBe(413);
  expect((await plainText('updateProfile', 'PATCH', `/api/llm/profiles/${b}`)).status).toBe(415);

  // Activation takes no options: a body with any field is outside its type.
  const activate = '/api/llm/profiles/{profileId}/activate';
  expect((await client.POST(activate, { params: item })).response.status).toBe(200);
  expect((await client.POST(activate, { params: item, body: forbidden<Schemas['ActivateProfileRequest']>({ force: true }) })).response.status).toBe(400);
  expect((await client.POST(activate, { params: { path: { profileId: UNKNOWN_ID } } })).response.status).toBe(404);
  expect((await client.POST(activate, { params: item, body: forbidden<Schemas['ActivateProfileRequest']>({ force: 'x'.repeat(100_000) }) })).response.status).toBe(413);
  expect((await plainText('activateProfile', 'POST', `/api/llm/profiles/${b}/activate`)).status).toBe(415);

  const remove = (profileId: string, query: contractOperations['deleteProfile']['parameters']['query'] = {}, ifMatch?: string) =>
    client.DELETE('/api/llm/profiles/{profileId}', { params: { path: { profileId }, query, header: ifMatch ? { 'If-Match': ifMatch } : {} } });
  expect((await remove(b, { successorProfileId: 'bad' })).response.status).toBe(400);
  expect((await remove(UNKNOWN_ID)).response.status).toBe(404);
  expect((await remove(b)).response.status).toBe(409);
  expect((await remove(b, {}, '"old"')).response.status).toBe(412);
  expect((await remove(b, { successorProfileId: a })).response.status).toBe(200);
});

test('tests, discovery and diagnostics: success, 400, 404, 413, 415, 429', async () => {
  const closed = await create(localLlama({ endpointUrl: 'http://127.0.0.1:9' }));
  const testOf = (body: Schemas['TestProfileRequest'], profileId = closed) => client.POST('/api/llm/profiles/{profileId}/test', { params: { path: { profileId } }, body });
  const outcome = await testOf({ timeoutMs: 1000 });
  expect(outcome.response.status).toBe(200);
  expect(outcome.data).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', retryable: true });
  expect((await testOf({ timeoutMs: 10 })).response.status).toBe(400);
  expect((await testOf({}, UNKNOWN_ID)).response.status).toBe(404);
  expect((await testOf({ promptOverride: 'p'.repeat(100_000) })).response.status).toBe(413);
  expect((await plainText('testProfile', 'POST', `/api/llm/profiles/${closed}/test`)).status).toBe(415);

  const draft = { profile: localLlama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 };
  const testDraft = (body: Schemas['TestDraftProfileRequest']) => client.POST('/api/llm/profiles/test', { body });
  expect((await testDraft(draft)).response.status).toBe(200);
  expect((await testDraft(forbidden<Schemas['TestDraftProfileRequest']>({ profile: { name: 'x' } }))).response.status).toBe(400);
  expect((await testDraft({ ...draft, promptOverride: 'p'.repeat(100_000) })).response.status).toBe(413);
  expect((await plainText('testDraftProfile', 'POST', '/api/llm/profiles/test')).status).toBe(415);
  let limited = 0;
  for (let i = 0; i < 4; i += 1) {
    const res = i % 2 ? await testOf({ timeoutMs: 1000 }) : await testDraft(draft);
    if (res.response.status === 429) limited += 1;
  }
  expect(limited).toBeGreaterThan(0);

  const discover = (body: Schemas['DiscoverProvidersRequest']) => client.POST('/api/llm/profiles/discover', { body });
  const scope: Schemas['DiscoverProvidersRequest'] = { scope: { strategy: 'local', timeoutMs: 500 } };
  expect((await discover(scope)).response.status).toBe(200);
  expect((await discover(forbidden<Schemas['DiscoverProvidersRequest']>({ scope: { strategy: 'everywhere' } }))).response.status).toBe(400);
  expect((await discover({ scope: { strategy: 'remote', hosts: ['h'.repeat(100_000)] } })).response.status).toBe(413);
  expect((await plainText('discoverProviders', 'POST', '/api/llm/profiles/discover')).status).toBe(415);
  expect((await discover(scope)).response.status).toBe(200);
  expect((await discover(scope)).response.status).toBe(429);

  expect((await client.GET('/api/llm/diagnostics', { params: { query: { limit: 5 } } })).response.status).toBe(200);
  expect((await client.GET('/api/llm/diagnostics', { params: { query: { limit: 0 } } })).response.status).toBe(400);
  expect((await client.GET('/api/health')).response.status).toBe(200);
  // getHealth takes no query parameters.
  expect((await client.GET('/api/health', { params: { query: forbidden<never>({ verbose: 1 }) } })).response.status).toBe(400);
});

test('model lists: success, 400, 404, 413, 415, 429', async () => {
  const closed = await create(localOllama({ endpointUrl: 'http://127.0.0.1:9' }));
  const listOf = (query: contractOperations['listProfileModels']['parameters']['query'], profileId = closed) =>
    client.GET('/api/llm/profiles/{profileId}/models', { params: { path: { profileId }, query } });
  const listed = await listOf({ timeoutMs: 1000 });
  expect(listed.response.status).toBe(200);
  expect(listed.data).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', models: null });
  expect((await listOf({ timeoutMs: 10 })).response.status).toBe(400);
  // refresh is a boolean.
  expect((await listOf({ refresh: forbidden<boolean>('maybe') })).response.status).toBe(400);
  expect((await listOf({}, UNKNOWN_ID)).response.status).toBe(404);

  const draft = { profile: localOllama({ endpointUrl: 'http://127.0.0.1:9' }), timeoutMs: 1000 };
  const listDraft = (body: Schemas['ListDraftModelsRequest']) => client.POST('/api/llm/profiles/models', { body });
  expect((await listDraft(draft)).response.status).toBe(200);
  expect((await listDraft(forbidden<Schemas['ListDraftModelsRequest']>({ profile: { name: 'x' } }))).response.status).toBe(400);
  expect((await listDraft({ profile: { ...draft.profile, modelId: 'x'.repeat(100_000) } })).response.status).toBe(413);
  expect((await plainText('listDraftModels', 'POST', '/api/llm/profiles/models')).status).toBe(415);
  let limited = 0;
  for (let i = 0; i < 4; i += 1) {
    const res = i % 2 ? await listOf({ timeoutMs: 1000 }) : await listDraft(draft);
    if (res.response.status === 429) limited += 1;
  }
  expect(limited).toBeGreaterThan(0);
  expect([covered.has('listProfileModels 429'), covered.has('listDraftModels 429')]).toEqual([true, true]);
});

test('the models of a keyed profile, listed while safe storage is unavailable, answer 423', async () => {
  const keyed = await create(localLlama({ apiKey: 'k', endpointUrl: 'http://127.0.0.1:9' }), lockedClient);
  await chmod(locked.service.paths.keyFile, 0o400);
  try {
    const res = await lockedClient.GET('/api/llm/profiles/{profileId}/models', { params: { path: { profileId: keyed } } });
    expect(res.response.status).toBe(423);
    expect(res.error!.code).toBe('SAFE_STORAGE_UNAVAILABLE');
  } finally {
    await chmod(locked.service.paths.keyFile, 0o600);
  }
});

test('writes while safe storage is unavailable answer 423', async () => {
  const keyed = await create(localLlama({ apiKey: 'needs-the-key' }));
  const other = await create(localOllama());
  const before = await readFile(server.service.paths.vaultFile);
  await chmod(server.service.paths.keyFile, 0o644);
  try {
    const params = { path: { profileId: other } };
    expect((await client.POST('/api/llm/profiles', { body: { profile: localLlama() } })).response.status).toBe(423);
    expect((await client.PATCH('/api/llm/profiles/{profileId}', { params, body: { changes: { name: 'renamed' } } })).response.status).toBe(423);
    expect((await client.DELETE('/api/llm/profiles/{profileId}', { params })).response.status).toBe(423);
    expect((await client.POST('/api/llm/profiles/{profileId}/activate', { params })).response.status).toBe(423);
    // This server's test limiter is spent by now, so the keyed test is also asked of the service
    // directly; the 423 over HTTP is the next test's, on the `locked` server.
    await expect(server.service.deps.profiles.resolveForTest(keyed)).rejects.toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE' });
    expect(await readFile(server.service.paths.vaultFile)).toEqual(before);
  } finally {
    await chmod(server.service.paths.keyFile, 0o600);
  }
});

test('a keyed profile tested while safe storage is unavailable answers 423', async () => {
  const keyed = await create(localLlama({ apiKey: 'k', endpointUrl: 'http://127.0.0.1:9' }), lockedClient);
  await chmod(locked.service.paths.keyFile, 0o400);
  try {
    const res = await lockedClient.POST('/api/llm/profiles/{profileId}/test', { params: { path: { profileId: keyed } }, body: {} });
    expect(res.response.status).toBe(423);
  } finally {
    await chmod(locked.service.paths.keyFile, 0o600);
  }
});

test('every documented operation × status pair was exercised', () => {
  const missing = operations.flatMap((op) => documentedStatuses(op.operationId).map((status) => `${op.operationId} ${status}`)).filter((pair) => !covered.has(pair));
  expect(missing).toEqual([]);
});
