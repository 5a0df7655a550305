/**
 * The model catalogue over HTTP: every provider type lists its models from an emulator that
 * answers the way the real server does, the profile's model is marked (or reported missing),
 * drafts store nothing, Azure says plainly that it cannot list, and a server that answers too
 * much or never is cut off at the limits without a 5xx. Nothing secret leaves the service.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../support/emulators/providers/index.js';
import { startModelEmulator, type ModelEmulator, type ModelEmulatorOptions, type ModelFlavour } from '../support/emulators/providers/model-lists.js';
import { expectContract } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CANARY_KEY = 'sk-models-canary-5e2a-KEY-never-leaks';

let server: TestServer;
const closers: { close(): Promise<void>; violations: string[] }[] = [];
const seen: string[] = [];

async function modelServer(flavour: ModelFlavour, options: ModelEmulatorOptions = {}): Promise<ModelEmulator> {
  const emulator = await startModelEmulator(flavour, options);
  closers.push(emulator);
  return emulator;
}

beforeAll(async () => {
  server = await startTestServer({ rateLimits: { test: { limit: 1000, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } } });
});

afterAll(async () => {
  const violations = closers.flatMap((c) => c.violations);
  await Promise.all(closers.map((c) => c.close()));
  await server.close();
  expect(violations).toEqual([]);
});

let counter = 0;
async function createProfile(profile: Record<string, unknown>): Promise<string> {
  counter += 1;
  const res = await server.http
    .post('/api/llm/profiles')
    .set(server.auth)
    .send({ profile: { name: `Models ${counter}`, ...profile } });
  seen.push(res.text);
  expect(res.status).toBe(201);
  return res.body.profile.id as string;
}

async function listSaved(id: string, query = '', language = 'en') {
  const res = await server.http.get(`/api/llm/profiles/${id}/models${query}`).set(server.auth).set('Accept-Language', language);
  seen.push(res.text, JSON.stringify(res.headers));
  expectContract('listProfileModels', res);
  expect(res.status).toBe(200);
  return res.body;
}

async function listDraft(profile: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await server.http
    .post('/api/llm/profiles/models')
    .set(server.auth)
    .send({ profile: { name: 'Draft', ...profile }, ...extra });
  seen.push(res.text, JSON.stringify(res.headers));
  expectContract('listDraftModels', res);
  expect(res.status).toBe(200);
  return res.body;
}

describe('each provider type lists its models with the fields it can give', () => {
  test('Ollama: installed models with size, family, parameter size, quantisation, and which are loaded', async () => {
    const ollama = await modelServer('ollama');
    const body = await listSaved(await createProfile({ providerType: 'ollama', endpointUrl: ollama.url, modelId: 'llama3.2' }));
    expect(body).toMatchObject({ success: true, providerType: 'ollama', keyChecked: false, truncated: false, selectedMissing: false, errorCode: null, cached: false });
    expect(body.models).toEqual([
      {
        id: 'llama3.2:latest',
        displayName: 'llama3.2:latest',
        loaded: true,
        sizeBytes: 2_019_393_189,
        family: 'llama',
        parameterSize: '3.2B',
        quantisation: 'Q4_K_M',
        selected: true,
      },
      { id: 'qwen2.5:7b', displayName: 'qwen2.5:7b', loaded: false, sizeBytes: 4_683_087_332, family: 'qwen2', parameterSize: '7.6B', quantisation: 'Q4_K_M' },
      {
        id: 'nomic-embed-text:latest',
        displayName: 'nomic-embed-text:latest',
        loaded: false,
        sizeBytes: 2_019_393_189,
        family: 'nomic-bert',
        parameterSize: '3.2B',
        quantisation: 'Q4_K_M',
      },
    ]);
    expect(body.userMessage).toBe('The server lists 3 models.');
    expect(ollama.listRequests()).toEqual(['GET /api/tags', 'GET /api/ps']);
  });

  test('llama.cpp: the model file name (not its path), context length from meta, meta null tolerated; the list proves nothing about the key', async () => {
    const llama = await modelServer('llama.cpp', {
      apiKey: CANARY_KEY,
      models: ['/home/learner/models/qwen2.5-7b-instruct-q4_k_m.gguf', 'C:\\models\\phi-3-mini.gguf', 'my-alias'],
    });
    const body = await listSaved(
      await createProfile({ providerType: 'llama.cpp', endpointUrl: `${llama.url}/v1`, apiKey: CANARY_KEY, modelId: '/home/learner/models/qwen2.5-7b-instruct-q4_k_m.gguf' }),
    );
    expect(body).toMatchObject({ success: true, keyChecked: false, selectedMissing: false });
    expect(body.models).toEqual([
      {
        id: 'qwen2.5-7b-instruct-q4_k_m.gguf',
        displayName: 'qwen2.5-7b-instruct-q4_k_m.gguf',
        contextLength: 32_768,
        sizeBytes: 4_677_120_000,
        parameterSize: '7.6B',
        selected: true,
      },
      { id: 'phi-3-mini.gguf', displayName: 'phi-3-mini.gguf' },
      { id: 'my-alias', displayName: 'my-alias', contextLength: 32_768, sizeBytes: 4_677_120_000, parameterSize: '7.6B' },
    ]);
    expect(body.notes).toContain('This server lists its models without checking the API key; a test prompt checks it.');
  });

  test('OpenAI-compatible: non-chat models (embeddings, speech, images, moderation) are left out and counted', async () => {
    const openai = await modelServer('openai', { apiKey: CANARY_KEY });
    const body = await listSaved(await createProfile({ providerType: 'custom', endpointUrl: `${openai.url}/v1`, apiKey: CANARY_KEY, modelId: 'gpt-4o-mini' }));
    expect(body.models.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(body.models[1]).toEqual({ id: 'gpt-4o-mini', displayName: 'gpt-4o-mini', selected: true });
    expect(body.notes).toContain('5 models that cannot chat (embeddings, speech, images) are not shown.');
    // On loopback a server may ignore keys, so the list is not taken as proof of the key.
    expect(body.keyChecked).toBe(false);
  });

  test("Together's bare array is read whole, filtered on type, with display names and context lengths", async () => {
    const together = await modelServer('together', { apiKey: CANARY_KEY });
    const body = await listSaved(await createProfile({ providerType: 'custom', endpointUrl: `${together.url}/v1`, apiKey: CANARY_KEY }));
    expect(body.models).toEqual([
      { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', displayName: 'Meta Llama 3.3 70B Instruct Turbo', contextLength: 131_072 },
      { id: 'Qwen/Qwen2.5-7B-Instruct-Turbo', displayName: 'Qwen 2.5 7B Instruct Turbo', contextLength: 32_768 },
    ]);
    expect(body).toMatchObject({ success: true, selectedModelId: null, selectedMissing: false });
  });

  test('LM Studio: /api/v0/models gives which model is loaded, its architecture and quantisation; embeddings are left out', async () => {
    const lmstudio = await modelServer('lmstudio');
    const body = await listSaved(await createProfile({ providerType: 'custom', endpointUrl: `${lmstudio.url}/v1`, modelId: 'qwen2.5-7b-instruct' }));
    expect(body.models).toEqual([
      { id: 'qwen2.5-7b-instruct', displayName: 'qwen2.5-7b-instruct', contextLength: 32_768, loaded: true, family: 'qwen2', quantisation: 'Q4_K_M', selected: true },
      { id: 'llava-v1.5-7b', displayName: 'llava-v1.5-7b', contextLength: 4096, loaded: false, family: 'llama', quantisation: 'Q4_0', capabilities: ['vision'] },
    ]);
    expect(lmstudio.listRequests()).toEqual(['GET /api/v0/models']);
  });

  test('OpenRouter-style public list: names, context, vision; /v1 added to a bare address', async () => {
    const openrouter = await modelServer('openrouter');
    const body = await listSaved(await createProfile({ providerType: 'custom', endpointUrl: openrouter.url, apiKey: CANARY_KEY }));
    expect(body.models).toEqual([
      { id: 'openai/gpt-4o', displayName: 'OpenAI: GPT-4o', contextLength: 128_000, capabilities: ['vision'] },
      { id: 'meta-llama/llama-3.3-70b-instruct:free', displayName: 'Meta: Llama 3.3 70B Instruct (free)', contextLength: 131_072 },
    ]);
    expect(body.keyChecked).toBe(false);
    expect(openrouter.listRequests()).toContain('GET /v1/models');
  });

  test('Anthropic: three pages followed through has_more/after_id with x-api-key and anthropic-version; the key is proved', async () => {
    const anthropic = await modelServer('anthropic', { apiKey: CANARY_KEY, pageSize: 3 });
    const body = await listSaved(await createProfile({ providerType: 'anthropic', endpointUrl: anthropic.url, apiKey: CANARY_KEY, modelId: 'claude-haiku-4-5-20251001' }));
    expect(anthropic.listRequests()).toEqual([
      'GET /v1/models?limit=1000',
      'GET /v1/models?limit=1000&after_id=claude-haiku-4-5-20251001',
      'GET /v1/models?limit=1000&after_id=claude-3-haiku-20240307',
    ]);
    expect(body.models).toHaveLength(7);
    expect(body.models[2]).toEqual({ id: 'claude-haiku-4-5-20251001', displayName: 'claude haiku 4 5', selected: true });
    expect(body.models.at(-1).id).toBe('claude-opus-4-20250514');
    expect(body).toMatchObject({ success: true, keyChecked: true, truncated: false });
    expect(body.notes).toEqual([]);
  });

  test('Anthropic with a wrong key: PROVIDER_UNAUTHORIZED with its remedy, in Spanish when asked', async () => {
    const anthropic = await modelServer('anthropic', { apiKey: 'the-right-key' });
    const body = await listSaved(await createProfile({ providerType: 'anthropic', endpointUrl: anthropic.url, apiKey: CANARY_KEY }), '', 'es');
    expect(body).toMatchObject({ success: false, models: null, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false, providerStatus: 401, keyChecked: false });
    expect(body.userMessage).toBe('Anthropic rechazó la clave de API.');
    expect(body.remediation).toEqual(expect.any(String));
  });
});

test("Azure answers a clear 'cannot list deployments with an API key' outcome, not an empty list, and asks nothing", async () => {
  const azure = await startEmulator('azure', { apiKey: CANARY_KEY });
  closers.push(azure);
  const id = await createProfile({ providerType: 'azure', endpointUrl: azure.url, apiKey: CANARY_KEY, modelId: 'gpt4o' });
  const body = await listSaved(id);
  expect(body).toMatchObject({ success: false, models: null, errorCode: 'LISTING_NOT_SUPPORTED', retryable: false, selectedModelId: 'gpt4o', keyChecked: false });
  expect(body.userMessage).toBe("Azure does not let an API key list a resource's deployments.");
  expect(body.remediation).toBe("Type the deployment name from the Azure portal (the resource's Deployments page).");
  const es = await listSaved(id, '', 'es');
  expect(es.remediation).toContain('portal de Azure');
  expect(azure.requests).toHaveLength(0);
});

describe("the profile's model", () => {
  test('is marked when the server has it (Ollama reads a bare name as :latest)', async () => {
    const ollama = await modelServer('ollama');
    const body = await listSaved(await createProfile({ providerType: 'ollama', endpointUrl: ollama.url, modelId: 'qwen2.5:7b' }));
    expect(body.models.filter((m: { selected?: boolean }) => m.selected === true).map((m: { id: string }) => m.id)).toEqual(['qwen2.5:7b']);
    expect(body.selectedMissing).toBe(false);
  });

  test('missing from the server: selected nowhere, and a clear note in English and Spanish', async () => {
    const ollama = await modelServer('ollama');
    const id = await createProfile({ providerType: 'ollama', endpointUrl: ollama.url, modelId: 'mistral:7b' });
    const body = await listSaved(id);
    expect(body.models.some((m: Record<string, unknown>) => 'selected' in m)).toBe(false);
    expect(body).toMatchObject({ success: true, selectedModelId: 'mistral:7b', selectedMissing: true });
    expect(body.notes).toContain("The model this profile uses, 'mistral:7b', is not on the server any more. Pick one from the list.");
    const es = await listSaved(id, '', 'es');
    expect(es.notes).toContain("El modelo que usa este perfil, 'mistral:7b', ya no está en el servidor. Elige uno de la lista.");
  });
});

describe('keeping a list for a minute', () => {
  test('a second call is answered from the kept list; refresh=true and an edit of the profile read it again', async () => {
    const ollama = await modelServer('ollama');
    const id = await createProfile({ providerType: 'ollama', endpointUrl: ollama.url, modelId: 'llama3.2' });
    const first = await listSaved(id);
    const second = await listSaved(id);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.fetchedAt).toBe(first.fetchedAt);
    expect(second.models).toEqual(first.models);
    expect(ollama.listRequests().filter((r) => r === 'GET /api/tags')).toHaveLength(1);

    const refreshed = await listSaved(id, '?refresh=true');
    expect(refreshed.cached).toBe(false);
    expect(ollama.listRequests().filter((r) => r === 'GET /api/tags')).toHaveLength(2);

    const edit = await server.http
      .patch(`/api/llm/profiles/${id}`)
      .set(server.auth)
      .send({ changes: { modelId: 'gone:1b' } });
    expect(edit.status).toBe(200);
    const afterEdit = await listSaved(id);
    expect(afterEdit).toMatchObject({ cached: false, selectedMissing: true });
    expect(ollama.listRequests().filter((r) => r === 'GET /api/tags')).toHaveLength(3);
  });

  test('calls made while a read is under way share it: the server is asked once', async () => {
    const ollama = await modelServer('ollama');
    const id = await createProfile({ providerType: 'ollama', endpointUrl: ollama.url });
    const bodies = await Promise.all(Array.from({ length: 5 }, () => listSaved(id)));
    expect(bodies.every((b) => b.success === true && b.models.length === 3)).toBe(true);
    expect(ollama.listRequests().filter((r) => r === 'GET /api/tags')).toHaveLength(1);
  });

  test('a failed read is not kept: the next call asks again', async () => {
    const llama = await modelServer('llama.cpp', { scenario: { name: 'loading' } });
    const id = await createProfile({ providerType: 'llama.cpp', endpointUrl: llama.url });
    const loading = await listSaved(id);
    expect(loading).toMatchObject({ success: false, errorCode: 'MODEL_LOADING', retryable: true, providerStatus: 503, models: null });
    llama.setScenario({ name: 'default' });
    const ready = await listSaved(id);
    expect(ready).toMatchObject({ success: true, cached: false });
  });
});

test('the draft variant lists an unsaved profile, keeps nothing, and leaves the vault bytes unchanged', async () => {
  const anthropic = await modelServer('anthropic', { apiKey: CANARY_KEY, pageSize: 4 });
  await createProfile({ providerType: 'ollama', endpointUrl: 'http://127.0.0.1:11434' });
  const before = createHash('sha256')
    .update(await readFile(server.service.paths.vaultFile))
    .digest('hex');
  const draft = { providerType: 'anthropic', endpointUrl: anthropic.url, apiKey: CANARY_KEY, modelId: 'claude-3-5-haiku-20241022' };
  const first = await listDraft(draft);
  expect(first).toMatchObject({ profileId: null, success: true, keyChecked: true, cached: false, selectedMissing: false });
  expect(first.models).toHaveLength(7);
  const second = await listDraft(draft);
  expect(second.cached).toBe(false);
  expect(anthropic.listRequests()).toHaveLength(4);
  expect(
    createHash('sha256')
      .update(await readFile(server.service.paths.vaultFile))
      .digest('hex'),
  ).toBe(before);

  const invalid = await server.http
    .post('/api/llm/profiles/models')
    .set(server.auth)
    .send({ profile: { name: 'Far away', providerType: 'custom', endpointUrl: 'http://example.com/v1' } });
  expect(invalid.status).toBe(400);
  expectContract('listDraftModels', invalid);
});

test('a key the server quotes back in its refusal is not passed on', async () => {
  const openai = await modelServer('openai', { apiKey: 'the-right-key' });
  const body = await listDraft({ providerType: 'custom', endpointUrl: `${openai.url}/v1`, apiKey: CANARY_KEY });
  expect(body).toMatchObject({ success: false, errorCode: 'PROVIDER_UNAUTHORIZED', providerStatus: 401 });
});

describe('limits: nothing answers 5xx', () => {
  test('10 000 models are cut to the first 2 000, with truncated and a note', async () => {
    const openai = await modelServer('openai', { apiKey: CANARY_KEY, scenario: { name: 'many', count: 10_000 } });
    const body = await listSaved(await createProfile({ providerType: 'custom', endpointUrl: `${openai.url}/v1`, apiKey: CANARY_KEY, modelId: 'model-09999' }));
    expect(body).toMatchObject({ success: true, truncated: true, selectedMissing: true });
    expect(body.models).toHaveLength(2000);
    expect(body.models.at(-1).id).toBe('model-02000');
    expect(body.notes).toContain('The server offers more models than can be shown; only the first 2000 are listed.');
  });

  test('Anthropic paging past 2 000 models stops at the bound', async () => {
    const anthropic = await modelServer('anthropic', { apiKey: CANARY_KEY, scenario: { name: 'many', count: 2500 } });
    const body = await listDraft({ providerType: 'anthropic', endpointUrl: anthropic.url, apiKey: CANARY_KEY });
    expect(body).toMatchObject({ success: true, truncated: true });
    expect(body.models).toHaveLength(2000);
    expect(anthropic.listRequests()).toHaveLength(2);
  });

  test('a 5 MB answer is cut off at the size cap: INVALID_RESPONSE, not read', async () => {
    const huge = await modelServer('openai', { apiKey: CANARY_KEY, scenario: { name: 'huge', bytes: 5 * 1024 * 1024 } });
    const body = await listDraft({ providerType: 'custom', endpointUrl: `${huge.url}/v1`, apiKey: CANARY_KEY });
    expect(body).toMatchObject({ success: false, models: null, errorCode: 'INVALID_RESPONSE', retryable: false });
    expect(body.userMessage).toBe('The answer was larger than 4096 KB, so it was cut off and not read.');
  });

  test('a server that never answers is given up at the deadline: TIMEOUT, not before it', async () => {
    const silent = await startEmulator('silent');
    closers.push(silent);
    const started = Date.now();
    const body = await listSaved(await createProfile({ providerType: 'ollama', endpointUrl: silent.url }), '?timeoutMs=1000');
    const elapsed = Date.now() - started;
    expect(body).toMatchObject({ success: false, errorCode: 'TIMEOUT', retryable: true, models: null });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3000);
  });

  test('nothing listening: NETWORK_ERROR with the provider-specific sentence', async () => {
    const body = await listDraft({ providerType: 'ollama', endpointUrl: 'http://127.0.0.1:9' });
    expect(body).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', retryable: true });
    expect(body.userMessage).toBe('Ollama is not running at 127.0.0.1:9.');
  });
});

test('the typed client has both operations', async () => {
  const ollama = await modelServer('ollama');
  const id = await createProfile({ providerType: 'ollama', endpointUrl: ollama.url, modelId: 'llama3.2:latest' });
  const saved = await server.client.GET('/api/llm/profiles/{profileId}/models', { params: { path: { profileId: id }, query: { refresh: true } } });
  expect(saved.data?.models?.[0]).toMatchObject({ id: 'llama3.2:latest', selected: true });
  const draft = await server.client.POST('/api/llm/profiles/models', { body: { profile: { name: 'Typed', providerType: 'ollama', endpointUrl: ollama.url } } });
  expect(draft.data?.success).toBe(true);
  expect(draft.data?.profileId).toBeNull();
});

test('the canary key appears in no response, diagnostics line or log line', async () => {
  const exported = await server.http.get('/api/llm/diagnostics?limit=500').set(server.auth);
  expectContract('exportDiagnostics', exported);
  expect(exported.status).toBe(200);
  seen.push(exported.text);
  await server.service.deps.diagnostics.flush();
  const dir = server.service.paths.diagnosticsDir;
  const diagnostics = (await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
  expect(diagnostics).toContain('"operationId":"listProfileModels"');
  expect(diagnostics).toContain('"operationId":"listDraftModels"');
  const haystacks = [seen.join('\n'), diagnostics, server.logs.join('\n')];
  for (const canary of [CANARY_KEY, encodeURIComponent(CANARY_KEY), Buffer.from(CANARY_KEY).toString('base64'), Buffer.from(CANARY_KEY).toString('hex')]) {
    for (const haystack of haystacks) expect(haystack.includes(canary)).toBe(false);
  }
});
