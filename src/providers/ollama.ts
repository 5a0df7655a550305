/**
 * Ollama's native API: POST {base}/api/chat `{model, messages, stream:false}`; durations come
 * back in nanoseconds. No auth. With no model named, the test asks GET /api/tags and uses the
 * first installed model, and says so.
 */
import { classifyStatus, compactTimings, count, failure, isRecord, isSuccessStatus, joinUrl, nonNegative, successBody, withoutSuffix } from './classify.js';
import { classifyError } from './error-meanings.js';
import type { ChatAnswer, ChatPlan, ChatTarget, Exchange, Note, ProviderAdapter, ProviderFailure, ProviderReply, ProviderTimings } from './types.js';

const NS_PER_MS = 1e-6;
/** Ollama's name for the generation cap. */
const TEST_NUM_PREDICT = 64;

function installedModels(json: unknown): string[] {
  const models = isRecord(json) && Array.isArray(json.models) ? json.models : [];
  return models.flatMap((model) => (isRecord(model) && typeof model.name === 'string' && model.name.length > 0 ? [model.name] : []));
}

async function pickModel(base: URL, target: ChatTarget, exchange: Exchange): Promise<{ model: string; notes: Note[] } | ProviderFailure> {
  if (target.modelId) return { model: target.modelId, notes: [] };
  const reply = await exchange({ method: 'GET', url: joinUrl(base, '/api/tags'), headers: {}, carriesPrompt: false });
  if (reply.kind === 'failure') return reply;
  if (!isSuccessStatus(reply.status)) return classifyStatus(reply);
  const parsed = successBody(reply);
  if (parsed.kind === 'failure') return parsed;
  const [first] = installedModels(parsed.body);
  if (first === undefined) return failure('MODEL_NOT_FOUND', false, reply, { variant: 'noneInstalled' });
  return { model: first, notes: [{ key: 'outcome.note.firstInstalledModel', params: { model: first } }] };
}

function durations(body: Record<string, unknown>): ProviderTimings {
  const evalCount = count(body.eval_count);
  const evalNs = typeof body.eval_duration === 'number' && body.eval_duration > 0 ? body.eval_duration : undefined;
  return {
    loadMs: nonNegative(body.load_duration, NS_PER_MS),
    promptEvalMs: nonNegative(body.prompt_eval_duration, NS_PER_MS),
    evalMs: nonNegative(body.eval_duration, NS_PER_MS),
    promptTokens: count(body.prompt_eval_count),
    completionTokens: evalCount,
    tokensPerSecond: evalCount !== undefined && evalNs !== undefined ? nonNegative(evalCount / (evalNs / 1e9)) : undefined,
  };
}

export const ollamaAdapter: ProviderAdapter = {
  providerType: 'ollama',

  async plan(target: ChatTarget, prompt: string, exchange: Exchange): Promise<ChatPlan | ProviderFailure> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/api/chat', '/api', '/v1']);
    const picked = await pickModel(base, target, exchange);
    if ('kind' in picked) return picked;
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url: joinUrl(base, '/api/chat'),
        headers: {},
        json: { model: picked.model, messages: [{ role: 'user', content: prompt }], stream: false, options: { num_predict: TEST_NUM_PREDICT } },
        carriesPrompt: true,
      },
      model: picked.model,
      notes: picked.notes,
    };
  },

  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure {
    // Ollama's 404 is the model not being pulled: `model "x" not found, try pulling it first`.
    if (!isSuccessStatus(reply.status)) return classifyError(reply);
    const parsed = successBody(reply);
    if (parsed.kind === 'failure') return parsed;
    const { body } = parsed;
    const message = isRecord(body.message) ? body.message : null;
    if (!message || typeof message.content !== 'string') return failure('INVALID_RESPONSE', false, reply, { variant: 'noAnswer' });
    // A thinking model can spend the whole budget on `thinking` and leave the answer empty.
    if (body.done_reason === 'length' && message.content.trim() === '') return failure('ANSWER_CUT_OFF', false, reply);
    return {
      kind: 'answer',
      text: message.content,
      modelName: typeof body.model === 'string' && body.model.length > 0 ? body.model : plan.model,
      timings: compactTimings(durations(body)),
    };
  },
};
