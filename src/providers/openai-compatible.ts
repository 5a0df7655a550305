/**
 * Any OpenAI-compatible server (OpenAI, LM Studio, vLLM, LocalAI, KoboldCpp, Jan, Mistral,
 * OpenRouter, ...): POST {base}/chat/completions with Bearer auth, `/v1` assumed when the
 * address has no path. With no model named, the first one {base}/models lists is used, and the
 * outcome says so. The answer budget's field follows the model's family, and a field the server
 * refuses is fixed once.
 */
import { answerBudget, chatCompletionBody, readChatCompletion, revisedChatPlan } from './chat-completions.js';
import { classifyStatus, isRecord, isSuccessStatus, joinUrl, successBody, withoutSuffix } from './classify.js';
import { classifyError } from './error-meanings.js';
import type { ChatAnswer, ChatPlan, ChatTarget, Exchange, Note, ProviderAdapter, ProviderFailure, ProviderReply } from './types.js';

function apiBase(endpointUrl: string, notes: Note[]): URL {
  const url = withoutSuffix(new URL(endpointUrl), ['/chat/completions']);
  if (url.pathname === '/' || url.pathname === '') {
    notes.push({ key: 'outcome.note.v1Added' });
    return joinUrl(url, '/v1');
  }
  return url;
}

function firstListedModel(json: unknown): string | null {
  const data = isRecord(json) && Array.isArray(json.data) ? json.data : [];
  const first: unknown = data[0];
  return isRecord(first) && typeof first.id === 'string' && first.id.length > 0 ? first.id : null;
}

/** A server that lists no models (or has no list) may still answer with its default one. */
async function pickModel(base: URL, headers: Record<string, string>, exchange: Exchange, notes: Note[]): Promise<string | null | ProviderFailure> {
  const reply = await exchange({ method: 'GET', url: joinUrl(base, '/models'), headers, carriesPrompt: false });
  if (reply.kind === 'failure') return reply;
  if (reply.status === 401 || reply.status === 403) return classifyStatus(reply);
  if (!isSuccessStatus(reply.status)) {
    const failed = classifyError(reply);
    return failed.errorCode === 'MODEL_LOADING' ? failed : null;
  }
  const parsed = successBody(reply);
  const model = parsed.kind === 'body' ? firstListedModel(parsed.body) : null;
  if (model) notes.push({ key: 'outcome.note.firstListedModel', params: { model } });
  return model;
}

export const openAiCompatibleAdapter: ProviderAdapter = {
  providerType: 'custom',

  async plan(target: ChatTarget, prompt: string, exchange: Exchange): Promise<ChatPlan | ProviderFailure> {
    const notes: Note[] = [];
    const base = apiBase(target.endpointUrl, notes);
    const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
    const model = target.modelId ?? (await pickModel(base, headers, exchange, notes));
    if (model !== null && typeof model === 'object') return model;
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url: joinUrl(base, '/chat/completions'),
        headers,
        json: chatCompletionBody(model, prompt, answerBudget(model)),
        carriesPrompt: true,
      },
      model,
      notes,
    };
  },

  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure {
    return isSuccessStatus(reply.status) ? readChatCompletion(reply, plan.model) : classifyError(reply);
  },

  revise: revisedChatPlan,
};
