/**
 * llama.cpp's server: OpenAI chat completions at {base}/v1/chat/completions, Bearer auth when
 * it was started with --api-key, and its own `timings` beside `usage`. While it loads a model
 * it answers 503 `{"error":{"code":503,"message":"Loading model"}}`.
 */
import { chatCompletionBody, readChatCompletion, TEST_MAX_TOKENS } from './chat-completions.js';
import { classifyStatus, count, errorFields, failure, isRecord, isSuccessStatus, joinUrl, nonNegative, retryAfterMs, withoutSuffix } from './classify.js';
import type { ChatPlan, ChatTarget, ProviderAdapter, ProviderReply, ProviderTimings } from './types.js';

function serverTimings(json: unknown): ProviderTimings {
  const timings = isRecord(json) && isRecord(json.timings) ? json.timings : {};
  return {
    promptEvalMs: nonNegative(timings.prompt_ms),
    evalMs: nonNegative(timings.predicted_ms),
    promptTokens: count(timings.prompt_n),
    completionTokens: count(timings.predicted_n),
    tokensPerSecond: nonNegative(timings.predicted_per_second),
  };
}

export const llamaCppAdapter: ProviderAdapter = {
  providerType: 'llama.cpp',

  async plan(target: ChatTarget, prompt: string): Promise<ChatPlan> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/v1/chat/completions', '/v1']);
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url: joinUrl(base, '/v1/chat/completions'),
        headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
        json: chatCompletionBody(target.modelId, prompt, { max_tokens: TEST_MAX_TOKENS }),
        carriesPrompt: true,
      },
      model: target.modelId,
      notes: [],
    };
  },

  read(reply: ProviderReply, plan: ChatPlan) {
    if (isSuccessStatus(reply.status)) return readChatCompletion(reply, plan.model, serverTimings(reply.json));
    const fields = errorFields(reply.json);
    if (reply.status === 503 && fields?.message.includes('loading model')) {
      return failure('MODEL_LOADING', true, reply, { retryAfterMs: retryAfterMs(reply) });
    }
    return classifyStatus(reply);
  },
};
