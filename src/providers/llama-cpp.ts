/**
 * llama.cpp's server: OpenAI chat completions at {base}/v1/chat/completions, Bearer auth when
 * it was started with --api-key, and its own `timings` beside `usage`.
 *
 * What a real server (b4748) showed: it echoes whatever `model` a request names (or
 * `gpt-3.5-turbo` when none), so the name shown comes from what it serves — GET /v1/models
 * (public even with a key: the `--alias`, or the model file's path) or else GET /props
 * (`model_path`). `timings.prompt_n` leaves out tokens served from its cache, so token counts
 * come from `usage`. While loading it answers 503 "Loading model" on every path.
 */
import { chatCompletionBody, readChatCompletion, TEST_MAX_TOKENS } from './chat-completions.js';
import { count, isRecord, isSuccessStatus, joinUrl, nonNegative, withoutSuffix } from './classify.js';
import { classifyError } from './error-meanings.js';
import type { ChatPlan, ChatTarget, Exchange, Note, OutboundRequest, ProviderAdapter, ProviderFailure, ProviderReply, ProviderTimings } from './types.js';

/** Usage first; the server's own counts only when it sent no usage (prompt_n + cache_n is the whole prompt). */
function serverTimings(json: unknown): ProviderTimings {
  const body = isRecord(json) ? json : {};
  const timings = isRecord(body.timings) ? body.timings : {};
  const usage = isRecord(body.usage) ? body.usage : {};
  const promptN = count(timings.prompt_n);
  return {
    promptEvalMs: nonNegative(timings.prompt_ms),
    evalMs: nonNegative(timings.predicted_ms),
    promptTokens: count(usage.prompt_tokens) ?? (promptN === undefined ? undefined : promptN + (count(timings.cache_n) ?? 0)),
    completionTokens: count(usage.completion_tokens) ?? count(timings.predicted_n),
    tokensPerSecond: nonNegative(timings.predicted_per_second),
  };
}

/** A model file's path is shown by its file name; an alias or a router's model name as it is. */
function servedName(id: string): string {
  const looksLikePath = /\.gguf$/i.test(id) || /^([/\\~.]|[A-Za-z]:[/\\])/.test(id);
  return looksLikePath ? (id.split(/[/\\]/).filter(Boolean).at(-1) ?? id) : id;
}

function listedModels(json: unknown): string[] {
  const data = isRecord(json) && Array.isArray(json.data) ? json.data : [];
  return data.flatMap((entry) => (isRecord(entry) && typeof entry.id === 'string' && entry.id.length > 0 ? [entry.id] : []));
}

type Served = { models: string[] } | ProviderFailure;

/** What the server runs. A loading server stops the test here, before the prompt is sent. */
async function servedModels(base: URL, headers: Record<string, string>, exchange: Exchange): Promise<Served> {
  const ask = async (path: string): Promise<ProviderReply | ProviderFailure> => {
    const request: OutboundRequest = { method: 'GET', url: joinUrl(base, path), headers, carriesPrompt: false };
    return exchange(request);
  };
  const listing = await ask('/v1/models');
  if (listing.kind === 'failure') return listing;
  if (isSuccessStatus(listing.status)) {
    const models = listedModels(listing.json);
    if (models.length > 0) return { models };
  } else {
    const failed = classifyError(listing);
    if (failed.errorCode === 'MODEL_LOADING') return failed;
  }
  const props = await ask('/props');
  if (props.kind === 'failure') return props;
  const path = isSuccessStatus(props.status) && isRecord(props.json) ? props.json.model_path : undefined;
  return { models: typeof path === 'string' && path.length > 0 ? [path] : [] };
}

/**
 * One model (the usual single-model server) answers whatever is asked, so it is the one named;
 * a router serves several and routes by name, so the profile's model is asked for as it is.
 */
function choose(models: string[], modelId: string | null, notes: Note[]): { ask: string | null; shown: string | null } {
  const names = models.map(servedName);
  const [only] = names;
  if (names.length === 1 && only !== undefined) {
    if (modelId && modelId !== only && modelId !== models[0]) notes.push({ key: 'outcome.note.servedModel', params: { model: only, requested: modelId } });
    return { ask: modelId ?? models[0] ?? null, shown: only };
  }
  if (modelId) return { ask: modelId, shown: modelId };
  const first = models[0] ?? null;
  if (first !== null) notes.push({ key: 'outcome.note.firstListedModel', params: { model: servedName(first) } });
  return { ask: first, shown: first === null ? null : servedName(first) };
}

export const llamaCppAdapter: ProviderAdapter = {
  providerType: 'llama.cpp',

  async plan(target: ChatTarget, prompt: string, exchange: Exchange): Promise<ChatPlan | ProviderFailure> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/v1/chat/completions', '/v1']);
    const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
    const served = await servedModels(base, headers, exchange);
    if ('kind' in served) return served;
    const notes: Note[] = [];
    const { ask, shown } = choose(served.models, target.modelId, notes);
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url: joinUrl(base, '/v1/chat/completions'),
        headers,
        json: chatCompletionBody(ask, prompt, { max_tokens: TEST_MAX_TOKENS }),
        carriesPrompt: true,
      },
      model: shown,
      notes,
    };
  },

  read(reply: ProviderReply, plan: ChatPlan) {
    if (!isSuccessStatus(reply.status)) return classifyError(reply);
    // The reply's `model` is only the request's echo: the name is what the server said it serves.
    return readChatCompletion(reply, plan.model, { timings: serverTimings(reply.json), modelName: plan.model });
  },
};
