/**
 * Today's provider APIs, each fact one case against an emulator that plays it: OpenAI's
 * reasoning models, Mistral's strict schema, billing versus rate limits, and error bodies of
 * every shape the servers really send.
 */
import type { LookupFunction } from 'node:net';
import { PromptTestService, type TestOutcome } from '../../../src/prompt-test/prompt-test-service.js';
import type { OpenAiScenario, RealReplyName } from '../../support/emulators/providers/index.js';
import { CANARY_KEY, CANARY_PROMPT, bodyOf, emulatorPool, expectContractShape, expectNoSecrets, target } from './support.js';

/** Every name resolves to this computer, so a hosted service's address reaches its emulator. */
const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
  if (typeof options === 'object' && options !== null && (options as { all?: boolean }).all) {
    (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  } else callback(null, '127.0.0.1', 4);
};

describe('today’s provider APIs', () => {
  const emulators = emulatorPool();
  const service = new PromptTestService({ lookup: loopbackLookup });

  async function custom(scenario: OpenAiScenario, modelId: string, options: { dialect?: 'mistral'; host?: string; basePath?: string; locale?: 'en' | 'es' } = {}) {
    const emulator = await emulators.start('openai', {
      apiKey: CANARY_KEY,
      scenario,
      basePath: options.basePath ?? '/v1',
      ...(options.dialect ? { dialect: options.dialect } : {}),
    });
    const endpointUrl = `http://${options.host ?? '127.0.0.1'}:${emulator.port}${options.basePath ?? '/v1'}`;
    const outcome = await service.run(target({ providerType: 'custom', endpointUrl, modelId, apiKey: CANARY_KEY }), { prompt: CANARY_PROMPT, locale: options.locale ?? 'en' });
    expectContractShape(outcome);
    expectNoSecrets(outcome);
    return { emulator, outcome };
  }

  describe('OpenAI reasoning models', () => {
    it('get max_completion_tokens with room to think and a low effort, never max_tokens or temperature', async () => {
      const { emulator, outcome } = await custom({ name: 'success', reply: 'Ready.' }, 'o4-mini');
      expect(outcome).toMatchObject({ success: true, modelName: 'o4-mini', responsePreview: 'Ready.', notes: [] });
      expect(emulator.requests).toHaveLength(1);
      const body = bodyOf(emulator);
      expect(body).toMatchObject({ max_completion_tokens: 1024, reasoning_effort: 'low' });
      expect(body).not.toHaveProperty('max_tokens');
      expect(body).not.toHaveProperty('temperature');
    });

    it('keep max_tokens for chat models such as gpt-4o and gpt-5-chat-latest', async () => {
      for (const model of ['gpt-4o-mini', 'gpt-5-chat-latest']) {
        const { emulator, outcome } = await custom({ name: 'success' }, model);
        expect(outcome.success).toBe(true);
        expect(bodyOf(emulator)).toMatchObject({ max_tokens: 64 });
        expect(bodyOf(emulator)).not.toHaveProperty('max_completion_tokens');
      }
    });

    it('are asked once more with max_completion_tokens when a gateway alias turns out to refuse max_tokens', async () => {
      const { emulator, outcome } = await custom({ name: 'success', reasoning: true, thinkingTokens: 300 }, 'tutor-default');
      expect(outcome).toMatchObject({ success: true, responsePreview: 'Ready.', providerStatus: 200 });
      expect(outcome.notes).toEqual(["The server refused 'max_tokens', so the test was sent again with 'max_completion_tokens' instead."]);
      expect(emulator.requests).toHaveLength(2);
      expect(bodyOf(emulator, 0)).toMatchObject({ max_tokens: 64 });
      expect(bodyOf(emulator, 1)).toMatchObject({ max_completion_tokens: 1024 });
      expect(bodyOf(emulator, 1)).not.toHaveProperty('max_tokens');
    });

    it('are asked once more at most: a second refusal is reported as it is', async () => {
      const { emulator, outcome } = await custom({ name: 'real', reply: 'openai-max-tokens-refused' }, 'tutor-default');
      expect(emulator.requests).toHaveLength(2);
      expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_ERROR', retryable: false, providerStatus: 400 });
      expect(outcome.notes).toEqual([
        "The server refused 'max_tokens', so the test was sent again with 'max_completion_tokens' instead.",
        "The provider's error code was 'unsupported_parameter'.",
      ]);
    });

    it('report an empty answer cut off at the budget as ANSWER_CUT_OFF, never as success', async () => {
      const { emulator, outcome } = await custom({ name: 'success', thinkingTokens: 5000 }, 'gpt-5-nano');
      expect(outcome).toMatchObject({
        success: false,
        errorCode: 'ANSWER_CUT_OFF',
        retryable: false,
        retryAfterMs: null,
        providerStatus: 200,
        responsePreview: null,
        modelName: 'gpt-5-nano',
      });
      expect(outcome.userMessage).toBe('The model was reached, but its answer was cut off before any text.');
      expect(outcome.remediation).toMatch(/^This model needs a larger answer budget\./);
      expect(emulator.requests).toHaveLength(1);
      const es = await custom({ name: 'success', thinkingTokens: 5000 }, 'gpt-5-nano', { locale: 'es' });
      expect(es.outcome.userMessage).toBe('Se llegó al modelo, pero su respuesta se cortó antes de tener texto.');
      expect(es.outcome.remediation).toMatch(/^Este modelo necesita un presupuesto de respuesta mayor\./);
    });

    it('drop a refused reasoning_effort once, and say when the default effort then runs out of budget', async () => {
      const { emulator, outcome } = await custom({ name: 'success' }, 'o1-mini');
      expect(emulator.requests).toHaveLength(2);
      expect(bodyOf(emulator, 1)).not.toHaveProperty('reasoning_effort');
      expect(outcome).toMatchObject({ errorCode: 'ANSWER_CUT_OFF', retryable: false, providerStatus: 200 });
      expect(outcome.notes).toEqual(["The server refused 'reasoning_effort', so the test was sent again without it."]);
    });
  });

  describe('Mistral', () => {
    it('gets max_tokens, never max_completion_tokens, for its own models', async () => {
      const { emulator, outcome } = await custom({ name: 'success' }, 'mistral-small-latest', { dialect: 'mistral' });
      expect(outcome.success).toBe(true);
      expect(emulator.requests).toHaveLength(1);
      expect(Object.keys(bodyOf(emulator)).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
    });

    it('is asked once more without the fields its 422 extra_forbidden names', async () => {
      const { emulator, outcome } = await custom({ name: 'success' }, 'o3-mini', { dialect: 'mistral' });
      expect(outcome).toMatchObject({
        success: true,
        notes: [
          "The server refused 'max_completion_tokens', so the test was sent again with 'max_tokens' instead.",
          "The server refused 'reasoning_effort', so the test was sent again without it.",
        ],
      });
      expect(emulator.requests).toHaveLength(2);
      expect(bodyOf(emulator, 1)).toMatchObject({ max_tokens: 1024 });
      expect(Object.keys(bodyOf(emulator, 1)).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
    });

    it('is not asked a third time: a refusal of a field never sent is reported as it is', async () => {
      const { emulator, outcome } = await custom({ name: 'real', reply: 'mistral-extra-forbidden' }, 'mistral-small-latest');
      expect(outcome).toMatchObject({ success: false, errorCode: 'PROVIDER_ERROR', retryable: false, providerStatus: 422 });
      expect(outcome.userMessage).toBe('The server could not accept the test request (status 422).');
      expect(emulator.requests).toHaveLength(1);
    });
  });

  describe('billing versus rate limits', () => {
    it.each([
      ['openrouter.ai', '/api/v1', 'openrouter-credits', 'Your OpenRouter credits have run out.', 'Se te han acabado los créditos de OpenRouter.'],
      ['api.deepseek.com', '/v1', 'deepseek-balance', 'Your DeepSeek credits have run out.', 'Se te han acabado los créditos de DeepSeek.'],
    ] as const)('%s: a 402 is QUOTA_EXHAUSTED, not retryable, naming the service', async (host, basePath, reply, en, es) => {
      const { outcome } = await custom({ name: 'real', reply }, 'deepseek-chat', { host, basePath });
      expect(outcome).toMatchObject({ success: false, errorCode: 'QUOTA_EXHAUSTED', retryable: false, retryAfterMs: null, providerStatus: 402, userMessage: en });
      expect(outcome.remediation).toContain(host === 'openrouter.ai' ? 'OpenRouter' : 'DeepSeek');
      const spanish = await custom({ name: 'real', reply }, 'deepseek-chat', { host, basePath, locale: 'es' });
      expect(spanish.outcome.userMessage).toBe(es);
    });

    it('a 402 from a server of unknown name still says the credit ran out', async () => {
      const { outcome } = await custom({ name: 'real', reply: 'openrouter-credits' }, 'm');
      expect(outcome).toMatchObject({
        errorCode: 'QUOTA_EXHAUSTED',
        retryable: false,
        userMessage: 'The account behind this API key has run out of credit or reached its spending limit.',
      });
    });

    it('OpenAI insufficient_quota is not retryable; rate_limit_exceeded is, after the precise retry-after-ms', async () => {
      const quota = (await custom({ name: 'real', reply: 'openai-quota' }, 'gpt-4o-mini', { host: 'api.openai.com' })).outcome;
      expect(quota).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED', retryable: false, retryAfterMs: null, providerStatus: 429 });
      const rate = (await custom({ name: 'real', reply: 'openai-rate-limit' }, 'gpt-4o-mini', { host: 'api.openai.com' })).outcome;
      expect(rate).toMatchObject({ errorCode: 'RATE_LIMITED', retryable: true, retryAfterMs: 26_604, providerStatus: 429, remediation: 'Wait about 27 seconds, then try again.' });
    });
  });

  describe('error bodies of every shape', () => {
    const cases: [RealReplyName, TestOutcome['errorCode'], boolean, number, string][] = [
      ['gemini-bad-key', 'PROVIDER_UNAUTHORIZED', false, 400, 'The server refused the API key.'],
      ['gemini-rate-limit', 'RATE_LIMITED', true, 429, 'The server is receiving too many requests from this account right now.'],
      ['mistral-extra-forbidden', 'PROVIDER_ERROR', false, 422, 'The server could not accept the test request (status 422).'],
      ['ollama-not-pulled', 'MODEL_NOT_FOUND', false, 404, "The server has no model named 'llama3' downloaded."],
      ['azure-unauthorized', 'PROVIDER_UNAUTHORIZED', false, 401, 'The server refused the API key.'],
      ['vllm-old-not-found', 'MODEL_NOT_FOUND', false, 404, "The server has no model named 'llama3'."],
      ['lmstudio-unexpected-endpoint', 'INVALID_RESPONSE', false, 200, 'The server does not know this address: it answered that the endpoint is unexpected.'],
      ['koboldcpp-not-found', 'PROVIDER_ERROR', false, 404, 'The server has no chat service at this address.'],
      ['llama-loading', 'MODEL_LOADING', true, 503, 'The model is still loading; try again in a few seconds.'],
      ['overloaded-529', 'PROVIDER_ERROR', true, 529, 'The server is overloaded right now.'],
    ];

    it.each(cases)('%s → %s (retryable: %s, status %d)', async (reply, errorCode, retryable, status, userMessage) => {
      const { outcome } = await custom({ name: 'real', reply }, 'llama3');
      expect(outcome).toMatchObject({ success: false, errorCode, retryable, providerStatus: status, userMessage, responsePreview: null });
      expect(outcome.remediation).not.toBeNull();
    });

    it('says how to pull a model Ollama does not have, through its OpenAI-compatible API too', async () => {
      const { outcome } = await custom({ name: 'real', reply: 'ollama-not-pulled' }, 'llama3');
      expect(outcome.remediation).toBe("Run 'ollama pull llama3' where Ollama runs, or choose a model that is already installed.");
    });

    it('reads the waits: a 529 asks for 5 s; a Gemini date already past is no wait at all', async () => {
      expect((await custom({ name: 'real', reply: 'overloaded-529' }, 'm')).outcome.retryAfterMs).toBe(5000);
      expect((await custom({ name: 'real', reply: 'gemini-rate-limit' }, 'm')).outcome.retryAfterMs).toBeNull();
    });
  });
});
