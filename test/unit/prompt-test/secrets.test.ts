import { PromptTestService, type TestOutcome } from '../../../src/prompt-test/prompt-test-service.js';
import type { EmulatorKind, ScenarioByKind } from '../../support/emulators/providers/index.js';
import { CANARY_KEY, CANARY_PROMPT, emulatorPool, expectContractShape, expectNoSecrets, target } from './support.js';

/** Kind, scenario, provider type, path, and the key the emulator expects when it is not the canary (a refused key). */
type Case = { [K in EmulatorKind]: [K, ScenarioByKind[K], TestOutcome['providerType'], string, string | null] }[EmulatorKind];

const CASES: Case[] = [
  ['llama.cpp', { name: 'success' }, 'llama.cpp', '', null],
  ['llama.cpp', { name: 'success' }, 'llama.cpp', '', 'sk-the-key-the-server-was-started-with'],
  ['ollama', { name: 'model-not-found' }, 'ollama', '', null],
  ['azure', { name: 'unauthorized' }, 'azure', '', null],
  ['azure', { name: 'rate-limited', retryAfterSeconds: 3 }, 'azure', '', null],
  ['openai', { name: 'unauthorized' }, 'custom', '/v1', null],
  ['openai', { name: 'insufficient-quota' }, 'custom', '/v1', null],
  ['openai', { name: 'lmstudio-error' }, 'custom', '/v1', null],
  ['openai', { name: 'non-json' }, 'custom', '/v1', null],
  ['anthropic', { name: 'unauthorized' }, 'anthropic', '', null],
  ['anthropic', { name: 'credit-exhausted' }, 'anthropic', '', null],
];

describe('secrets in test outcomes', () => {
  const emulators = emulatorPool();

  it.each(CASES)('%s %j: neither the key nor the prompt reaches the outcome', async (kind, scenario, providerType, path, serverKey) => {
    const service = new PromptTestService();
    const emulator = await emulators.start(kind, { apiKey: serverKey ?? CANARY_KEY, scenario } as never);
    const outcome = await service.run(target({ providerType, endpointUrl: `${emulator.url}${path}`, modelId: kind === 'azure' ? 'gpt4o' : 'model-x', apiKey: CANARY_KEY }), {
      prompt: CANARY_PROMPT,
      locale: 'en',
    });
    // The emulator did receive them (Ollama takes no key), so their absence below is the service's doing.
    expect(JSON.stringify(emulator.requests).includes(CANARY_KEY)).toBe(providerType !== 'ollama');
    expect(JSON.stringify(emulator.requests)).toContain(CANARY_PROMPT);
    expectNoSecrets(outcome);
    // llama.cpp is first asked which model it serves (no prompt in that call).
    expect(emulator.requests).toHaveLength(kind === 'llama.cpp' ? 2 : 1);
    expect(emulator.requests.slice(0, -1).map((request) => request.body.includes(CANARY_PROMPT))).toEqual(kind === 'llama.cpp' ? [false] : []);
    expect(outcome.promptLength).toBe(CANARY_PROMPT.length);
    expectContractShape(outcome);
  });

  it('hides the prompt when a model echoes it, and the key when it was pasted as the model name', async () => {
    const service = new PromptTestService();
    const emulator = await emulators.start('openai', { apiKey: CANARY_KEY, scenario: { name: 'success', reply: `You said: ${CANARY_PROMPT}. Ready. ${CANARY_KEY}` } });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: CANARY_KEY, apiKey: CANARY_KEY }), {
      prompt: CANARY_PROMPT,
      locale: 'en',
    });
    expect(outcome.success).toBe(true);
    expect(outcome.responsePreview).toBe('You said: […]. Ready. […]');
    expect(outcome.modelName).toBe('[…]');
    expectNoSecrets(outcome);
  });

  it('hides a prompt echoed across the 500-character cut, not only whole ones', async () => {
    const service = new PromptTestService();
    const emulator = await emulators.start('openai', { scenario: { name: 'success', reply: `${'a'.repeat(490)}${CANARY_PROMPT}` } });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1`, modelId: 'm' }), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(outcome.responsePreview).toBe(`${'a'.repeat(490)}[…]`);
    expect(outcome.responseTruncated).toBe(false);
    expect(outcome.responsePreview).not.toContain(CANARY_PROMPT.slice(0, 10));
  });

  it('keeps what a server says about itself short enough for the contract', async () => {
    const service = new PromptTestService();
    const longName = `model-${'x'.repeat(400)}`;
    const emulator = await emulators.start('openai', { models: [longName], scenario: { name: 'success', model: longName } });
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl: `${emulator.url}/v1` }), { locale: 'en' });
    expect(outcome.success).toBe(true);
    expect(Array.from(outcome.modelName ?? '')).toHaveLength(256);
    expect(outcome.notes[0]?.length).toBeLessThan(200);
    expectContractShape(outcome);
  });

  it('sends the listing call and the chat call separately, the listing with no prompt', async () => {
    const service = new PromptTestService();
    const emulator = await emulators.start('ollama', { scenario: { name: 'model-not-found', models: ['llama3.2:latest'] } });
    const outcome = await service.run(target({ providerType: 'ollama', endpointUrl: emulator.url }), { prompt: CANARY_PROMPT, locale: 'en' });
    expect(emulator.requests.map((request) => [request.method, request.path, request.body.includes(CANARY_PROMPT)])).toEqual([
      ['GET', '/api/tags', false],
      ['POST', '/api/chat', true],
    ]);
    expect(outcome.errorCode).toBe('MODEL_NOT_FOUND');
    expect(outcome.providerStatus).toBe(404);
  });
});
