import { ANTHROPIC_DEFAULT_MODEL } from '../../../src/providers/anthropic.js';
import { PromptTestService } from '../../../src/prompt-test/prompt-test-service.js';
import type { AnthropicScenario } from '../../support/emulators/providers/index.js';
import { CANARY_KEY, CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

describe('test prompt through Anthropic', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service, 'anthropic'));

  it('sends x-api-key, anthropic-version and a small max_tokens, and reads the text blocks', async () => {
    const emulator = await emulators.start('anthropic', { apiKey: CANARY_KEY, scenario: { name: 'success', delayMs: 110, reply: 'Ready.' } });
    const run = () =>
      service.run(target({ providerType: 'anthropic', endpointUrl: emulator.url, modelId: 'claude-sonnet-4-5', apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();
    expect(outcome).toMatchObject({ success: true, modelName: 'claude-sonnet-4-5', responsePreview: 'Ready.', providerStatus: 200, notes: [] });
    expect(outcome.timings.provider).toEqual({ promptTokens: 14, completionTokens: 4 });
    expect(emulator.requests[0]?.headers['x-api-key']).toBe(CANARY_KEY);
    expect(bodyOf(emulator, 0)).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: CANARY_PROMPT }] });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 110, run);
  });

  it('uses a default model when none is named, and says which', async () => {
    const emulator = await emulators.start('anthropic', { apiKey: CANARY_KEY });
    const outcome = await service.run(target({ providerType: 'anthropic', endpointUrl: `${emulator.url}/v1`, apiKey: CANARY_KEY }), { locale: 'es' });
    expect(outcome).toMatchObject({ success: true, modelName: ANTHROPIC_DEFAULT_MODEL });
    expect(outcome.notes).toEqual([`No se indicó ningún modelo, así que la prueba usó '${ANTHROPIC_DEFAULT_MODEL}'.`]);
    expect(bodyOf(emulator)).toMatchObject({ model: ANTHROPIC_DEFAULT_MODEL });
  });

  it.each([
    [{ name: 'unauthorized' }, 'PROVIDER_UNAUTHORIZED', false, 401, 'Anthropic refused the API key.'],
    [{ name: 'forbidden' }, 'PROVIDER_FORBIDDEN', false, 403, 'Anthropic accepted the key but does not allow this request.'],
    [{ name: 'not-found' }, 'MODEL_NOT_FOUND', false, 404, "Anthropic has no model named 'claude-typo', or this key cannot use it."],
    [{ name: 'rate-limited', retryAfterSeconds: 30 }, 'RATE_LIMITED', true, 429, 'Anthropic is receiving too many requests from this account right now.'],
    [{ name: 'credit-exhausted' }, 'QUOTA_EXHAUSTED', false, 400, 'Your Anthropic credit balance is too low to use the API.'],
    [{ name: 'overloaded' }, 'PROVIDER_ERROR', true, 529, 'Anthropic is overloaded right now.'],
  ] as const)('maps %j to %s (retryable: %s, status %d)', async (scenario: AnthropicScenario, errorCode, retryable, status, userMessage) => {
    const emulator = await emulators.start('anthropic', { apiKey: CANARY_KEY, scenario });
    const outcome = await service.run(target({ providerType: 'anthropic', endpointUrl: emulator.url, modelId: 'claude-typo', apiKey: CANARY_KEY }), {
      prompt: CANARY_PROMPT,
      locale: 'en',
    });
    expect(outcome).toMatchObject({ success: false, errorCode, retryable, providerStatus: status, userMessage, responsePreview: null });
    expect(outcome.retryAfterMs).toBe(scenario.name === 'rate-limited' ? 30_000 : null);
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });

  it('reports a credit balance that is too low as billing, not retryable, in both languages, and sends anthropic-version 2023-06-01', async () => {
    const emulator = await emulators.start('anthropic', { apiKey: CANARY_KEY, scenario: { name: 'credit-exhausted' } });
    const run = (locale: 'en' | 'es') => service.run(target({ providerType: 'anthropic', endpointUrl: emulator.url, modelId: 'claude-haiku-4-5', apiKey: CANARY_KEY }), { locale });
    const en = await run('en');
    expect(en).toMatchObject({
      errorCode: 'QUOTA_EXHAUSTED',
      retryable: false,
      retryAfterMs: null,
      providerStatus: 400,
      remediation: 'Buy credits under Plans & Billing in the Anthropic Console, then test again.',
    });
    expect((await run('es')).userMessage).toBe('Tu saldo de créditos de Anthropic es demasiado bajo para usar la API.');
    expect(emulator.requests.map((r) => r.headers['anthropic-version'])).toEqual(['2023-06-01', '2023-06-01']);
  });

  it('says a missing key is missing rather than wrong', async () => {
    const emulator = await emulators.start('anthropic', { apiKey: null, scenario: { name: 'unauthorized' } });
    const outcome = await service.run(target({ providerType: 'anthropic', endpointUrl: emulator.url, modelId: 'claude-haiku-4-5' }), { locale: 'en' });
    expect(outcome).toMatchObject({ errorCode: 'PROVIDER_UNAUTHORIZED', userMessage: 'Anthropic needs an API key, and this profile has none.' });
    expect(emulator.requests[0]?.headers['x-api-key']).toBeUndefined();
  });
});
