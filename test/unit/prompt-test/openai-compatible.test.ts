import { PromptTestService, type TestOutcome } from '../../../src/prompt-test/prompt-test-service.js';
import type { OpenAiScenario } from '../../support/emulators/providers/index.js';
import { CANARY_KEY, CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

describe('test prompt through an OpenAI-compatible server', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service, 'custom'));

  async function runAgainst(scenario: OpenAiScenario, modelId: string | null = 'gpt-4o-mini'): Promise<TestOutcome> {
    const emulator = await emulators.start('openai', { apiKey: CANARY_KEY, scenario });
    return service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
  }

  it('answers through {base}/v1/chat/completions with Bearer auth, adding /v1 to a bare address and saying so', async () => {
    const emulator = await emulators.start('openai', { apiKey: CANARY_KEY, scenario: { name: 'success', delayMs: 130, reply: 'Ready.' } });
    const run = () =>
      service.run(target({ providerType: 'custom', endpointUrl: emulator.url, modelId: 'gpt-4o-mini', apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();
    expect(outcome).toMatchObject({ success: true, modelName: 'gpt-4o-mini', responsePreview: 'Ready.', providerStatus: 200 });
    expect(outcome.notes).toEqual(["The address had no path, so '/v1' was added, as OpenAI-compatible servers expect."]);
    expect(outcome.timings.provider).toEqual({ promptTokens: 11, completionTokens: 2 });
    expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(bodyOf(emulator)).toMatchObject({ model: 'gpt-4o-mini', stream: false, max_tokens: 64, messages: [{ role: 'user', content: CANARY_PROMPT }] });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 130, run);
  });

  it('keeps a path the learner gave, and uses the first listed model when none is named', async () => {
    const emulator = await emulators.start('openai', { basePath: '/api/v1', models: ['qwen2.5-coder-7b', 'other'] });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/api/v1`, modelId: null }), { locale: 'en' });
    expect(outcome).toMatchObject({ success: true, modelName: 'qwen2.5-coder-7b' });
    expect(outcome.notes).toEqual(["No model was named, so the test used 'qwen2.5-coder-7b', the first one the server lists."]);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/models', 'POST /api/v1/chat/completions']);
    expect(emulator.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    [{ name: 'unauthorized' }, 'PROVIDER_UNAUTHORIZED', false, 401],
    [{ name: 'insufficient-quota' }, 'QUOTA_EXHAUSTED', false, 429],
    [{ name: 'rate-limited', retryAfterSeconds: 20 }, 'RATE_LIMITED', true, 429],
    [{ name: 'server-error' }, 'PROVIDER_ERROR', true, 500],
    [{ name: 'model-not-found' }, 'MODEL_NOT_FOUND', false, 404],
    [{ name: 'empty-choices' }, 'INVALID_RESPONSE', false, 200],
    [{ name: 'non-json' }, 'INVALID_RESPONSE', false, 200],
    [{ name: 'lmstudio-error' }, 'INVALID_RESPONSE', false, 200],
  ] as const)('maps %j to %s (retryable: %s, status %d)', async (scenario, errorCode, retryable, status) => {
    const outcome = await runAgainst(scenario);
    expect(outcome).toMatchObject({ success: false, errorCode, retryable, providerStatus: status, responsePreview: null });
    expect(outcome.userMessage.length).toBeGreaterThan(0);
    expect(outcome.remediation).not.toBeNull();
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });

  it('tells the learner exactly what each failure means', async () => {
    expect((await runAgainst({ name: 'insufficient-quota' })).userMessage).toBe('The account behind this API key has run out of credit or reached its spending limit.');
    const limited = await runAgainst({ name: 'rate-limited', retryAfterSeconds: 20 });
    expect(limited).toMatchObject({ retryAfterMs: 20_000, remediation: 'Wait about 20 seconds, then try again.' });
    expect((await runAgainst({ name: 'server-error' })).userMessage).toBe('The server had a problem on its side (status 500).');
    expect((await runAgainst({ name: 'unauthorized' })).userMessage).toBe('The server refused the API key.');
    expect((await runAgainst({ name: 'model-not-found' }, 'gpt-5-typo')).userMessage).toBe("The server has no model named 'gpt-5-typo'.");
    expect((await runAgainst({ name: 'lmstudio-error' })).userMessage).toBe('The server answered with an error instead of a reply.');
    expect((await runAgainst({ name: 'empty-choices' })).userMessage).toBe('The server answered without any text from the model.');
    expect((await runAgainst({ name: 'non-json' })).userMessage).toBe('The server answered, but not in the format this provider type uses.');
  });

  it('strips control characters from the preview and cuts it at 500 characters', async () => {
    const reply = `\n\tLine one\r\nline\u0007 two\u202E ${'x'.repeat(1000)}`;
    const outcome = await runAgainst({ name: 'success', reply });
    expect(outcome.success).toBe(true);
    expect(outcome.responseTruncated).toBe(true);
    expect(Array.from(outcome.responsePreview ?? '')).toHaveLength(500);
    expect(outcome.responsePreview?.startsWith('Line one  line two ')).toBe(true);
    expect(outcome.responsePreview).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202E]/);
    expectContractShape(outcome);
  });

  it('notes an empty answer', async () => {
    const outcome = await runAgainst({ name: 'success', reply: '' });
    expect(outcome).toMatchObject({ success: true, responsePreview: '', notes: ['The model answered, but with no text.'] });
  });
});
