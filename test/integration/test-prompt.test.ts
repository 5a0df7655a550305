/**
 * Test prompts over HTTP: the saved-profile test and the draft test against provider
 * emulators, with the key decrypted only for the call and nothing secret in any output.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulators/providers/index.js';
import { expectContract } from '../support/contract.js';
import { CONSENT } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CANARY_KEY = 'sk-http-canary-41d7-KEY-never-leaks';
const CANARY_PROMPT = 'HTTP-CANARY-PROMPT-93ab: say ready';

/** Resolves one name to the cloud metadata address; everything else as usual (loopback here). */
const metadataLookup: LookupFunction = (hostname, options, callback) => {
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  const address = hostname === 'metadata.tutor.test' ? '169.254.169.254' : '127.0.0.1';
  if (all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
  else callback(null, address, 4);
};

let server: TestServer;
const emulators: Emulator<never>[] = [];
const seen: string[] = [];

async function emulator<K extends Parameters<typeof startEmulator>[0]>(kind: K, options: Parameters<typeof startEmulator<K>>[1] = {}) {
  const started = await startEmulator(kind, options);
  emulators.push(started as unknown as Emulator<never>);
  return started;
}

beforeAll(async () => {
  server = await startTestServer({ promptTest: { lookup: metadataLookup }, rateLimits: { test: { limit: 1000, windowMs: 60_000 }, discover: { limit: 10, windowMs: 60_000 } } });
});

afterAll(async () => {
  const violations = emulators.flatMap((e) => e.violations);
  await Promise.all(emulators.map((e) => e.close()));
  await server.close();
  expect(violations).toEqual([]);
});

async function createProfile(profile: Record<string, unknown>): Promise<string> {
  const res = await server.http.post('/api/llm/profiles').set(server.auth).send({ profile });
  seen.push(res.text);
  expect(res.status).toBe(201);
  return res.body.profile.id as string;
}

async function testSaved(id: string, body: object = {}) {
  const res = await server.http
    .post(`/api/llm/profiles/${id}/test`)
    .set(server.auth)
    .send({ promptOverride: CANARY_PROMPT, timeoutMs: 5000, ...body });
  seen.push(res.text, JSON.stringify(res.headers));
  expectContract('testProfile', res);
  return res;
}

const providers = [
  ['llama.cpp', 'llama.cpp', (url: string) => ({ endpointUrl: url, apiKey: CANARY_KEY })],
  ['ollama', 'ollama', (url: string) => ({ endpointUrl: url, modelId: 'llama3.2:latest' })],
  ['azure', 'azure', (url: string) => ({ endpointUrl: url, modelId: 'gpt4o', apiKey: CANARY_KEY })],
  ['custom', 'openai', (url: string) => ({ endpointUrl: `${url}/v1`, modelId: 'gpt-4o-mini', apiKey: CANARY_KEY })],
  ['anthropic', 'anthropic', (url: string) => ({ endpointUrl: url, modelId: 'claude-3-5-haiku-latest', apiKey: CANARY_KEY })],
] as const;

describe.each(providers)('a saved %s profile', (providerType, kind, fields) => {
  test('answers a success outcome; the emulator got the key and the prompt; the draft test gives the same outcome and stores nothing', async () => {
    const apiKey = providerType === 'ollama' ? null : CANARY_KEY;
    const emu = await emulator(kind, { apiKey, scenario: { name: 'success', reply: 'Ready.' } as never });
    const profile = { name: `Emulated ${providerType}`, providerType, ...fields(emu.url) };
    const id = await createProfile(profile);

    const res = await testSaved(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ profileId: id, providerType, success: true, errorCode: null, responsePreview: 'Ready.', promptLength: CANARY_PROMPT.length });
    expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(emu.requests.length).toBeGreaterThan(0);
    expect(JSON.stringify(emu.requests.at(-1)?.body)).toContain(CANARY_PROMPT);

    const before = createHash('sha256')
      .update(await readFile(server.service.paths.vaultFile))
      .digest('hex');
    const draft = await server.http
      .post('/api/llm/profiles/test')
      .set(server.auth)
      .send({ profile: { ...profile, name: `Draft ${providerType}` }, promptOverride: CANARY_PROMPT, timeoutMs: 5000 });
    seen.push(draft.text);
    expectContract('testDraftProfile', draft);
    const pick = (b: Record<string, unknown>) => ({
      success: b.success,
      errorCode: b.errorCode,
      modelName: b.modelName,
      responsePreview: b.responsePreview,
      providerStatus: b.providerStatus,
      retryable: b.retryable,
    });
    expect(pick(draft.body)).toEqual(pick(res.body));
    expect(draft.body.profileId).toBeNull();
    expect(
      createHash('sha256')
        .update(await readFile(server.service.paths.vaultFile))
        .digest('hex'),
    ).toBe(before);
  });
});

test('provider failures come back as 200 outcomes with the right code and retry hint', async () => {
  const azure = await emulator('azure', { apiKey: CANARY_KEY });
  const id = await createProfile({ name: 'Azure typo', providerType: 'azure', endpointUrl: azure.url, modelId: 'gpt-4o', apiKey: CANARY_KEY });
  const missing = await testSaved(id);
  expect(missing.body).toMatchObject({ success: false, errorCode: 'MODEL_NOT_FOUND', retryable: false, providerStatus: 404 });
  expect(missing.body.userMessage).toContain('gpt-4o');

  azure.setScenario({ name: 'rate-limited', retryAfterSeconds: 7 });
  const limited = await testSaved(id);
  expect(limited.body).toMatchObject({ errorCode: 'RATE_LIMITED', retryable: true, retryAfterMs: 7000 });

  const llama = await emulator('llama.cpp', { scenario: { name: 'loading' } });
  const loading = await testSaved(await createProfile({ name: 'Loading llama', providerType: 'llama.cpp', endpointUrl: llama.url }));
  expect(loading.body).toMatchObject({ errorCode: 'MODEL_LOADING', retryable: true, providerStatus: 503 });

  const silent = await emulator('silent');
  const started = Date.now();
  const timeout = await testSaved(await createProfile({ name: 'Silent server', providerType: 'llama.cpp', endpointUrl: silent.url }), { timeoutMs: 1000 });
  expect(timeout.body).toMatchObject({ errorCode: 'TIMEOUT', retryable: true });
  // Not before the deadline, and within ten times it: the limit applied.
  expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  expect(Date.now() - started).toBeLessThan(10_000);
});

async function testDraft(profile: Record<string, unknown>, language = 'en') {
  const res = await server.http.post('/api/llm/profiles/test').set(server.auth).set('Accept-Language', language).send({ profile, promptOverride: CANARY_PROMPT, timeoutMs: 5000 });
  seen.push(res.text);
  expectContract('testDraftProfile', res);
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

describe('what a real llama.cpp does', () => {
  test('the name shown is the model file the server runs, not the echo of a made-up model id', async () => {
    const llama = await emulator('llama.cpp', { apiKey: CANARY_KEY, modelPath: '/srv/models/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' });
    const res = await testSaved(await createProfile({ name: 'Made-up model id', providerType: 'llama.cpp', endpointUrl: llama.url, modelId: 'gpt-4', apiKey: CANARY_KEY }));
    expect(res.body).toMatchObject({ success: true, modelName: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' });
    expect(res.body.notes).toEqual(["This server runs 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' whatever a request asks for; the profile's 'gpt-4' is not used."]);
  });

  test('token counts come from usage: a repeated identical test counts the whole prompt, cached or not', async () => {
    const llama = await emulator('llama.cpp');
    const id = await createProfile({ name: 'Cached prompt', providerType: 'llama.cpp', endpointUrl: llama.url });
    const first = await testSaved(id);
    const second = await testSaved(id);
    expect(first.body.timings.provider.promptTokens).toBe(12);
    expect(second.body.timings.provider.promptTokens).toBe(12);
  });

  test('a wrong key is refused by the completion even though the model list is public', async () => {
    const llama = await emulator('llama.cpp', { apiKey: 'sk-the-server-key' });
    const res = await testSaved(await createProfile({ name: 'Wrong llama key', providerType: 'llama.cpp', endpointUrl: llama.url, apiKey: CANARY_KEY }));
    expect(res.body).toMatchObject({ success: false, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false, providerStatus: 401 });
  });

  test('its 503 "Loading model" is MODEL_LOADING for a custom profile at its /v1 too', async () => {
    const llama = await emulator('llama.cpp', { scenario: { name: 'loading' } });
    const outcome = await testDraft({ name: 'Custom at llama.cpp', providerType: 'custom', endpointUrl: `${llama.url}/v1`, modelId: 'qwen' });
    expect(outcome).toMatchObject({
      success: false,
      errorCode: 'MODEL_LOADING',
      retryable: true,
      providerStatus: 503,
      userMessage: 'The model is still loading; try again in a few seconds.',
    });
  });
});

describe('today’s provider APIs over HTTP', () => {
  test('an OpenAI reasoning model gets max_completion_tokens; an empty answer cut off at the budget is ANSWER_CUT_OFF', async () => {
    const openai = await emulator('openai', { apiKey: CANARY_KEY });
    const ok = await testDraft({ name: 'o4-mini', providerType: 'custom', endpointUrl: `${openai.url}/v1`, modelId: 'o4-mini', apiKey: CANARY_KEY });
    expect(ok).toMatchObject({ success: true, modelName: 'o4-mini' });
    expect(openai.requests.at(-1)?.json).toMatchObject({ max_completion_tokens: 1024, reasoning_effort: 'low' });

    openai.setScenario({ name: 'success', thinkingTokens: 4000 });
    const cut = await testDraft({ name: 'o4-mini', providerType: 'custom', endpointUrl: `${openai.url}/v1`, modelId: 'o4-mini', apiKey: CANARY_KEY }, 'es');
    expect(cut).toMatchObject({
      success: false,
      errorCode: 'ANSWER_CUT_OFF',
      retryable: false,
      retryAfterMs: null,
      providerStatus: 200,
      userMessage: 'Se llegó al modelo, pero su respuesta se cortó antes de tener texto.',
    });
  });

  test('Mistral’s 422 extra_forbidden gets one fixed retry', async () => {
    const mistral = await emulator('openai', { apiKey: CANARY_KEY, dialect: 'mistral' });
    const outcome = await testDraft({ name: 'Mistral gateway', providerType: 'custom', endpointUrl: `${mistral.url}/v1`, modelId: 'o3-mini', apiKey: CANARY_KEY });
    expect(outcome).toMatchObject({ success: true });
    expect(mistral.requests.map((r) => r.json)).toEqual([expect.objectContaining({ max_completion_tokens: 1024 }), expect.objectContaining({ max_tokens: 1024 })]);
  });

  test('Azure’s v1 API, and its content filter as its own outcome', async () => {
    const azure = await emulator('azure', { apiKey: CANARY_KEY, scenario: { name: 'success', deployment: 'tutor-4o' } });
    const id = await createProfile({ name: 'Azure v1', providerType: 'azure', endpointUrl: `${azure.url}/openai/v1`, modelId: 'tutor-4o', apiKey: CANARY_KEY });
    expect((await testSaved(id)).body).toMatchObject({ success: true });
    expect(azure.requests.at(-1)?.path).toBe('/openai/v1/chat/completions');
    azure.setScenario({ name: 'prompt-filtered' });
    expect((await testSaved(id)).body).toMatchObject({
      success: false,
      errorCode: 'CONTENT_FILTERED',
      retryable: false,
      providerStatus: 400,
      userMessage: "Azure's content filter blocked the test prompt.",
    });
  });

  test('billing is told apart from rate limits', async () => {
    const anthropic = await emulator('anthropic', { apiKey: CANARY_KEY, scenario: { name: 'credit-exhausted' } });
    const credit = await testDraft({ name: 'Anthropic', providerType: 'anthropic', endpointUrl: anthropic.url, modelId: 'claude-haiku-4-5', apiKey: CANARY_KEY });
    expect(credit).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED', retryable: false, providerStatus: 400, userMessage: 'Your Anthropic credit balance is too low to use the API.' });

    const openai = await emulator('openai', { apiKey: CANARY_KEY, scenario: { name: 'real', reply: 'openrouter-credits' } });
    const draft = { name: 'Router', providerType: 'custom', endpointUrl: `${openai.url}/v1`, modelId: 'openai/gpt-4o-mini', apiKey: CANARY_KEY };
    expect(await testDraft(draft)).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED', retryable: false, retryAfterMs: null, providerStatus: 402 });
    openai.setScenario({ name: 'real', reply: 'openai-quota' });
    expect(await testDraft(draft)).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED', retryable: false, providerStatus: 429 });
    openai.setScenario({ name: 'real', reply: 'openai-rate-limit' });
    expect(await testDraft(draft)).toMatchObject({ errorCode: 'RATE_LIMITED', retryable: true, retryAfterMs: 26_604, providerStatus: 429 });
  });

  test.each([
    ['gemini-bad-key', 'PROVIDER_UNAUTHORIZED', 400],
    ['ollama-not-pulled', 'MODEL_NOT_FOUND', 404],
    ['vllm-old-not-found', 'MODEL_NOT_FOUND', 404],
    ['lmstudio-unexpected-endpoint', 'INVALID_RESPONSE', 200],
    ['koboldcpp-not-found', 'PROVIDER_ERROR', 404],
  ] as const)('the %s error body is read as %s, never a 500', async (reply, errorCode, status) => {
    const openai = await emulator('openai', { scenario: { name: 'real', reply } });
    expect(await testDraft({ name: 'Shapes', providerType: 'custom', endpointUrl: `${openai.url}/v1`, modelId: 'llama3' })).toMatchObject({
      success: false,
      errorCode,
      providerStatus: status,
    });
  });
});

test('a redirect is refused: the target receives nothing and the key goes nowhere else', async () => {
  const target = await emulator('openai', { apiKey: CANARY_KEY });
  const redirecting = await emulator('openai', { apiKey: CANARY_KEY, scenario: { name: 'redirect', location: `${target.url}/v1/chat/completions` } });
  const res = await testSaved(await createProfile({ name: 'Redirecting', providerType: 'custom', endpointUrl: `${redirecting.url}/v1`, modelId: 'm', apiKey: CANARY_KEY }));
  expect(res.body).toMatchObject({ success: false, errorCode: 'REDIRECT_REFUSED', retryable: false });
  expect(target.requests).toHaveLength(0);
});

test('a name that resolves to the metadata address is refused at connect time; loopback still works', async () => {
  const id = await createProfile({
    name: 'Sneaky name',
    providerType: 'custom',
    endpointUrl: 'https://metadata.tutor.test/v1',
    modelId: 'm',
    apiKey: CANARY_KEY,
    consentTimestamp: CONSENT,
  });
  const res = await testSaved(id);
  expect(res.body).toMatchObject({ success: false, errorCode: 'ADDRESS_NOT_ALLOWED', retryable: false });
  const llama = await emulator('llama.cpp');
  const ok = await testSaved(await createProfile({ name: 'Still fine', providerType: 'llama.cpp', endpointUrl: llama.url }));
  expect(ok.body.success).toBe(true);
});

test('a client that disconnects aborts the outbound call', async () => {
  const silent = await emulator('silent');
  const id = await createProfile({ name: 'Abandoned', providerType: 'llama.cpp', endpointUrl: silent.url });
  const controller = new AbortController();
  const pending = fetch(`${server.url}/api/llm/profiles/${id}/test`, {
    method: 'POST',
    headers: { ...server.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ timeoutMs: 60_000 }),
    signal: controller.signal,
  }).catch((error: Error) => error);
  await eventually(() => silent.connections() > 0);
  expect(silent.connections()).toBe(1);
  controller.abort();
  await pending;
  await eventually(() => silent.openConnections() === 0);
  expect(silent.openConnections()).toBe(0);
});

test('the canary key and prompt appear in no response, diagnostics line or log line', async () => {
  await server.service.deps.diagnostics.flush();
  const dir = server.service.paths.diagnosticsDir;
  const diagnostics = (await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
  expect(diagnostics).toContain('"kind":"outbound"');
  const haystacks = [seen.join('\n'), diagnostics, server.logs.join('\n')];
  for (const canary of [CANARY_KEY, CANARY_PROMPT, encodeURIComponent(CANARY_PROMPT), Buffer.from(CANARY_KEY).toString('base64')]) {
    for (const haystack of haystacks) expect(haystack.includes(canary)).toBe(false);
  }
});
