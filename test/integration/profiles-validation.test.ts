/**
 * Bad input answers a clear 4xx with field errors and changes nothing. Requests go through the
 * package's typed client (every answer checked against the contract); a value the types forbid is
 * sent through `forbidden()`. Malformed JSON and non-JSON media types are sent with supertest: the
 * client only sends JSON bodies it serialises itself.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type components, type operations, providerTypeValues } from '../../generated/llm-profiles.js';
import type { ProfilesClient } from '../../src/client/index.js';
import { expectContract } from '../support/contract.js';
import { assertInvariants } from '../support/invariants.js';
import { CONSENT, azure, localLlama } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { contractClient, forbidden } from '../support/typed-client.js';

type CreateProfileRequest = components['schemas']['CreateProfileRequest'];
type ListProfilesQuery = operations['listProfiles']['parameters']['query'];

let server: TestServer;
let client: ProfilesClient;

beforeAll(async () => {
  server = await startTestServer();
  client = contractClient(server);
  const seed = await client.POST('/api/llm/profiles', { body: { profile: localLlama({ name: 'Taken Name' }) } });
  expect(seed.response.status).toBe(201);
});

afterAll(async () => {
  await assertInvariants(server);
  await server.close();
});

async function vaultHash(): Promise<string> {
  return createHash('sha256')
    .update(await readFile(server.service.paths.vaultFile))
    .digest('hex');
}

const base = () => localLlama();

// Bodies the contract refuses; most of them its types refuse too, so each is sent through forbidden().
const invalidCreates: [string, unknown, number, string?][] = [
  ['missing profile', {}, 400, '/body/profile'],
  ['missing name', { profile: { providerType: 'llama.cpp', endpointUrl: 'http://127.0.0.1:8080' } }, 400, '/body/profile/name'],
  ['missing endpointUrl', { profile: { name: 'x', providerType: 'ollama' } }, 400, '/body/profile/endpointUrl'],
  ['wrong type for name', { profile: { ...base(), name: 42 } }, 400, '/body/profile/name'],
  ['wrong type for modelId', { profile: { ...base(), modelId: ['a'] } }, 400, '/body/profile/modelId'],
  ['extra field in profile', { profile: { ...base(), isActive: true } }, 400, '/body/profile/isActive'],
  ['extra top-level field', { profile: base(), sneaky: 1 }, 400, '/body/sneaky'],
  ['over-long name', { profile: { ...base(), name: 'n'.repeat(101) } }, 400, '/body/profile/name'],
  ['blank name', { profile: { ...base(), name: '   ' } }, 400, '/body/profile/name'],
  ['unknown provider type', { profile: { ...base(), providerType: 'gpt' } }, 400, '/body/profile/providerType'],
  ['not a URL', { profile: { ...base(), endpointUrl: 'not a url' } }, 400, '/body/profile/endpointUrl'],
  ['ftp URL', { profile: { ...base(), endpointUrl: 'ftp://127.0.0.1/models' } }, 400, '/body/profile/endpointUrl'],
  [
    'http to a public host',
    { profile: { ...base(), providerType: 'custom', endpointUrl: 'http://api.example.com/v1', apiKey: 'k', consentTimestamp: CONSENT } },
    400,
    '/body/profile/endpointUrl',
  ],
  ['user info in URL', { profile: { ...base(), endpointUrl: 'http://user:pass@127.0.0.1:8080' } }, 400, '/body/profile/endpointUrl'],
  ['fragment in URL', { profile: { ...base(), endpointUrl: 'http://127.0.0.1:8080/#x' } }, 400, '/body/profile/endpointUrl'],
  ['key in the query', { profile: { ...base(), endpointUrl: 'http://127.0.0.1:8080/?api_key=abc' } }, 400, '/body/profile/endpointUrl'],
  ['cloud metadata address', { profile: { ...base(), endpointUrl: 'http://169.254.169.254/latest', consentTimestamp: CONSENT } }, 400, '/body/profile/endpointUrl'],
  ['unspecified address', { profile: { ...base(), endpointUrl: 'http://0.0.0.0:8080', consentTimestamp: CONSENT } }, 400, '/body/profile/endpointUrl'],
  ['missing consent for a LAN host', { profile: { ...base(), endpointUrl: 'http://192.168.1.5:8080' } }, 400, '/body/profile/consentTimestamp'],
  ['bad consent timestamp', { profile: { ...base(), consentTimestamp: 'yesterday' } }, 400, '/body/profile/consentTimestamp'],
  ['azure without key', { profile: { ...azure(), apiKey: undefined } }, 400, '/body/profile/apiKey'],
  ['azure without deployment', { profile: { ...azure(), modelId: null } }, 400, '/body/profile/modelId'],
  ['azure on a non-Azure host', { profile: azure({ endpointUrl: 'https://evil.example.com' }) }, 400, '/body/profile/endpointUrl'],
  [
    'anthropic without key',
    { profile: { name: 'c', providerType: 'anthropic', endpointUrl: 'https://api.anthropic.com', consentTimestamp: CONSENT } },
    400,
    '/body/profile/apiKey',
  ],
  [
    'remote custom without key',
    { profile: { name: 'o', providerType: 'custom', endpointUrl: 'https://api.openai.com/v1', consentTimestamp: CONSENT } },
    400,
    '/body/profile/apiKey',
  ],
  ['duplicate name', { profile: { ...base(), name: ' taken name ' } }, 409, '/body/profile/name'],
  ['context with a bad operator id', { profile: base(), context: { operatorId: 'has spaces' } }, 400, '/body/context/operatorId'],
];

describe('invalid creates answer a clear 4xx with field errors and change nothing', () => {
  test.each(invalidCreates)('%s', async (_label, body, status, pointer) => {
    const before = await vaultHash();
    const res = await client.POST('/api/llm/profiles', { body: forbidden<CreateProfileRequest>(body) });
    expect(res.response.status).toBe(status);
    expect(res.error?.errors?.length ?? 0).toBeGreaterThan(0);
    if (pointer) expect(res.error!.errors!.map((e) => e.pointer)).toContain(pointer);
    for (const e of res.error!.errors!) expect(e.message.length).toBeGreaterThan(0);
    expect(await vaultHash()).toBe(before);
  });
});

test('a loopback endpoint is allowed for every provider type, with http or https', async () => {
  for (const providerType of providerTypeValues) {
    for (const scheme of ['http', 'https']) {
      const res = await client.POST('/api/llm/profiles', {
        body: {
          profile: {
            name: `loop ${providerType} ${scheme}`,
            providerType,
            endpointUrl: `${scheme}://localhost:${providerType.length + 9000}`,
            modelId: 'm',
            apiKey: 'local-proxy-key',
          },
        },
      });
      expect(res.response.status).toBe(201);
      expect(res.data!.profile.locality).toBe('this-device');
    }
  }
});

test('malformed JSON is 400, a non-JSON body is 415, a huge body is 413 — never 500', async () => {
  const before = await vaultHash();
  const malformed = await server.http.post('/api/llm/profiles').set(server.auth).set('Content-Type', 'application/json').send('{"profile":');
  expectContract('createProfile', malformed);
  expect(malformed.status).toBe(400);
  for (const [type, payload] of [
    ['text/plain', 'name=x'],
    ['application/x-www-form-urlencoded', 'profile=x'],
    ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--abc--'],
  ]) {
    const res = await server.http
      .post('/api/llm/profiles')
      .set(server.auth)
      .set('Content-Type', type as string)
      .send(payload as string);
    expectContract('createProfile', res);
    expect(res.status).toBe(415);
  }
  const huge = await client.POST('/api/llm/profiles', { body: { profile: { ...localLlama(), modelId: 'x'.repeat(200_000) } } });
  expect(huge.response.status).toBe(413);
  expect(await vaultHash()).toBe(before);
});

test('query and path parameters are validated too', async () => {
  // 'gpt' is no provider type and foo no parameter: both outside the types, so sent through forbidden().
  const badType = await client.GET('/api/llm/profiles', { params: { query: { providerTypes: forbidden<components['schemas']['ProviderType'][]>(['gpt']) } } });
  expect(badType.response.status).toBe(400);
  const unknownParam = await client.GET('/api/llm/profiles', { params: { query: forbidden<ListProfilesQuery>({ foo: 1 }) } });
  expect(unknownParam.response.status).toBe(400);
  const badId = await client.GET('/api/llm/profiles/{profileId}', { params: { path: { profileId: 'not-a-uuid' } } });
  expect(badId.response.status).toBe(400);
  const badSuccessor = await client.DELETE('/api/llm/profiles/{profileId}', {
    params: { path: { profileId: '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90' }, query: { successorProfileId: 'zzz' } },
  });
  expect(badSuccessor.response.status).toBe(400);
});
