import { readFile } from 'node:fs/promises';
import { expectContract } from '../support/contract.js';
import { assertInvariants } from '../support/invariants.js';
import { azure, localLlama, localOllama } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await assertInvariants(server);
  await server.close();
});

async function create(profile: object) {
  const res = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile });
  expectContract('createProfile', res);
  return res;
}

describe('create, get and list', () => {
  test('the first profile is created active, with Location, ETag and meta fields', async () => {
    const res = await create(localLlama({ name: '  Local llama.cpp  ' }));
    expect(res.status).toBe(201);
    const { profile } = res.body;
    expect(res.headers.location).toBe(`/api/llm/profiles/${profile.id}`);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(profile).toMatchObject({ name: 'Local llama.cpp', providerType: 'llama.cpp', isActive: true, hasApiKey: false, locality: 'this-device' });
    expect(profile.accessibility.label).toContain('Local llama.cpp');
    expect(res.body).toMatchObject({ safeStorageStatus: 'available' });
    expect(typeof res.body.correlationId).toBe('string');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);

    const got = await server.http.get(res.headers.location as string).set(server.auth);
    expectContract('getProfile', got);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe(res.headers.etag);
    expect(got.body.profile).toEqual(profile);
  });

  test('later profiles are inactive; the list says which one is active and filters by type', async () => {
    const first = await create(localLlama());
    const second = await create(localOllama());
    expect(second.body.profile.isActive).toBe(false);

    const list = await server.http.get('/api/llm/profiles').set(server.auth);
    expectContract('listProfiles', list);
    expect(list.body.activeProfileId).toBe(first.body.profile.id);
    expect(list.body.profiles).toHaveLength(2);

    const filtered = await server.http.get('/api/llm/profiles?providerTypes=ollama').set(server.auth);
    expectContract('listProfiles', filtered);
    expect(filtered.body.profiles.map((p: { id: string }) => p.id)).toEqual([second.body.profile.id]);

    const withDiagnostics = await server.http.get('/api/llm/profiles?includeDiagnostics=true').set(server.auth);
    expectContract('listProfiles', withDiagnostics);
    expect(Array.isArray(withDiagnostics.body.diagnostics)).toBe(true);
  });

  test('an API key is write-only: never in a response, never in plaintext on disk', async () => {
    const input = azure();
    const res = await create(input);
    expect(res.status).toBe(201);
    expect(res.body.profile.hasApiKey).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(input.apiKey);
    const list = await server.http.get('/api/llm/profiles').set(server.auth);
    expect(JSON.stringify(list.body)).not.toContain(input.apiKey);
    const disk = await readFile(server.service.paths.vaultFile, 'utf8');
    expect(disk).not.toContain(input.apiKey as string);
    expect(disk).not.toContain(Buffer.from(input.apiKey as string).toString('base64'));
  });

  test('unknown ids answer 404 PROFILE_NOT_FOUND as problem+json', async () => {
    const res = await server.http.get('/api/llm/profiles/3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90').set(server.auth);
    expectContract('getProfile', res);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('PROFILE_NOT_FOUND');
    expect(res.body.userMessage.length).toBeGreaterThan(0);
    expect(res.body.remediation.length).toBeGreaterThan(0);
  });
});

describe('update', () => {
  test('renames, and answers a new ETag; If-Match with a stale ETag is 412 and changes nothing', async () => {
    const created = await create(localLlama());
    const id = created.body.profile.id;
    const etag = created.headers.etag as string;
    const renamed = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .set('If-Match', etag)
      .send({ changes: { name: 'Renamed' } });
    expectContract('updateProfile', renamed);
    expect(renamed.status).toBe(200);
    expect(renamed.body.profile.name).toBe('Renamed');
    expect(renamed.headers.etag).not.toBe(etag);

    const stale = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .set('If-Match', etag)
      .send({ changes: { name: 'Again' } });
    expectContract('updateProfile', stale);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    const after = await server.http.get(`/api/llm/profiles/${id}`).set(server.auth);
    expect(after.body.profile.name).toBe('Renamed');
  });

  test('apiKey absent keeps the key, null clears it, a string replaces it', async () => {
    const created = await create(localLlama({ apiKey: 'local-key-1' }));
    const id = created.body.profile.id;
    const kept = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'other-model' } });
    expect(kept.body.profile).toMatchObject({ hasApiKey: true, modelId: 'other-model' });
    const cleared = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { apiKey: null } });
    expectContract('updateProfile', cleared);
    expect(cleared.body.profile.hasApiKey).toBe(false);
    const replaced = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { apiKey: 'local-key-2' } });
    expect(replaced.body.profile.hasApiKey).toBe(true);
  });

  test('a saved key never follows a profile to a new origin or provider type', async () => {
    const created = await create(localLlama({ apiKey: 'local-key-1' }));
    const id = created.body.profile.id;
    const moved = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { endpointUrl: 'http://127.0.0.1:9931' } });
    expectContract('updateProfile', moved);
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/changes/apiKey');

    const retyped = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { providerType: 'custom' } });
    expect(retyped.status).toBe(400);

    const movedWithKey = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { endpointUrl: 'http://127.0.0.1:9931', apiKey: 'local-key-2' } });
    expect(movedWithKey.status).toBe(200);
    const samePathChange = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { endpointUrl: 'http://127.0.0.1:9931/v1' } });
    expect(samePathChange.status).toBe(200);
  });

  test('isActive is not writable and changes must change something', async () => {
    const created = await create(localLlama());
    const id = created.body.profile.id;
    for (const changes of [{ isActive: false }, {}]) {
      const res = await server.http.patch(`/api/llm/profiles/${id}`).set(server.auth).send({ changes });
      expectContract('updateProfile', res);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  test('renaming onto another profile name (any case, spaces) is 409 DUPLICATE_PROFILE_NAME', async () => {
    const a = await create(localLlama({ name: 'Alpha' }));
    await create(localOllama({ name: 'Beta' }));
    const res = await server.http
      .patch(`/api/llm/profiles/${a.body.profile.id}`)
      .set(server.auth)
      .send({ changes: { name: '  bETA ' } });
    expectContract('updateProfile', res);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('DUPLICATE_PROFILE_NAME');
  });
});

describe('delete', () => {
  test('deleting the active profile needs a successor, which becomes active in the same write', async () => {
    const a = (await create(localLlama())).body.profile;
    const b = (await create(localOllama())).body.profile;

    const refused = await server.http.delete(`/api/llm/profiles/${a.id}`).set(server.auth);
    expectContract('deleteProfile', refused);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ACTIVE_PROFILE_REQUIRED');

    for (const successor of [a.id, '9b2e4c1d-3a5f-4e7b-8c9d-0e1f2a3b4c5d']) {
      const bad = await server.http.delete(`/api/llm/profiles/${a.id}?successorProfileId=${successor}`).set(server.auth);
      expectContract('deleteProfile', bad);
      expect(bad.status).toBe(409);
      expect(bad.body.code).toBe('ALTERNATE_NOT_FOUND');
    }

    const done = await server.http.delete(`/api/llm/profiles/${a.id}?successorProfileId=${b.id}`).set(server.auth);
    expectContract('deleteProfile', done);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ deletedId: a.id, activeProfileId: b.id });
    const gone = await server.http.get(`/api/llm/profiles/${a.id}`).set(server.auth);
    expect(gone.status).toBe(404);
  });

  test('an inactive profile deletes without a successor; a bad successor is refused even then', async () => {
    const a = (await create(localLlama())).body.profile;
    const b = (await create(localOllama())).body.profile;
    const bad = await server.http.delete(`/api/llm/profiles/${b.id}?successorProfileId=${b.id}`).set(server.auth);
    expect(bad.status).toBe(409);
    expect(bad.body.code).toBe('ALTERNATE_NOT_FOUND');
    const res = await server.http.delete(`/api/llm/profiles/${b.id}?successorProfileId=${a.id}`).set(server.auth);
    expect(res.status).toBe(200);
    expect(res.body.activeProfileId).toBe(a.id);
  });

  test('the last profile deletes without a successor and leaves no active profile', async () => {
    const a = (await create(localLlama())).body.profile;
    const res = await server.http.delete(`/api/llm/profiles/${a.id}`).set(server.auth);
    expectContract('deleteProfile', res);
    expect(res.body).toMatchObject({ deletedId: a.id, activeProfileId: null });
    const again = await server.http.delete(`/api/llm/profiles/${a.id}`).set(server.auth);
    expectContract('deleteProfile', again);
    expect(again.status).toBe(404);
  });

  test('If-Match on delete: a stale ETag is 412', async () => {
    const a = await create(localLlama());
    const res = await server.http.delete(`/api/llm/profiles/${a.body.profile.id}`).set(server.auth).set('If-Match', '"stale"');
    expectContract('deleteProfile', res);
    expect(res.status).toBe(412);
  });
});

describe('activate', () => {
  test('switches the active profile and reports the previous one; re-activating changes nothing', async () => {
    const a = (await create(localLlama())).body.profile;
    const b = (await create(localOllama())).body.profile;
    const res = await server.http.post(`/api/llm/profiles/${b.id}/activate`).set(server.auth);
    expectContract('activateProfile', res);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ previousActiveId: a.id, changed: true });
    expect(res.body.activeProfile).toMatchObject({ id: b.id, isActive: true });

    const before = await readFile(server.service.paths.vaultFile);
    const again = await server.http.post(`/api/llm/profiles/${b.id}/activate`).set(server.auth).send({});
    expectContract('activateProfile', again);
    expect(again.body).toMatchObject({ previousActiveId: null, changed: false });
    expect(await readFile(server.service.paths.vaultFile)).toEqual(before);

    const missing = await server.http.post('/api/llm/profiles/9b2e4c1d-3a5f-4e7b-8c9d-0e1f2a3b4c5d/activate').set(server.auth);
    expectContract('activateProfile', missing);
    expect(missing.status).toBe(404);
  });
});
