import { DiscoveryService, type DiscoveryFinding } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulators, startFingerprintEmulator, type EmulatorKind } from '../../support/emulators/fingerprints/index.js';
import { schemaProblems } from '../../support/contract.js';
import { findingAt, SCAN_MS, TIMEOUT_RANGE } from './support.js';

const KINDS = [
  'ollama',
  'llama.cpp',
  'llama.cpp-loading',
  'lmstudio',
  'vllm',
  'koboldcpp',
  'localai',
  'textgen-webui',
  'jan',
  'html-everywhere',
  'empty-json-everywhere',
] as const satisfies readonly EmulatorKind[];

type Emulators = Awaited<ReturnType<typeof startFingerprintEmulators<(typeof KINDS)[number]>>>;

describe('discovery names each server by what it answers', () => {
  let emulators: Emulators;
  let service: DiscoveryService;
  let providers: DiscoveryFinding[];

  beforeAll(async () => {
    emulators = await startFingerprintEmulators([...KINDS]);
    service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: KINDS.map((kind) => emulators[kind].port) });
    ({ providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en'));
  });

  afterAll(async () => {
    await emulators.closeAll();
  });

  const at = (kind: (typeof KINDS)[number]): DiscoveryFinding | undefined => findingAt(providers, emulators[kind]);

  test('Ollama: kind, root endpoint, models from /api/tags and version', () => {
    expect(at('ollama')).toMatchObject({
      serverKind: 'ollama',
      providerType: 'ollama',
      endpointUrl: `http://127.0.0.1:${emulators.ollama.port}`,
      status: 'available',
      models: ['llama3.2:latest', 'qwen2.5:7b'],
      version: '0.5.7',
      requiresConsent: false,
      existingProfileId: null,
      notes: [],
      remediation: null,
    });
    expect(at('ollama')?.id).toMatch(/^disc-[0-9a-f]{16}$/);
  });

  test('llama.cpp ready: models from /v1/models, build as version', () => {
    expect(at('llama.cpp')).toMatchObject({
      serverKind: 'llama.cpp',
      providerType: 'llama.cpp',
      endpointUrl: `http://127.0.0.1:${emulators['llama.cpp'].port}`,
      status: 'available',
      models: ['qwen2.5-0.5b-instruct-q4_k_m.gguf'],
      version: 'b4500-adc5dd92',
    });
  });

  test('llama.cpp loading is reported as loading, with a remedy, not as absent', () => {
    const finding = at('llama.cpp-loading');
    expect(finding).toMatchObject({ serverKind: 'llama.cpp', providerType: 'llama.cpp', status: 'loading', models: [] });
    expect(finding?.remediation).toMatch(/loading its model/);
  });

  test('LM Studio: /v1 endpoint, chat models with the loaded one first, embeddings left out', () => {
    expect(at('lmstudio')).toMatchObject({
      serverKind: 'lmstudio',
      providerType: 'custom',
      endpointUrl: `http://127.0.0.1:${emulators.lmstudio.port}/v1`,
      status: 'available',
      models: ['qwen2.5-7b-instruct', 'llama-3.2-1b-instruct'],
    });
  });

  test('vLLM, KoboldCpp (not mistaken for Ollama despite /api/tags), LocalAI and text-generation-webui', () => {
    expect(at('vllm')).toMatchObject({ serverKind: 'vllm', providerType: 'custom', version: '0.6.3', models: ['Qwen/Qwen2.5-1.5B-Instruct'] });
    expect(at('koboldcpp')).toMatchObject({
      serverKind: 'koboldcpp',
      providerType: 'custom',
      endpointUrl: `http://127.0.0.1:${emulators.koboldcpp.port}/v1`,
      version: '1.80',
      models: ['koboldcpp/Llama-3.2-1B-Instruct-Q4_K_M'],
    });
    expect(at('localai')).toMatchObject({ serverKind: 'localai', providerType: 'custom', version: 'v2.24.2', models: ['phi-2', 'gpt-4'] });
    expect(at('textgen-webui')).toMatchObject({ serverKind: 'textgen-webui', providerType: 'custom', models: ['Llama-3.2-1B-Instruct'] });
  });

  test('a server that wants a key is auth-required, with a remedy and a note that models are not listed', () => {
    const finding = at('jan');
    // Off Jan's own port a 401 only says "a keyed OpenAI-compatible server".
    expect(finding).toMatchObject({ serverKind: 'openai-compatible', providerType: 'custom', status: 'auth-required', models: [] });
    expect(finding?.remediation).toMatch(/API key/);
    expect(finding?.notes.join(' ')).toMatch(/did not list its models/);
  });

  test('servers answering 200 with the same HTML or {} to every path are not reported', () => {
    expect(at('html-everywhere')).toBeUndefined();
    expect(at('empty-json-everywhere')).toBeUndefined();
    expect(providers).toHaveLength(KINDS.length - 2);
  });

  test('every finding matches the contract, in both languages and with saved profiles marked', async () => {
    const saved = [
      { id: '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90', providerType: 'ollama', endpointUrl: emulators.ollama.url },
      { id: '9b2d4e61-0a3c-4c5e-8f7a-1d2e3f4a5b6c', providerType: 'ollama', endpointUrl: emulators['llama.cpp-loading'].url },
    ];
    const marked = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, saved, 'es');
    expect(marked.providers.map((finding) => finding.status)).toEqual(expect.arrayContaining(['already-configured', 'conflict']));
    expect([...providers, ...marked.providers].flatMap((finding) => schemaProblems('DiscoveryFinding', finding))).toEqual([]);
  });

  test('no probe carries a credential, an Origin or a cookie', () => {
    const all = KINDS.flatMap((kind) => emulators[kind].requests);
    for (const kind of KINDS) expect(emulators[kind].requests.length).toBeGreaterThan(0);
    const leaking = all.filter((r) => ['authorization', 'api-key', 'x-api-key', 'origin', 'cookie', 'proxy-authorization'].some((h) => h in r.headers));
    expect(leaking).toEqual([]);
    expect(all.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('discovery answers', () => {
  test('are localised: Spanish remedy and kind name', async () => {
    const loading = await startFingerprintEmulator('llama.cpp-loading');
    try {
      const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [loading.port] });
      const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'es');
      expect(providers[0]?.remediation).toBe('El servidor de llama.cpp todavía está cargando su modelo. Espera a que termine y vuelve a buscar o prueba el perfil.');
    } finally {
      await loading.close();
    }
  });

  test('stop reading at the body cap: an oversized model list is not parsed, the server is still named', async () => {
    const models = Array.from({ length: 200 }, (_, i) => `model-with-a-long-name-${i}:latest`);
    const ollama = await startFingerprintEmulator('ollama', { models });
    try {
      const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [ollama.port], probeBodyCapBytes: 1024 });
      const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers).toHaveLength(1);
      expect(providers[0]).toMatchObject({ serverKind: 'ollama', models: [], version: '0.5.7' });
      expect(providers[0]?.notes.join(' ')).toMatch(/did not list its models/);
    } finally {
      await ollama.close();
    }
  });
});
