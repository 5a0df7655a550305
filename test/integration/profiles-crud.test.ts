/**
 * Create, read, update, delete and activate over real HTTP, through the typed client the package
 * ships (`src/client/`), so every request here type-checks against the contract's `paths` and
 * every answer is checked against the contract (test/support/typed-client.ts).
 */
import { readFile } from 'node:fs/promises';
import type { components } from '../../generated/llm-profiles.js';
import type { ProfilesClient } from '../../src/client/index.js';
import { assertInvariants } from '../support/invariants.js';
import { azure, localLlama, localOllama } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { contractClient, forbidden } from '../support/typed-client.js';

type ProfileInput = components['schemas']['ProfileInput'];
type ProfileChanges = components['schemas']['ProfileChanges'];

const UNKNOWN_ID = '9b2e4c1d-3a5f-4e7b-8c9d-0e1f2a3b4c5d';

let server: TestServer;
let client: ProfilesClient;

beforeAll(async () => {
  server = await startTestServer();
  client = contractClient(server);
});

afterAll(async () => {
  await server.close();
});

/**
 * Which profile is active, and what a list holds, depend on everything else in the vault, so each
 * test starts from an empty one: emptied through the API (a few requests), not a new data folder
 * (a service start per test).
 */
beforeEach(async () => {
  const { data } = await client.GET('/api/llm/profiles');
  const profiles = data!.profiles;
  for (const profile of [...profiles.filter((p) => !p.isActive), ...profiles.filter((p) => p.isActive)]) {
    const { response } = await client.DELETE('/api/llm/profiles/{profileId}', { params: { path: { profileId: profile.id } } });
    expect(response.status).toBe(200);
  }
});

afterEach(async () => {
  await assertInvariants(server);
});

function create(profile: ProfileInput) {
  return client.POST('/api/llm/profiles', { body: { profile } });
}

function patch(profileId: string, changes: ProfileChanges, ifMatch?: string) {
  return client.PATCH('/api/llm/profiles/{profileId}', { params: { path: { profileId }, header: ifMatch ? { 'If-Match': ifMatch } : {} }, body: { changes } });
}

describe('create, get and list', () => {
  test('the first profile is created active, with Location, ETag and meta fields', async () => {
    const res = await create(localLlama({ name: '  Local llama.cpp  ' }));
    expect(res.response.status).toBe(201);
    const profile = res.data!.profile;
    expect(res.response.headers.get('location')).toBe(`/api/llm/profiles/${profile.id}`);
    expect(res.response.headers.get('etag')).toMatch(/^".+"$/);
    expect(profile).toMatchObject({ name: 'Local llama.cpp', providerType: 'llama.cpp', isActive: true, hasApiKey: false, locality: 'this-device' });
    expect(profile.accessibility.label).toContain('Local llama.cpp');
    expect(res.data).toMatchObject({ safeStorageStatus: 'available' });
    expect(typeof res.data!.correlationId).toBe('string');
    expect(res.data!.requestId).toBe(res.response.headers.get('x-request-id'));

    const got = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: profile.id } } });
    expect(got.response.status).toBe(200);
    expect(got.response.headers.get('etag')).toBe(res.response.headers.get('etag'));
    expect(got.data!.profile).toEqual(profile);
  });

  test('later profiles are inactive; the list says which one is active and filters by type', async () => {
    const first = await create(localLlama());
    const second = await create(localOllama());
    expect(second.data!.profile.isActive).toBe(false);

    const list = await client.GET('/api/llm/profiles');
    expect(list.data!.activeProfileId).toBe(first.data!.profile.id);
    expect(list.data!.profiles).toHaveLength(2);

    const filtered = await client.GET('/api/llm/profiles', { params: { query: { providerTypes: ['ollama'] } } });
    expect(filtered.data!.profiles.map((p) => p.id)).toEqual([second.data!.profile.id]);

    const both = await client.GET('/api/llm/profiles', { params: { query: { providerTypes: ['ollama', 'llama.cpp'] } } });
    expect(both.data!.profiles.map((p) => p.id).sort()).toEqual([first.data!.profile.id, second.data!.profile.id].sort());

    const withDiagnostics = await client.GET('/api/llm/profiles', { params: { query: { includeDiagnostics: true } } });
    expect(Array.isArray(withDiagnostics.data!.diagnostics)).toBe(true);
  });

  test('an API key is write-only: never in a response, never in plaintext on disk', async () => {
    const input = azure();
    const res = await create(input);
    expect(res.response.status).toBe(201);
    expect(res.data!.profile.hasApiKey).toBe(true);
    expect(JSON.stringify(res.data)).not.toContain(input.apiKey);
    const list = await client.GET('/api/llm/profiles');
    expect(JSON.stringify(list.data)).not.toContain(input.apiKey);
    const disk = await readFile(server.service.paths.vaultFile, 'utf8');
    expect(disk).not.toContain(input.apiKey as string);
    expect(disk).not.toContain(Buffer.from(input.apiKey as string).toString('base64'));
  });

  test('unknown ids answer 404 PROFILE_NOT_FOUND as problem+json', async () => {
    const res = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90' } } });
    expect(res.response.status).toBe(404);
    expect(res.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.error!.code).toBe('PROFILE_NOT_FOUND');
    expect(res.error!.userMessage.length).toBeGreaterThan(0);
    expect(res.error!.remediation.length).toBeGreaterThan(0);
  });
});

describe('update', () => {
  test('renames, and answers a new ETag; If-Match with a stale ETag is 412 and changes nothing', async () => {
    const created = await create(localLlama());
    const id = created.data!.profile.id;
    const etag = created.response.headers.get('etag')!;
    const renamed = await patch(id, { name: 'Renamed' }, etag);
    expect(renamed.response.status).toBe(200);
    expect(renamed.data!.profile.name).toBe('Renamed');
    expect(renamed.response.headers.get('etag')).not.toBe(etag);

    const stale = await patch(id, { name: 'Again' }, etag);
    expect(stale.response.status).toBe(412);
    expect(stale.error!.code).toBe('PRECONDITION_FAILED');
    const after = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: id } } });
    expect(after.data!.profile.name).toBe('Renamed');
  });

  test('apiKey absent keeps the key, null clears it, a string replaces it', async () => {
    const created = await create(localLlama({ apiKey: 'local-key-1' }));
    const id = created.data!.profile.id;
    const kept = await patch(id, { modelId: 'other-model' });
    expect(kept.data!.profile).toMatchObject({ hasApiKey: true, modelId: 'other-model' });
    const cleared = await patch(id, { apiKey: null });
    expect(cleared.data!.profile.hasApiKey).toBe(false);
    const replaced = await patch(id, { apiKey: 'local-key-2' });
    expect(replaced.data!.profile.hasApiKey).toBe(true);
  });

  test('a saved key never follows a profile to a new origin or provider type', async () => {
    const created = await create(localLlama({ apiKey: 'local-key-1' }));
    const id = created.data!.profile.id;
    const moved = await patch(id, { endpointUrl: 'http://127.0.0.1:9931' });
    expect(moved.response.status).toBe(400);
    expect(moved.error!.errors?.map((e) => e.pointer)).toContain('/body/changes/apiKey');

    const retyped = await patch(id, { providerType: 'custom' });
    expect(retyped.response.status).toBe(400);

    const movedWithKey = await patch(id, { endpointUrl: 'http://127.0.0.1:9931', apiKey: 'local-key-2' });
    expect(movedWithKey.response.status).toBe(200);
    const samePathChange = await patch(id, { endpointUrl: 'http://127.0.0.1:9931/v1' });
    expect(samePathChange.response.status).toBe(200);
  });

  test('isActive is not writable and changes must change something', async () => {
    const created = await create(localLlama());
    const id = created.data!.profile.id;
    // isActive is not a ProfileChanges field; {} fits the type, and only the schema's minProperties refuses it.
    for (const changes of [forbidden<ProfileChanges>({ isActive: false }), {}]) {
      const res = await patch(id, changes);
      expect(res.response.status).toBe(400);
      expect(res.error!.code).toBe('VALIDATION_ERROR');
      expect(res.error!.errors!.length).toBeGreaterThan(0);
    }
  });

  test('renaming onto another profile name (any case, spaces) is 409 DUPLICATE_PROFILE_NAME', async () => {
    const a = await create(localLlama({ name: 'Alpha' }));
    await create(localOllama({ name: 'Beta' }));
    const res = await patch(a.data!.profile.id, { name: '  bETA ' });
    expect(res.response.status).toBe(409);
    expect(res.error!.code).toBe('DUPLICATE_PROFILE_NAME');
  });
});

describe('delete', () => {
  function remove(profileId: string, successorProfileId?: string, ifMatch?: string) {
    return client.DELETE('/api/llm/profiles/{profileId}', {
      params: { path: { profileId }, query: successorProfileId ? { successorProfileId } : {}, header: ifMatch ? { 'If-Match': ifMatch } : {} },
    });
  }

  test('deleting the active profile needs a successor, which becomes active in the same write', async () => {
    const a = (await create(localLlama())).data!.profile;
    const b = (await create(localOllama())).data!.profile;

    const refused = await remove(a.id);
    expect(refused.response.status).toBe(409);
    expect(refused.error!.code).toBe('ACTIVE_PROFILE_REQUIRED');

    for (const successor of [a.id, UNKNOWN_ID]) {
      const bad = await remove(a.id, successor);
      expect(bad.response.status).toBe(409);
      expect(bad.error!.code).toBe('ALTERNATE_NOT_FOUND');
    }

    const done = await remove(a.id, b.id);
    expect(done.response.status).toBe(200);
    expect(done.data).toMatchObject({ deletedId: a.id, activeProfileId: b.id });
    const gone = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: a.id } } });
    expect(gone.response.status).toBe(404);
  });

  test('an inactive profile deletes without a successor; a bad successor is refused even then', async () => {
    const a = (await create(localLlama())).data!.profile;
    const b = (await create(localOllama())).data!.profile;
    const bad = await remove(b.id, b.id);
    expect(bad.response.status).toBe(409);
    expect(bad.error!.code).toBe('ALTERNATE_NOT_FOUND');
    const res = await remove(b.id, a.id);
    expect(res.response.status).toBe(200);
    expect(res.data!.activeProfileId).toBe(a.id);
  });

  test('the last profile deletes without a successor and leaves no active profile', async () => {
    const a = (await create(localLlama())).data!.profile;
    const res = await remove(a.id);
    expect(res.data).toMatchObject({ deletedId: a.id, activeProfileId: null });
    const again = await remove(a.id);
    expect(again.response.status).toBe(404);
  });

  test('If-Match on delete: a stale ETag is 412', async () => {
    const a = await create(localLlama());
    const res = await remove(a.data!.profile.id, undefined, '"stale"');
    expect(res.response.status).toBe(412);
  });
});

describe('activate', () => {
  test('switches the active profile and reports the previous one; re-activating changes nothing', async () => {
    const a = (await create(localLlama())).data!.profile;
    const b = (await create(localOllama())).data!.profile;
    const res = await client.POST('/api/llm/profiles/{profileId}/activate', { params: { path: { profileId: b.id } } });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ previousActiveId: a.id, changed: true });
    expect(res.data!.activeProfile).toMatchObject({ id: b.id, isActive: true });

    const before = await readFile(server.service.paths.vaultFile);
    const again = await client.POST('/api/llm/profiles/{profileId}/activate', { params: { path: { profileId: b.id } }, body: {} });
    expect(again.data).toMatchObject({ previousActiveId: null, changed: false });
    expect(await readFile(server.service.paths.vaultFile)).toEqual(before);

    const missing = await client.POST('/api/llm/profiles/{profileId}/activate', { params: { path: { profileId: UNKNOWN_ID } } });
    expect(missing.response.status).toBe(404);
  });
});
