import { anthropicAdapter } from '../../../src/providers/anthropic.js';
import { azureAdapter } from '../../../src/providers/azure.js';
import { llamaCppAdapter } from '../../../src/providers/llama-cpp.js';
import { ollamaAdapter } from '../../../src/providers/ollama.js';
import { openAiCompatibleAdapter } from '../../../src/providers/openai-compatible.js';
import type { ChatPlan, ChatTarget, Exchange, OutboundRequest, ProviderAdapter, ProviderReply } from '../../../src/providers/types.js';

function reply(status: number, json: unknown): ProviderReply {
  return { kind: 'reply', status, headers: {}, body: JSON.stringify(json), json };
}

/** An exchange that answers from a script and keeps what was asked; adapters do no I/O of their own. */
function scripted(answers: ProviderReply[]): { exchange: Exchange; sent: OutboundRequest[] } {
  const sent: OutboundRequest[] = [];
  return {
    sent,
    exchange: async (request) => {
      sent.push(request);
      const next = answers.shift();
      if (!next) throw new Error('unexpected request');
      return next;
    },
  };
}

/** llama.cpp is asked what it serves before the prompt goes out. */
const LLAMA_LISTING = reply(200, { object: 'list', data: [{ id: '/models/m.gguf', object: 'model', owned_by: 'llamacpp' }] });

async function planOf(
  adapter: ProviderAdapter,
  target: Partial<ChatTarget> & { endpointUrl: string },
  answers: ProviderReply[] = adapter === llamaCppAdapter ? [LLAMA_LISTING] : [],
): Promise<ChatPlan> {
  const { exchange } = scripted(answers);
  const plan = await adapter.plan({ modelId: 'm', apiKey: null, ...target }, 'hi', exchange);
  if (plan.kind !== 'plan') throw new Error(`no plan: ${plan.errorCode}`);
  return plan;
}

describe('request shapes', () => {
  it.each([
    [llamaCppAdapter, 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/chat/completions'],
    [llamaCppAdapter, 'http://127.0.0.1:8080/v1/chat/completions', 'http://127.0.0.1:8080/v1/chat/completions'],
    [ollamaAdapter, 'http://localhost:11434/api', 'http://localhost:11434/api/chat'],
    [ollamaAdapter, 'http://localhost:11434/v1/', 'http://localhost:11434/api/chat'],
    [openAiCompatibleAdapter, 'https://api.openai.com', 'https://api.openai.com/v1/chat/completions'],
    [openAiCompatibleAdapter, 'https://openrouter.ai/api/v1', 'https://openrouter.ai/api/v1/chat/completions'],
    [openAiCompatibleAdapter, 'http://127.0.0.1:1234/v1/chat/completions', 'http://127.0.0.1:1234/v1/chat/completions'],
    [anthropicAdapter, 'https://api.anthropic.com', 'https://api.anthropic.com/v1/messages'],
    [anthropicAdapter, 'https://api.anthropic.com/v1/messages', 'https://api.anthropic.com/v1/messages'],
    [azureAdapter, 'https://tutor.openai.azure.com/', 'https://tutor.openai.azure.com/openai/deployments/m/chat/completions?api-version=2024-10-21'],
    [azureAdapter, 'https://tutor.cognitiveservices.azure.com/', 'https://tutor.cognitiveservices.azure.com/openai/deployments/m/chat/completions?api-version=2024-10-21'],
    [azureAdapter, 'https://tutor.openai.azure.com/openai/v1/', 'https://tutor.openai.azure.com/openai/v1/chat/completions'],
    [azureAdapter, 'https://tutor.services.ai.azure.com', 'https://tutor.services.ai.azure.com/openai/v1/chat/completions'],
    [
      azureAdapter,
      'https://tutor.services.ai.azure.com/openai/deployments/m/chat/completions?api-version=2024-10-21',
      'https://tutor.services.ai.azure.com/openai/deployments/m/chat/completions?api-version=2024-10-21',
    ],
  ] as const)('%#: %s → %s', async (adapter, endpointUrl, expected) => {
    expect((await planOf(adapter, { endpointUrl })).request.url.href).toBe(expected);
  });

  it('puts each key in its provider’s header and nowhere else', async () => {
    const headersOf = async (adapter: ProviderAdapter) => (await planOf(adapter, { endpointUrl: 'https://h.openai.azure.com', apiKey: 'k-1' })).request.headers;
    expect(await headersOf(llamaCppAdapter)).toEqual({ authorization: 'Bearer k-1' });
    expect(await headersOf(openAiCompatibleAdapter)).toEqual({ authorization: 'Bearer k-1' });
    expect(await headersOf(azureAdapter)).toEqual({ 'api-key': 'k-1' });
    expect(await headersOf(anthropicAdapter)).toEqual({ 'x-api-key': 'k-1', 'anthropic-version': '2023-06-01' });
    expect(await headersOf(ollamaAdapter)).toEqual({});
  });

  it('names the deployment as the model on Azure’s v1 API, and only there', async () => {
    expect((await planOf(azureAdapter, { endpointUrl: 'https://h.openai.azure.com/openai/v1', modelId: 'tutor-4o' })).request.json).toMatchObject({ model: 'tutor-4o' });
    expect((await planOf(azureAdapter, { endpointUrl: 'https://h.openai.azure.com', modelId: 'tutor-4o' })).request.json).not.toHaveProperty('model');
  });

  it('asks llama.cpp’s /props for the model file when /v1/models lists none', async () => {
    const { exchange, sent } = scripted([reply(200, { object: 'list', data: [] }), reply(200, { model_path: 'C:\\models\\phi-3-mini-q4.gguf', total_slots: 1 })]);
    const plan = await llamaCppAdapter.plan({ endpointUrl: 'http://127.0.0.1:9931', modelId: null, apiKey: null }, 'hi', exchange);
    expect(sent.map((r) => r.url.pathname)).toEqual(['/v1/models', '/props']);
    expect(plan).toMatchObject({ kind: 'plan', model: 'phi-3-mini-q4.gguf', notes: [] });
  });

  it('routes by name on a llama.cpp router that serves several models', async () => {
    const listing = reply(200, { data: [{ id: 'ggml-org/gemma-3-4b-it-GGUF:Q4_K_M' }, { id: 'qwen3-8b' }] });
    const named = await planOf(llamaCppAdapter, { endpointUrl: 'http://127.0.0.1:8080', modelId: 'qwen3-8b' }, [listing]);
    expect(named).toMatchObject({ model: 'qwen3-8b', notes: [] });
    expect(named.request.json).toMatchObject({ model: 'qwen3-8b' });
    const unnamed = await planOf(llamaCppAdapter, { endpointUrl: 'http://127.0.0.1:8080', modelId: null }, [listing]);
    expect(unnamed).toMatchObject({ model: 'ggml-org/gemma-3-4b-it-GGUF:Q4_K_M', notes: [{ key: 'outcome.note.firstListedModel' }] });
  });

  it('escapes a deployment name in the path', async () => {
    const plan = await planOf(azureAdapter, { endpointUrl: 'https://h.openai.azure.com', modelId: 'my dep/1' });
    expect(plan.request.url.pathname).toBe('/openai/deployments/my%20dep%2F1/chat/completions');
  });

  it('asks an OpenAI-compatible server without a model for its list, and goes on without one when there is none', async () => {
    const { exchange, sent } = scripted([reply(404, { error: 'Unexpected endpoint' })]);
    const plan = await openAiCompatibleAdapter.plan({ endpointUrl: 'http://127.0.0.1:5001/v1', modelId: null, apiKey: null }, 'hi', exchange);
    expect(sent.map((r) => `${r.method} ${r.url.pathname} ${String(r.carriesPrompt)}`)).toEqual(['GET /v1/models false']);
    expect(plan).toMatchObject({ kind: 'plan', model: null, notes: [] });
    expect((plan as ChatPlan).request.json).not.toHaveProperty('model');
  });

  it('stops at a listing that refuses the key', async () => {
    const { exchange } = scripted([reply(401, { error: { message: 'no', type: 'invalid_request_error', code: 'invalid_api_key' } })]);
    const plan = await openAiCompatibleAdapter.plan({ endpointUrl: 'http://127.0.0.1:1337/v1', modelId: null, apiKey: null }, 'hi', exchange);
    expect(plan).toMatchObject({ kind: 'failure', errorCode: 'PROVIDER_UNAUTHORIZED' });
  });
});

describe('reading replies', () => {
  const plan = (model: string | null = 'm'): ChatPlan => ({
    kind: 'plan',
    request: { method: 'POST', url: new URL('http://h'), headers: {}, carriesPrompt: true },
    model,
    notes: [],
  });

  it('reads text parts and a null content from chat completions', () => {
    const parts = reply(200, {
      model: 'x',
      choices: [
        {
          message: {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Re' },
              { type: 'text', text: 'ady' },
            ],
          },
        },
      ],
    });
    expect(openAiCompatibleAdapter.read(parts, plan())).toMatchObject({ kind: 'answer', text: 'Ready', modelName: 'x', timings: null });
    const empty = reply(200, { choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: null } }] });
    expect(azureAdapter.read(empty, plan('dep'))).toMatchObject({ kind: 'answer', text: '', modelName: 'dep' });
    expect(llamaCppAdapter.read(reply(200, { choices: [{ text: 'legacy' }] }), plan())).toMatchObject({ errorCode: 'INVALID_RESPONSE', variant: 'noAnswer' });
  });

  it('tells vLLM’s unknown model apart from a wrong address', () => {
    const vllm = reply(404, { object: 'error', message: 'The model `m` does not exist.', type: 'NotFoundError', code: 404 });
    expect(openAiCompatibleAdapter.read(vllm, plan())).toMatchObject({ errorCode: 'MODEL_NOT_FOUND', retryable: false });
    expect(openAiCompatibleAdapter.read({ kind: 'reply', status: 404, headers: {}, body: 'Not Found', json: undefined }, plan())).toMatchObject({
      errorCode: 'PROVIDER_ERROR',
      variant: 'notFound',
      retryable: false,
    });
    expect(openAiCompatibleAdapter.read(reply(400, { error: { message: 'bad', type: 'invalid_request_error', code: null } }), plan())).toMatchObject({
      errorCode: 'PROVIDER_ERROR',
      retryable: false,
      providerCode: 'invalid_request_error',
    });
  });

  it('recognises Ollama running out of memory and Azure’s content filter on the prompt and on the answer', () => {
    const memory = reply(500, { error: 'model requires more system memory (11.2 GiB) than is available (4.0 GiB)' });
    expect(ollamaAdapter.read(memory, plan())).toMatchObject({ errorCode: 'PROVIDER_ERROR', variant: 'memory', retryable: false });
    const filter = reply(400, { error: { code: 'content_filter', message: 'The response was filtered' } });
    expect(azureAdapter.read(filter, plan())).toMatchObject({ errorCode: 'CONTENT_FILTERED', retryable: false });
    const filtered = reply(200, { choices: [{ finish_reason: 'content_filter', message: { role: 'assistant', content: null } }] });
    expect(azureAdapter.read(filtered, plan('dep'))).toMatchObject({ errorCode: 'CONTENT_FILTERED', variant: 'answer', retryable: false, providerStatus: 200 });
    expect(azureAdapter.read(reply(429, { error: { code: 'insufficient_quota', message: 'x' } }), plan())).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED', retryable: false });
  });

  it('reads Anthropic’s billing and overload answers', () => {
    expect(anthropicAdapter.read(reply(402, { type: 'error', error: { type: 'billing_error', message: 'x' } }), plan())).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED' });
    expect(
      anthropicAdapter.read(reply(400, { type: 'error', error: { type: 'invalid_request_error', message: 'You have reached your specified API usage limits.' } }), plan()),
    ).toMatchObject({ errorCode: 'QUOTA_EXHAUSTED' });
    expect(anthropicAdapter.read(reply(400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: field required' } }), plan())).toMatchObject({
      errorCode: 'PROVIDER_ERROR',
      retryable: false,
    });
    expect(anthropicAdapter.read(reply(500, { type: 'error', error: { type: 'api_error', message: 'x' } }), plan())).toMatchObject({
      errorCode: 'PROVIDER_ERROR',
      retryable: true,
    });
    expect(anthropicAdapter.read(reply(200, { type: 'error', error: { type: 'overloaded_error', message: 'x' } }), plan())).toMatchObject({ errorCode: 'INVALID_RESPONSE' });
  });

  it('reports an empty answer cut off at the budget as ANSWER_CUT_OFF in every protocol, but keeps a cut answer that has text', () => {
    const cut = reply(200, { model: 'gpt-5-nano', choices: [{ finish_reason: 'length', message: { role: 'assistant', content: '' } }] });
    expect(openAiCompatibleAdapter.read(cut, plan())).toMatchObject({ errorCode: 'ANSWER_CUT_OFF', retryable: false, providerStatus: 200 });
    const partial = reply(200, { model: 'm', choices: [{ finish_reason: 'length', message: { role: 'assistant', content: 'Rea' } }] });
    expect(openAiCompatibleAdapter.read(partial, plan())).toMatchObject({ kind: 'answer', text: 'Rea' });
    const ollama = reply(200, { model: 'qwen3', message: { role: 'assistant', content: '', thinking: 'Hmm…' }, done: true, done_reason: 'length' });
    expect(ollamaAdapter.read(ollama, plan())).toMatchObject({ errorCode: 'ANSWER_CUT_OFF' });
    const anthropic = reply(200, { type: 'message', content: [], stop_reason: 'max_tokens' });
    expect(anthropicAdapter.read(anthropic, plan())).toMatchObject({ errorCode: 'ANSWER_CUT_OFF' });
  });

  it('never shows llama.cpp’s echo of the requested model as the model’s name', () => {
    const echoed = reply(200, {
      model: 'gpt-3.5-turbo',
      choices: [{ message: { role: 'assistant', content: 'ok' } }],
      usage: { prompt_tokens: 31, completion_tokens: 1 },
      timings: { prompt_n: 1, cache_n: 30, predicted_n: 1 },
    });
    expect(llamaCppAdapter.read(echoed, plan('qwen.gguf'))).toMatchObject({ kind: 'answer', modelName: 'qwen.gguf', timings: { promptTokens: 31, completionTokens: 1 } });
    expect(llamaCppAdapter.read(echoed, plan(null))).toMatchObject({ kind: 'answer', modelName: null });
    const noUsage = reply(200, { choices: [{ message: { role: 'assistant', content: 'ok' } }], timings: { prompt_n: 1, cache_n: 30, predicted_n: 2 } });
    expect(llamaCppAdapter.read(noUsage, plan())).toMatchObject({ timings: { promptTokens: 31, completionTokens: 2 } });
  });

  it('leaves out provider figures that are missing or nonsense', () => {
    const body = { model: 'm', message: { role: 'assistant', content: 'ok' }, eval_count: -1, eval_duration: 'fast', load_duration: 2_000_000 };
    const answer = ollamaAdapter.read(reply(200, body), plan());
    expect(answer.kind === 'answer' && answer.timings).toEqual({ loadMs: 2 });
  });
});

describe('fixing a refused field once', () => {
  const planWith = (json: Record<string, unknown>, notes: ChatPlan['notes'] = []): ChatPlan => ({
    kind: 'plan',
    request: { method: 'POST', url: new URL('http://h/v1/chat/completions'), headers: {}, json, carriesPrompt: true },
    model: 'm',
    notes,
  });
  const openAi = (code: string, param: string) => reply(400, { error: { message: 'x', type: 'invalid_request_error', param, code } });

  it('moves the budget from max_tokens to max_completion_tokens, with room to think', () => {
    const revised = openAiCompatibleAdapter.revise?.(openAi('unsupported_parameter', 'max_tokens'), planWith({ model: 'm', messages: [], max_tokens: 64 }));
    expect(revised?.request.json).toEqual({ model: 'm', messages: [], max_completion_tokens: 1024 });
    expect(revised?.notes).toEqual([{ key: 'outcome.note.fieldReplaced', params: { field: 'max_tokens', replacement: 'max_completion_tokens' } }]);
  });

  it('drops a temperature a reasoning model refuses', () => {
    const revised = azureAdapter.revise?.(openAi('unsupported_value', 'temperature'), planWith({ messages: [], temperature: 0.2 }));
    expect(revised?.request.json).toEqual({ messages: [] });
    expect(revised?.notes).toEqual([{ key: 'outcome.note.fieldDropped', params: { field: 'temperature' } }]);
  });

  it('leaves alone a refusal that names no field it sent, an essential field, or another kind of 400', () => {
    const sent = planWith({ model: 'm', messages: [], max_tokens: 64 });
    expect(openAiCompatibleAdapter.revise?.(openAi('unsupported_parameter', 'logprobs'), sent)).toBeNull();
    expect(openAiCompatibleAdapter.revise?.(openAi('unsupported_parameter', 'model'), sent)).toBeNull();
    expect(openAiCompatibleAdapter.revise?.(openAi('invalid_value', 'max_tokens'), sent)).toBeNull();
    expect(openAiCompatibleAdapter.revise?.(reply(500, { error: { code: 'unsupported_parameter', param: 'max_tokens' } }), sent)).toBeNull();
  });
});
