import { PromptTestService } from '../../../src/prompt-test/service.js';
import { CANARY_KEY, CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

describe('test prompt through llama.cpp', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service));

  it('answers with the model name, the preview, the server timings and the exchange latency', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: CANARY_KEY, scenario: { name: 'success', delayMs: 150, reply: 'Ready.' } });
    const run = () => service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();

    expect(outcome).toMatchObject({
      success: true,
      modelName: 'qwen2.5-7b-instruct',
      responsePreview: 'Ready.',
      responseTruncated: false,
      errorCode: null,
      retryable: false,
      providerStatus: 200,
      userMessage: 'The model answered.',
      remediation: null,
      promptLength: CANARY_PROMPT.length,
    });
    expect(outcome.timings.provider).toEqual({ promptEvalMs: 35.1, evalMs: 360.4, promptTokens: 12, completionTokens: 3, tokensPerSecond: 8.3 });
    expect(outcome.timings.firstByteMs).toBeGreaterThanOrEqual(145);
    expect(outcome.timings.totalMs).toBeGreaterThanOrEqual(150);
    expect(bodyOf(emulator)).toMatchObject({ messages: [{ role: 'user', content: CANARY_PROMPT }], stream: false, max_tokens: 64 });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 150, run);
  });

  it('sends no Authorization header when the profile has no key, and finds the API below a pasted /v1', async () => {
    const emulator = await emulators.start('llama.cpp');
    const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: `${emulator.url}/v1/`, modelId: 'qwen' }), { locale: 'en' });
    expect(outcome.success).toBe(true);
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0]?.headers.authorization).toBeUndefined();
    expect(bodyOf(emulator)).toMatchObject({ model: 'qwen', messages: [{ role: 'user', content: 'Reply with the single word: ready.' }] });
  });

  it('reports a model that is still loading as MODEL_LOADING, retryable, in the learner’s language', async () => {
    const emulator = await emulators.start('llama.cpp', { scenario: { name: 'loading' } });
    const en = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { locale: 'en' });
    expect(en).toMatchObject({ success: false, errorCode: 'MODEL_LOADING', retryable: true, providerStatus: 503, responsePreview: null });
    expect(en.userMessage).toBe('The model is still loading on llama.cpp; try again in a few seconds.');
    expect(en.remediation).toBe('Wait until the server has finished loading the model, then test again.');
    expectContractShape(en);

    const es = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url }), { locale: 'es' });
    expect(es.userMessage).toBe('El modelo todavía se está cargando en llama.cpp; vuelve a intentarlo en unos segundos.');
  });

  it('reports a refused key as PROVIDER_UNAUTHORIZED, not retryable, with the llama.cpp remedy', async () => {
    const emulator = await emulators.start('llama.cpp', { apiKey: CANARY_KEY, scenario: { name: 'unauthorized' } });
    const outcome = await service.run(target({ providerType: 'llama.cpp', endpointUrl: emulator.url, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false, providerStatus: 401 });
    expect(outcome.userMessage).toBe('The llama.cpp server refused the API key.');
    expect(outcome.remediation).toBe('Use the same key the llama.cpp server was started with.');
    expect(outcome.notes).toEqual(["The provider's error code was 'authentication_error'."]);
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });
});
