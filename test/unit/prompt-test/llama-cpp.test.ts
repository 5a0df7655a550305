import { PromptTestService } from '../../../src/prompt-test/prompt-test-service.js';
import { LLAMA_CPP_DEFAULT_MODEL_PATH } from '../../support/emulators/providers/llama-cpp.js';
import { eventually } from '../../support/eventually.js';
import { CANARY_KEY, CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

const SERVED_FILE = 'qwen2.5-7b-instruct-q4_k_m.gguf';

describe('test prompt through llama.cpp', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service));

  it('answers with the served model, the preview, the server timings and the exchange latency', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: CANARY_KEY, scenario: { name: 'success', delayMs: 150, reply: 'Ready.' } });
    const run = () => service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();

    expect(outcome).toMatchObject({
      success: true,
      modelName: SERVED_FILE,
      responsePreview: 'Ready.',
      responseTruncated: false,
      errorCode: null,
      retryable: false,
      providerStatus: 200,
      userMessage: 'The model answered.',
      remediation: null,
      promptLength: CANARY_PROMPT.length,
      notes: [],
    });
    expect(outcome.timings.provider).toEqual({ promptEvalMs: 35.1, evalMs: 360.4, promptTokens: 16, completionTokens: 3, tokensPerSecond: 8.3 });
    expect(outcome.timings.firstByteMs).toBeGreaterThanOrEqual(145);
    expect(outcome.timings.totalMs).toBeGreaterThanOrEqual(150);
    expect(emulator.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
    expect(bodyOf(emulator, 1)).toMatchObject({ messages: [{ role: 'user', content: CANARY_PROMPT }], stream: false, max_tokens: 64 });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 150, run);
  });

  it('sends the model list and the prompt over one connection, closed when the test ends, and times its opening', async () => {
    const emulator = await emulators.start('llama.cpp');
    for (const stream of [false, true]) {
      const before = emulator.connections();
      const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { prompt: CANARY_PROMPT, locale: 'en', stream });
      expect(outcome.success).toBe(true);
      expect(emulator.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
      expect(emulator.connections() - before).toBe(1);
      // The prompt went over the connection the list opened: the time it took to open is the one shown.
      expect(outcome.timings.connectMs).toEqual(expect.any(Number));
      await eventually(() => emulator.openConnections() === 0);
      expect(emulator.openConnections()).toBe(0);
    }
  });

  it('counts prompt tokens from usage: a repeated prompt served from the cache still counts in full', async () => {
    const emulator = await emulators.start('llama.cpp');
    const run = () => service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { prompt: CANARY_PROMPT, locale: 'en' });
    const first = await run();
    const again = await run();
    expect(first.timings.provider?.promptTokens).toBe(16);
    expect(again.timings.provider?.promptTokens).toBe(16);
    expect(again.timings.provider?.completionTokens).toBe(3);

    // The server's own figure for the same prompt once more: only the re-evaluated token.
    const raw = await fetch(`${emulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'test' },
      body: emulator.requests.at(-1)?.body ?? '',
    });
    const body = (await raw.json()) as { usage: { prompt_tokens: number }; timings: { prompt_n: number; cache_n: number } };
    expect(body.timings).toMatchObject({ prompt_n: 1, cache_n: 15 });
    expect(body.usage.prompt_tokens).toBe(16);
  });

  it('names the model the server runs, not the echo of the model the request named', async () => {
    const byFile = await emulators.start('llama.cpp', { modelPath: '/home/me/models/Llama-3.2-3B-Instruct-Q4_K_M.gguf' });
    const named = await service.run(target({ providerType: 'llama.cpp', endpointUrl: byFile.url, modelId: 'gpt-4-made-up' }), { locale: 'en' });
    expect(named).toMatchObject({ success: true, modelName: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf' });
    expect(named.notes).toEqual(["This server runs 'Llama-3.2-3B-Instruct-Q4_K_M.gguf' whatever a request asks for; the profile's 'gpt-4-made-up' is not used."]);

    const unnamed = await service.run(target({ providerType: 'llama.cpp', endpointUrl: byFile.url }), { locale: 'es' });
    expect(unnamed).toMatchObject({ success: true, modelName: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf', notes: [] });
    expect(unnamed.modelName).not.toBe('gpt-3.5-turbo');

    const byAlias = await emulators.start('llama.cpp', { alias: 'tutor-qwen' });
    const aliased = await service.run(target({ providerType: 'llama.cpp', endpointUrl: `${byAlias.url}/v1`, modelId: 'tutor-qwen' }), { locale: 'en' });
    expect(aliased).toMatchObject({ success: true, modelName: 'tutor-qwen', notes: [] });
  });

  it('sends no Authorization header when the profile has no key, and finds the API below a pasted /v1', async () => {
    const emulator = await emulators.start('llama.cpp');
    const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: `${emulator.url}/v1/`, modelId: 'qwen' }), { locale: 'en' });
    expect(outcome.success).toBe(true);
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    expect(bodyOf(emulator)).toMatchObject({ model: 'qwen', messages: [{ role: 'user', content: 'Reply with the single word: ready.' }] });
  });

  it('reports a model that is still loading as MODEL_LOADING, retryable, without sending the prompt', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: CANARY_KEY, scenario: { name: 'loading' } });
    const en = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(en).toMatchObject({ success: false, errorCode: 'MODEL_LOADING', retryable: true, providerStatus: 503, responsePreview: null });
    expect(en.userMessage).toBe('The model is still loading on llama.cpp; try again in a few seconds.');
    expect(en.remediation).toBe('Wait until the server has finished loading the model, then test again.');
    expect(JSON.stringify(emulator.requests)).not.toContain(CANARY_PROMPT);
    expectContractShape(en);

    const es = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { locale: 'es' });
    expect(es.userMessage).toBe('El modelo todavía se está cargando en llama.cpp; vuelve a intentarlo en unos segundos.');
  });

  it('reports a wrong key as PROVIDER_UNAUTHORIZED although the model list is public', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: 'sk-the-key-the-server-was-started-with' });
    const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false, providerStatus: 401, modelName: SERVED_FILE });
    expect(outcome.userMessage).toBe('The llama.cpp server refused the API key.');
    expect(outcome.remediation).toBe('Use the same key the llama.cpp server was started with.');
    expect(outcome.notes).toEqual(["The provider's error code was 'authentication_error'."]);
    expect(emulator.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/chat/completions']);
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });

  it('reports a missing key on a keyed server as a missing key', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: CANARY_KEY });
    // The profile has no key, so the service sends none; the emulator only lets that through because it is keyed.
    const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { locale: 'en' });
    expect(outcome).toMatchObject({ errorCode: 'PROVIDER_UNAUTHORIZED', userMessage: 'The llama.cpp server needs an API key, and this profile has none.' });
    expect(LLAMA_CPP_DEFAULT_MODEL_PATH.endsWith(outcome.modelName ?? '-')).toBe(true);
  });
});
