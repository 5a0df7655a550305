/**
 * What real servers showed that documentation-built emulators did not: a keyed llama.cpp keeps
 * /v1/models public, llama.cpp takes 5 pending connections, vLLM's key leaves /version open,
 * KoboldCpp imitates Ollama's /api/tags and answers unknown paths in plain text.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_DISCOVERY_PORTS, DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { MAX_IN_FLIGHT_PER_SERVER } from '../../../src/discovery/scan.js';
import { SMALL_SERVER, startFingerprintEmulator, startFingerprintEmulators, type FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { findingAt, SCAN_MS, TIMEOUT_RANGE } from './support.js';

const scanOf = (...emulators: FingerprintEmulator[]): DiscoveryService =>
  new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: emulators.map((e) => e.port) });

describe('a keyed llama.cpp', () => {
  let keyed: FingerprintEmulator;
  beforeAll(async () => {
    keyed = await startFingerprintEmulator('llama.cpp-keyed');
  });
  afterAll(async () => keyed.close());

  test('answers /v1/models without the key, so only /props shows it: auth-required, models still listed', async () => {
    const { providers } = await scanOf(keyed).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ serverKind: 'llama.cpp', providerType: 'llama.cpp', status: 'auth-required', models: keyed.models });
    expect(providers[0]?.remediation).toMatch(/API key/);
    // The 401 came from a path the key guards; the public list was answered.
    expect(keyed.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/v1/models', '/props']));
  });
});

describe('llama.cpp is named by its Server header', () => {
  test('two requests are enough: the list (which carries the header) and /props for the build', async () => {
    const llama = await startFingerprintEmulator('llama.cpp');
    try {
      const { providers } = await scanOf(llama).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]).toMatchObject({ serverKind: 'llama.cpp', status: 'available', version: 'b4500-adc5dd92' });
      expect(llama.requests.map((r) => r.path).sort()).toEqual(['/props', '/v1/models']);
    } finally {
      await llama.close();
    }
  });

  test('loading answers 503 on every path, before the key check: loading, not auth-required', async () => {
    const loading = await startFingerprintEmulator('llama.cpp-loading');
    try {
      const { providers } = await scanOf(loading).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]).toMatchObject({ serverKind: 'llama.cpp', status: 'loading' });
    } finally {
      await loading.close();
    }
  });
});

describe('a server that speaks several protocols', () => {
  let llama: FingerprintEmulator;
  beforeAll(async () => {
    llama = await startFingerprintEmulator('llama.cpp');
  });
  afterAll(async () => llama.close());

  test('a custom (OpenAI-compatible) profile at llama.cpp’s /v1 works there: already-configured, not a conflict', async () => {
    const custom = { id: randomUUID(), providerType: 'custom', endpointUrl: `http://127.0.0.1:${llama.port}/v1` };
    const { providers } = await scanOf(llama).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [custom], 'en');
    expect(findingAt(providers, llama)).toMatchObject({ serverKind: 'llama.cpp', providerType: 'llama.cpp', status: 'already-configured', existingProfileId: custom.id });
  });

  test('an ollama profile there cannot work (llama.cpp has no /api/chat): conflict', async () => {
    const wrong = { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://127.0.0.1:${llama.port}` };
    const { providers } = await scanOf(llama).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [wrong], 'en');
    expect(findingAt(providers, llama)).toMatchObject({ status: 'conflict', existingProfileId: wrong.id });
  });
});

describe('vLLM and KoboldCpp as they really answer', () => {
  test('a keyed vLLM still tells its version on /version: named vllm, with the version, auth-required', async () => {
    const vllm = await startFingerprintEmulator('vllm-keyed', { version: '0.11.0' });
    try {
      const { providers } = await scanOf(vllm).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]).toMatchObject({ serverKind: 'vllm', providerType: 'custom', status: 'auth-required', version: '0.11.0', models: [] });
      expect(vllm.requests.some((r) => r.path === '/version')).toBe(true);
    } finally {
      await vllm.close();
    }
  });

  test('KoboldCpp imitating Ollama’s /api/tags and /api/version, with a plain-text 404, is KoboldCpp', async () => {
    const kobold = await startFingerprintEmulator('koboldcpp', { version: '1.102' });
    try {
      const { providers } = await scanOf(kobold).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]).toMatchObject({ serverKind: 'koboldcpp', providerType: 'custom', version: '1.102', models: kobold.models });
    } finally {
      await kobold.close();
    }
  });

  test('the default ports include llama.cpp’s old 8080 and new 9931', () => {
    expect(DEFAULT_DISCOVERY_PORTS).toEqual(expect.arrayContaining([8080, 9931]));
  });
});

describe('small servers are not flooded', () => {
  test('llama.cpp with a backlog of 5 and 3 workers: the version comes back on every scan', async () => {
    const llama = await startFingerprintEmulator('llama.cpp', SMALL_SERVER);
    try {
      const service = scanOf(llama);
      for (let i = 0; i < 5; i += 1) {
        const { providers } = await service.discover({ strategy: 'local', force: true, timeoutMs: SCAN_MS }, [], 'en');
        expect(providers[0]).toMatchObject({ serverKind: 'llama.cpp', version: 'b4500-adc5dd92', models: llama.models });
      }
      expect(llama.peakConnections()).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_SERVER);
    } finally {
      await llama.close();
    }
  });

  test('five servers with a backlog of 5: every version and model list, ten scans in a row', async () => {
    const kinds = ['ollama', 'llama.cpp', 'lmstudio', 'vllm', 'koboldcpp'] as const;
    const emulators = await startFingerprintEmulators([...kinds], SMALL_SERVER);
    try {
      const service = scanOf(...kinds.map((kind) => emulators[kind]));
      const expected = { ollama: '0.5.7', 'llama.cpp': 'b4500-adc5dd92', lmstudio: null, vllm: '0.6.3', koboldcpp: '1.80' };
      for (let i = 0; i < 10; i += 1) {
        const { providers } = await service.discover({ strategy: 'local', force: true, timeoutMs: SCAN_MS }, [], 'en');
        for (const kind of kinds) {
          expect({ scan: i, kind, finding: findingAt(providers, emulators[kind]) }).toMatchObject({
            finding: { serverKind: kind, version: expected[kind], models: emulators[kind].models },
          });
        }
      }
      for (const kind of kinds) expect(emulators[kind].peakConnections()).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_SERVER);
    } finally {
      await emulators.closeAll();
    }
  });
});
