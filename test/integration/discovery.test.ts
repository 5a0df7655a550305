/** Discovery over HTTP: fingerprint emulators on random loopback ports, pointed at by config. */
import { startFingerprintEmulator, SMALL_SERVER, type FingerprintEmulator } from '../support/emulators/fingerprints/index.js';
import { forwardPort } from '../support/emulators/fingerprints/network-side.js';
import { startEmulator } from '../support/emulators/providers/index.js';
import { expectContract } from '../support/contract.js';
import { withoutTimers } from '../support/no-timers.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const emulators: FingerprintEmulator[] = [];

interface Finding {
  serverKind: string;
  providerType: string;
  endpointUrl: string;
  status: string;
  existingProfileId: string | null;
  models: string[];
}

beforeAll(async () => {
  for (const kind of ['ollama', 'llama.cpp', 'llama.cpp-loading', 'lmstudio', 'vllm', 'koboldcpp', 'html-everywhere'] as const) {
    emulators.push(await startFingerprintEmulator(kind));
  }
  server = await startTestServer({
    discovery: { localHosts: ['127.0.0.1', 'localhost'], ports: emulators.map((e) => e.port) },
    rateLimits: { test: { limit: 30, windowMs: 60_000 }, discover: { limit: 100, windowMs: 60_000 } },
  });
});

afterAll(async () => {
  await server.close();
  await Promise.all(emulators.map((e) => e.close()));
});

/** The longest deadline the contract allows: these tests are about what is found, not how soon, on a machine of any load. */
async function discover(scope: object) {
  const res = await server.http
    .post('/api/llm/profiles/discover')
    .set(server.auth)
    .send({ scope: { strategy: 'local', timeoutMs: 5000, ...scope } });
  expectContract('discoverProviders', res);
  expect(res.status).toBe(200);
  return res.body as { providers: Finding[]; cached: boolean; scannedAt: string };
}

test('each server is named by what it answers, the unrelated one is not reported, models are listed, duplicates are merged', async () => {
  const { providers, cached } = await discover({ force: true });
  expect(cached).toBe(false);
  const byPort = new Map(providers.map((p) => [Number(new URL(p.endpointUrl).port), p]));
  const kindOf = (i: number) => byPort.get(emulators[i]?.port as number);
  expect(kindOf(0)).toMatchObject({ serverKind: 'ollama', providerType: 'ollama', status: 'available' });
  expect(kindOf(0)?.models.length).toBeGreaterThan(0);
  expect(kindOf(1)).toMatchObject({ serverKind: 'llama.cpp', providerType: 'llama.cpp', status: 'available' });
  expect(kindOf(2)).toMatchObject({ serverKind: 'llama.cpp', status: 'loading' });
  expect(kindOf(3)).toMatchObject({ serverKind: 'lmstudio', providerType: 'custom' });
  expect(kindOf(4)).toMatchObject({ serverKind: 'vllm', providerType: 'custom' });
  expect(kindOf(5)).toMatchObject({ serverKind: 'koboldcpp', providerType: 'custom' });
  expect(kindOf(6)).toBeUndefined();
  // localhost and 127.0.0.1 were both probed: one finding per server.
  expect(providers).toHaveLength(6);
});

test('saved profiles mark findings already-configured or conflict; discovery itself creates nothing', async () => {
  const ollama = emulators[0] as FingerprintEmulator;
  const llama = emulators[1] as FingerprintEmulator;
  const same = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: { name: 'My Ollama', providerType: 'ollama', endpointUrl: `http://localhost:${ollama.port}/` } });
  // llama.cpp also speaks OpenAI's protocol at /v1, so a custom profile there works: not a conflict.
  const custom = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: { name: 'OpenAI-style llama', providerType: 'custom', endpointUrl: `http://127.0.0.1:${llama.port}/v1` } });
  const lmstudio = emulators[3] as FingerprintEmulator;
  const wrong = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: { name: 'Wrong type', providerType: 'ollama', endpointUrl: `http://127.0.0.1:${lmstudio.port}`, modelId: 'qwen2.5-7b-instruct' } });
  expect([same.status, custom.status, wrong.status]).toEqual([201, 201, 201]);

  const { providers, cached } = await discover({});
  expect(cached).toBe(true);
  const find = (port: number) => providers.find((p) => Number(new URL(p.endpointUrl).port) === port);
  expect(find(ollama.port)).toMatchObject({ status: 'already-configured', existingProfileId: same.body.profile.id });
  expect(find(llama.port)).toMatchObject({ status: 'already-configured', existingProfileId: custom.body.profile.id, providerType: 'llama.cpp' });
  expect(find(lmstudio.port)).toMatchObject({ status: 'conflict', existingProfileId: wrong.body.profile.id });

  const without = await discover({ includeExisting: false });
  expect(without.providers.find((p) => p.status === 'already-configured')).toBeUndefined();
  const list = await server.http.get('/api/llm/profiles').set(server.auth);
  expect(list.body.profiles).toHaveLength(3);
});

test('no request to any emulator carried credentials or an Origin', () => {
  const headers = emulators.flatMap((e) => e.requests.map((r) => r.headers));
  expect(headers.length).toBeGreaterThan(0);
  for (const h of headers) {
    expect(h.authorization).toBeUndefined();
    expect(h['api-key']).toBeUndefined();
    expect(h['x-api-key']).toBeUndefined();
    expect(h.origin).toBeUndefined();
  }
});

test('a remote scan of a link-local address is a 400 with a field error', async () => {
  const res = await server.http
    .post('/api/llm/profiles/discover')
    .set(server.auth)
    .send({ scope: { strategy: 'remote', hosts: ['169.254.169.254'] } });
  expectContract('discoverProviders', res);
  expect(res.status).toBe(400);
  expect(res.body.errors[0].pointer).toBe('/body/scope/hosts/0');
});

test('one deadline: all candidates closed returns without waiting for it; a black-holed candidate is given up at timeoutMs', async () => {
  const closedPorts: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    const probe = await startFingerprintEmulator('ollama');
    closedPorts.push(probe.port);
    await probe.close();
  }
  const silent = await startFingerprintEmulator('silent');
  const ollama = await startFingerprintEmulator('ollama');
  const quiet = await startTestServer({ discovery: { ports: closedPorts } });
  const holed = await startTestServer({ discovery: { ports: [...closedPorts, silent.port, ollama.port] } });
  try {
    const scan = (target: TestServer, timeoutMs: number) =>
      target.http
        .post('/api/llm/profiles/discover')
        .set(target.auth)
        .send({ scope: { strategy: 'local', timeoutMs, force: true } });
    // Refused connections end the scan: it answers while no timer can fire, so not by waiting out its deadline.
    const closed = await withoutTimers(() => scan(quiet, 5000));
    expect(closed.status).toBe(200);
    expect(closed.body.providers).toEqual([]);

    // A silent server is given up on at the deadline; ten times it still proves the deadline applied.
    const t1 = performance.now();
    const res = await scan(holed, 1000);
    const holedMs = performance.now() - t1;
    expect(res.status).toBe(200);
    expect(holedMs).toBeLessThan(10_000);
    expect(res.body.providers.map((p: Finding) => p.serverKind)).toEqual(['ollama']);
  } finally {
    await quiet.close();
    await holed.close();
    await silent.close();
    await ollama.close();
  }
});

test('a keyed llama.cpp with a backlog of 5 is auth-required, with its models, over the API', async () => {
  const keyed = await startFingerprintEmulator('llama.cpp-keyed', SMALL_SERVER);
  const own = await startTestServer({ discovery: { ports: [keyed.port] } });
  try {
    const res = await own.http
      .post('/api/llm/profiles/discover')
      .set(own.auth)
      .send({ scope: { strategy: 'local', force: true, timeoutMs: 5000 } });
    expectContract('discoverProviders', res);
    expect(res.body.providers).toHaveLength(1);
    // Its build is in /props, which the key guards.
    expect(res.body.providers[0]).toMatchObject({ serverKind: 'llama.cpp', status: 'auth-required', version: null, models: keyed.models, advisories: [] });
  } finally {
    await own.close();
    await keyed.close();
  }
});

describe('a local server open to the network (127.0.0.2 standing for this computer’s network address)', () => {
  const NETWORK = '127.0.0.2';

  test('discovery reports the exposure with its remedy; the diagnostics record the count, never the address', async () => {
    const ollama = await startFingerprintEmulator('ollama', { alsoOn: [NETWORK], version: '0.1.33' });
    const own = await startTestServer({ discovery: { ports: [ollama.port], networkAddresses: [NETWORK] } });
    try {
      const res = await own.http
        .post('/api/llm/profiles/discover')
        .set(own.auth)
        .set('Accept-Language', 'es')
        .send({ scope: { strategy: 'local', force: true, timeoutMs: 5000 } });
      expectContract('discoverProviders', res);
      const [finding] = res.body.providers;
      expect(finding.exposure).toEqual({ reachableFromNetwork: true, requiresAuth: false, addresses: [NETWORK] });
      expect(finding.notes[0]).toMatch(/OLLAMA_HOST=127\.0\.0\.1/);
      expect(finding.advisories.map((a: { id: string }) => a.id)).toContain('CVE-2024-37032');
      expect(finding.advisories.find((a: { id: string }) => a.id === 'CVE-2024-37032').remediation).toMatch(/0\.1\.34 o posterior/);

      await own.service.deps.diagnostics.flush();
      const trail = await own.http.get('/api/llm/diagnostics?limit=500').set(own.auth);
      const line = trail.body.entries.find((e: { operationId: string }) => e.operationId === 'discoverProviders');
      expect(line.meta).toMatchObject({ exposedFindings: 1, advisories: finding.advisories.length });
      expect(JSON.stringify(trail.body)).not.toContain(NETWORK);
    } finally {
      await own.close();
      await ollama.close();
    }
  });

  test('a saved profile’s test outcome carries the same exposure note when its server is open; not when it is not', async () => {
    const provider = await startEmulator('ollama');
    const port = Number(new URL(provider.url).port);
    const own = await startTestServer({ discovery: { ports: [], networkAddresses: [NETWORK] } });
    try {
      const created = await own.http
        .post('/api/llm/profiles')
        .set(own.auth)
        .send({ profile: { name: 'Local Ollama', providerType: 'ollama', endpointUrl: provider.url, modelId: 'llama3.2' } });
      expect(created.status).toBe(201);
      const test = () => own.http.post(`/api/llm/profiles/${created.body.profile.id}/test`).set(own.auth).send({});

      const closed = await test();
      expectContract('testProfile', closed);
      expect(closed.body.exposure).toBeUndefined();

      const side = await forwardPort(NETWORK, port);
      try {
        const open = await test();
        expectContract('testProfile', open);
        expect(open.body.exposure).toEqual({ reachableFromNetwork: true, requiresAuth: false, addresses: [NETWORK] });
        expect(open.body.notes[0]).toBe(
          `Ollama is reachable from other computers and has no password. Set OLLAMA_HOST=127.0.0.1 and restart it, or block port ${port} in your firewall.`,
        );
        expect(side.connections).toEqual([NETWORK]);
      } finally {
        await side.close();
      }
      await own.service.deps.diagnostics.flush();
      const trail = await own.http.get('/api/llm/diagnostics?limit=500').set(own.auth);
      const tests = trail.body.entries.filter((e: { operationId: string; kind: string }) => e.operationId === 'testProfile' && e.kind === 'request');
      expect(tests.map((e: { meta: { exposedToNetwork: boolean } }) => e.meta.exposedToNetwork)).toEqual([false, true]);
      expect(JSON.stringify(trail.body)).not.toContain(NETWORK);
    } finally {
      await own.close();
      await provider.close();
    }
  });
});
