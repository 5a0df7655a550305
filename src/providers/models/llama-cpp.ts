/**
 * llama.cpp: GET /v1/models, public even when the server has --api-key (so a list proves
 * nothing about the key). Its id is the --alias or the GGUF path; a path is shown by its file
 * name. `meta` (context length, size, parameters) may be null while the model loads; router
 * mode lists several models with a `status`.
 */
import { errorFields, failure, isRecord, joinUrl, retryAfterMs, withoutSuffix, classifyStatus } from '../classify.js';
import type { Exchange, ProviderFailure, ProviderReply } from '../types.js';
import { fetchList } from './fetch-list.js';
import { entries, listedModel, ModelCollector, modelId, parameterCount } from './read.js';
import type { ListResult, ListTarget, ModelLister } from './types.js';

const LOOKS_LIKE_PATH = /^(\/|~|[A-Za-z]:[\\/]|\.{1,2}[\\/])|\.gguf$/i;

/** The file name of a model path; an alias is kept whole. */
export function llamaModelName(id: string): string {
  if (!LOOKS_LIKE_PATH.test(id)) return id;
  const name = id
    .split(/[\\/]/)
    .filter((part) => part !== '')
    .at(-1);
  return name ?? id;
}

function onError(reply: ProviderReply): ProviderFailure {
  if (reply.status === 503 && errorFields(reply.json)?.message.includes('loading model')) {
    return failure('MODEL_LOADING', true, reply, { retryAfterMs: retryAfterMs(reply) });
  }
  return classifyStatus(reply);
}

function capabilities(architecture: unknown): string[] | undefined {
  if (!isRecord(architecture) || !Array.isArray(architecture.input_modalities)) return undefined;
  const inputs = architecture.input_modalities;
  return [...(inputs.includes('image') ? ['vision'] : []), ...(inputs.includes('audio') ? ['audio'] : [])];
}

function loadedOf(status: unknown): boolean | undefined {
  const value = isRecord(status) ? status.value : status;
  return typeof value === 'string' ? value === 'loaded' : undefined;
}

export const llamaCppLister: ModelLister = {
  async list(target: ListTarget, exchange: Exchange, maxModels: number): Promise<ListResult> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/v1/chat/completions', '/v1/models', '/v1']);
    const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
    const listed = await fetchList(exchange, joinUrl(base, '/v1/models'), headers, onError);
    if (listed.kind === 'failure') return listed;
    const list = entries(listed.json, 'data');
    if (list === null) return failure('INVALID_RESPONSE', false, listed.reply, { variant: 'noAnswer' });

    const collector = new ModelCollector(maxModels);
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const raw = modelId(entry.id);
      if (raw === null) continue;
      const id = llamaModelName(raw);
      const meta = isRecord(entry.meta) ? entry.meta : {};
      collector.add(
        listedModel(id, {
          contextLength: meta.n_ctx_train,
          sizeBytes: meta.size,
          parameterSize: parameterCount(meta.n_params),
          loaded: loadedOf(entry.status),
          capabilities: capabilities(entry.architecture),
        }),
      );
    }
    return { kind: 'listing', models: collector.models, truncated: collector.truncated, filtered: 0, keyChecked: false, providerStatus: listed.reply.status };
  },
};
