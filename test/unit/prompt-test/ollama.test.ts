import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PromptTestService } from '../../../src/prompt-test/prompt-test-service.js';
import { CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectLatencyNear, expectNoSecrets, target, warmUp } from './support.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('test prompt through Ollama', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService();
  beforeAll(() => warmUp(service, 'ollama'));

  it('answers with the model, the preview and durations converted from nanoseconds', async () => {
    const emulator = await emulators.start('ollama', { scenario: { name: 'success', delayMs: 120, reply: 'Ready!' } });
    const run = () => service.run(target({ providerType: 'ollama', endpointUrl: emulator.url, modelId: 'llama3.2:latest' }), { prompt: CANARY_PROMPT, locale: 'en' });
    const outcome = await run();

    expect(outcome).toMatchObject({ success: true, modelName: 'llama3.2:latest', responsePreview: 'Ready!', errorCode: null, providerStatus: 200, notes: [] });
    expect(outcome.timings.provider).toEqual({ loadMs: 12.5, promptEvalMs: 130, evalMs: 250, promptTokens: 26, completionTokens: 5, tokensPerSecond: 20 });
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/chat']);
    expect(bodyOf(emulator)).toMatchObject({ model: 'llama3.2:latest', stream: false, messages: [{ role: 'user', content: CANARY_PROMPT }] });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    await expectLatencyNear(outcome, 120, run);
  });

  it('reports a model that is not installed as MODEL_NOT_FOUND with the pull command', async () => {
    const emulator = await emulators.start('ollama');
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url, modelId: 'mistral' }), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'MODEL_NOT_FOUND', retryable: false, providerStatus: 404, modelName: 'mistral' });
    expect(outcome.userMessage).toBe("Ollama has no model named 'mistral' downloaded.");
    expect(outcome.remediation).toBe("Run 'ollama pull mistral' where Ollama runs, or choose a model that is already installed.");
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/chat']);
    expect(bodyOf(emulator)).toMatchObject({ stream: false });

    const es = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url, modelId: 'mistral' }), { locale: 'es' });
    expect(es.userMessage).toBe("Ollama no tiene descargado ningún modelo llamado 'mistral'.");
    expect(es.remediation).toBe("Ejecuta 'ollama pull mistral' donde funciona Ollama o elige un modelo que ya esté instalado.");
    expectContractShape(outcome);
  });

  it('uses the first installed model when none is named, and says so', async () => {
    const emulator = await emulators.start('ollama', { scenario: { name: 'success', models: ['llama3.2:latest', 'qwen2.5:7b'] } });
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { locale: 'en' });
    expect(outcome).toMatchObject({ success: true, modelName: 'llama3.2:latest' });
    expect(outcome.notes).toEqual(["No model was named, so the test used 'llama3.2:latest', the first one installed."]);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/tags', 'POST /api/chat']);
    expect(bodyOf(emulator)).toMatchObject({ model: 'llama3.2:latest' });

    const es = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { locale: 'es' });
    expect(es.notes).toEqual(["No se indicó ningún modelo, así que la prueba usó 'llama3.2:latest', el primero instalado."]);
  });

  it('reports an Ollama with no models as MODEL_NOT_FOUND and suggests pulling one, without sending the prompt', async () => {
    const emulator = await emulators.start('ollama', { scenario: { name: 'no-models' } });
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'MODEL_NOT_FOUND', retryable: false, modelName: null });
    expect(outcome.userMessage).toBe('Ollama is running but has no models installed yet.');
    expect(outcome.remediation).toContain('ollama pull');
    expect(emulator.requests.map((r) => r.path)).toEqual(['/api/tags']);
    expectContractShape(outcome);
  });

  it('reports a stopped Ollama as NETWORK_ERROR, retryable, naming the address', async () => {
    const port = await closedPort();
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: `http://127.0.0.1:${port}`, modelId: 'llama3.2' }), { locale: 'en' });
    expect(outcome).toMatchObject({ success: false, errorCode: 'NETWORK_ERROR', retryable: true, providerStatus: null });
    expect(outcome.userMessage).toBe(`Ollama is not running at 127.0.0.1:${port}.`);
    expectContractShape(outcome);
  });
});
