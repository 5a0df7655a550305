import { PromptTestService } from '../../../src/prompt-test/prompt-test-service.js';
import { CANARY_KEY, CANARY_PROMPT, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

describe('test prompt through Azure OpenAI', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service, 'azure'));
  const azure = (url: string, modelId: string | null = 'gpt4o') => target({ providerType: 'azure', endpointUrl: url, modelId, apiKey: CANARY_KEY });

  it('calls the deployment with the api-key header and reports the model that answered', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'success', delayMs: 100, deployment: 'gpt4o' } });
    const run = () => service.run(azure(emulator.url), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();
    expect(outcome).toMatchObject({ success: true, modelName: 'gpt-4o-2024-08-06', responsePreview: 'Ready.', providerStatus: 200 });
    expect(outcome.timings.provider).toEqual({ promptTokens: 14, completionTokens: 2 });
    expect(emulator.requests[0]?.path).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21');
    expect(emulator.requests[0]?.headers['api-key']).toBe(CANARY_KEY);
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 100, run);
  });

  it('rebuilds the deployment address when the learner pasted a longer one', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY });
    const outcome = await service.run(azure(`${emulator.url}/openai/deployments/other/chat/completions?api-version=2023-05-15`), { locale: 'en' });
    expect(outcome.success).toBe(true);
    expect(emulator.requests[0]?.path).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21');
  });

  it('speaks the v1 API when the address has /openai/v1: the deployment as model, no api-version', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'success', deployment: 'tutor-4o' } });
    const outcome = await service.run(azure(`${emulator.url}/openai/v1/`, 'tutor-4o'), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome).toMatchObject({ success: true, responsePreview: 'Ready.' });
    expect(emulator.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expect(emulator.requests[0]?.headers['api-key']).toBe(CANARY_KEY);
    expect(emulator.requests[0]?.json).toMatchObject({ model: 'tutor-4o' });
    expectNoSecrets(outcome);
  });

  it('reports a prompt the content filter blocked as CONTENT_FILTERED, not retryable, in both languages', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'prompt-filtered' } });
    const outcome = await service.run(azure(emulator.url), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'CONTENT_FILTERED', retryable: false, retryAfterMs: null, providerStatus: 400 });
    expect(outcome.userMessage).toBe("Azure's content filter blocked the test prompt.");
    expect(outcome.remediation).toBe("Try a different prompt, or check the deployment's content filter settings.");
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    const es = await service.run(azure(emulator.url), { locale: 'es' });
    expect(es.userMessage).toBe('El filtro de contenido de Azure bloqueó el mensaje de prueba.');
  });

  it('reports an answer the content filter withheld (200, finish_reason content_filter) as CONTENT_FILTERED, never success', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'answer-filtered' } });
    const outcome = await service.run(azure(emulator.url), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'CONTENT_FILTERED', retryable: false, providerStatus: 200, responsePreview: null });
    expect(outcome.userMessage).toBe("Azure's content filter withheld the model's answer.");
    expectContractShape(outcome);
    const es = await service.run(azure(emulator.url), { locale: 'es' });
    expect(es.userMessage).toBe('El filtro de contenido de Azure retuvo la respuesta del modelo.');
  });

  it('reports a refused key as PROVIDER_UNAUTHORIZED with the Azure portal remedy', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'unauthorized' } });
    const outcome = await service.run(azure(emulator.url), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_UNAUTHORIZED', retryable: false, providerStatus: 401 });
    expect(outcome.userMessage).toBe('Azure refused the API key for this resource.');
    expect(outcome.remediation).toContain('Keys and Endpoint');
    expectContractShape(outcome);
    expectNoSecrets(outcome);
  });

  it('reports a missing deployment as MODEL_NOT_FOUND naming the deployment', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'deployment-not-found' } });
    const outcome = await service.run(azure(emulator.url, 'gpt4o'), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'MODEL_NOT_FOUND', retryable: false, providerStatus: 404, modelName: 'gpt4o' });
    expect(outcome.userMessage).toBe("Azure has no deployment named 'gpt4o' — check the deployment name, not the model name.");
    expect(outcome.notes).toEqual(["The provider's error code was 'DeploymentNotFound'."]);
    expectContractShape(outcome);

    const es = await service.run(azure(emulator.url, 'gpt4o'), { locale: 'es' });
    expect(es.userMessage).toBe("Azure no tiene ninguna implementación llamada 'gpt4o': revisa el nombre de la implementación, no el del modelo.");
  });

  it('reports a deployment named after the model the same way', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'success', deployment: 'tutor-4o' } });
    const outcome = await service.run(azure(emulator.url, 'gpt-4o'), { locale: 'en' });
    expect(outcome.errorCode).toBe('MODEL_NOT_FOUND');
    expect(outcome.userMessage).toContain("'gpt-4o'");
  });

  it('reports 429 as RATE_LIMITED with the wait Azure asked for', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY, scenario: { name: 'rate-limited', retryAfterSeconds: 7 } });
    const outcome = await service.run(azure(emulator.url), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'RATE_LIMITED', retryable: true, retryAfterMs: 7000, providerStatus: 429 });
    expect(outcome.remediation).toBe('Wait about 7 seconds, then try again.');
    expectContractShape(outcome);

    emulator.setScenario({ name: 'rate-limited', retryAfterSeconds: 7, retryAfterMs: 1500 });
    const precise = await service.run(azure(emulator.url), { locale: 'en' });
    expect(precise.retryAfterMs).toBe(1500);
    expect(precise.remediation).toBe('Wait about 2 seconds, then try again.');

    emulator.setScenario({ name: 'rate-limited' });
    const unsaid = await service.run(azure(emulator.url), { locale: 'en' });
    expect(unsaid).toMatchObject({ errorCode: 'RATE_LIMITED', retryAfterMs: null, remediation: 'Wait a minute, then try again.' });
  });

  it('says a profile without a deployment cannot be tested, without calling Azure', async () => {
    const emulator = await emulators.start('azure', { apiKey: CANARY_KEY });
    const outcome = await service.run(azure(emulator.url, null), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'MODEL_NOT_FOUND', retryable: false, latencyMs: 0, providerStatus: null });
    expect(outcome.userMessage).toBe('This Azure profile names no deployment, so there is nothing to test.');
    expect(emulator.connections()).toBe(0);
    expectContractShape(outcome);
  });
});
