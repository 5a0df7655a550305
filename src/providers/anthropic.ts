/**
 * Anthropic's Messages API: POST {base}/v1/messages with `x-api-key` and `anthropic-version`;
 * errors are `{"type":"error","error":{"type","message"}}`. A profile may leave the model
 * empty: the test then uses a small current model and says which.
 */
import { classifyStatus, compactTimings, count, errorFields, failure, isRecord, isSuccessStatus, joinUrl, retryAfterMs, successBody, withoutSuffix } from './classify.js';
import type { ChatAnswer, ChatPlan, ChatTarget, ProviderAdapter, ProviderFailure, ProviderReply } from './types.js';

const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_MODEL = 'claude-haiku-4-5';
const TEST_MAX_TOKENS = 64;
/** Billing trouble arrives as a 400 invalid_request_error; only its wording tells it apart. */
const SPEND_LIMIT = /credit balance|spend(ing)? limit|usage limit|billing/;

export const anthropicAdapter: ProviderAdapter = {
  providerType: 'anthropic',

  async plan(target: ChatTarget, prompt: string): Promise<ChatPlan> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/v1/messages', '/v1']);
    const model = target.modelId ?? ANTHROPIC_DEFAULT_MODEL;
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url: joinUrl(base, '/v1/messages'),
        headers: { ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}), 'anthropic-version': ANTHROPIC_VERSION },
        json: { model, max_tokens: TEST_MAX_TOKENS, messages: [{ role: 'user', content: prompt }] },
        carriesPrompt: true,
      },
      model,
      notes: target.modelId ? [] : [{ key: 'outcome.note.defaultModel', params: { model } }],
    };
  },

  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure {
    if (!isSuccessStatus(reply.status)) {
      const fields = errorFields(reply.json);
      const type = fields?.type ?? '';
      if (type === 'not_found_error') return failure('MODEL_NOT_FOUND', false, reply);
      if (reply.status === 402 || type === 'billing_error' || (reply.status === 400 && fields !== null && SPEND_LIMIT.test(fields.message))) {
        return failure('QUOTA_EXHAUSTED', false, reply);
      }
      if (reply.status === 529 || type === 'overloaded_error') {
        return failure('PROVIDER_ERROR', true, reply, { variant: 'overloaded', retryAfterMs: retryAfterMs(reply) });
      }
      return classifyStatus(reply);
    }
    const parsed = successBody(reply);
    if (parsed.kind === 'failure') return parsed;
    const { body } = parsed;
    if (body.type === 'error') return failure('INVALID_RESPONSE', false, reply, { variant: 'errorBody' });
    if (!Array.isArray(body.content)) return failure('INVALID_RESPONSE', false, reply, { variant: 'noAnswer' });
    const text = body.content.map((block) => (isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
    const usage = isRecord(body.usage) ? body.usage : {};
    return {
      kind: 'answer',
      text,
      modelName: typeof body.model === 'string' && body.model.length > 0 ? body.model : plan.model,
      timings: compactTimings({ promptTokens: count(usage.input_tokens), completionTokens: count(usage.output_tokens) }),
    };
  },
};
