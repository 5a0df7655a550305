/**
 * OpenAI-compatible servers: GET {base}/models, `{data:[...]}` or, from Together, a bare array.
 * Entries the server marks as unable to chat are left out: OpenAI's embedding, speech, image
 * and moderation ids, Together's `type`, LM Studio's `type: embeddings`. On this computer or
 * the local network LM Studio's /api/v0/models is asked first, for which models are loaded.
 * A list proves the key only where a wrong key would be refused: a service on the internet
 * other than OpenRouter (whose list is public); a local server may ignore keys altogether.
 */
import { classifyStatus, failure, isRecord, joinUrl, withoutSuffix } from '../classify.js';
import type { Exchange } from '../types.js';
import { fetchList, type ListReply } from './fetch-list.js';
import { entries, listedModel, ModelCollector, modelId, type ModelFacts } from './read.js';
import type { ListResult, ListTarget, ModelLister } from './types.js';

const OPENAI_NON_CHAT = /^(text-embedding|tts-|whisper|dall-e|gpt-image|omni-moderation|text-moderation)/i;
const CHAT_TYPES = new Set(['chat', 'language', 'llm', 'vlm']);
const LISTS_WITHOUT_KEY = /(^|\.)openrouter\.ai$/i;

function apiBase(endpointUrl: string): URL {
  const url = withoutSuffix(new URL(endpointUrl), ['/chat/completions', '/models']);
  return url.pathname === '/' || url.pathname === '' ? joinUrl(url, '/v1') : url;
}

/** LM Studio's native API sits beside /v1 on the same origin. */
function lmStudioUrl(base: URL): URL {
  return joinUrl(withoutSuffix(base, ['/v1']), '/api/v0/models');
}

function isChat(entry: Record<string, unknown>, id: string): boolean {
  if (typeof entry.type === 'string' && !CHAT_TYPES.has(entry.type.toLowerCase())) return false;
  return !OPENAI_NON_CHAT.test(id);
}

function facts(entry: Record<string, unknown>): ModelFacts {
  const architecture = isRecord(entry.architecture) ? entry.architecture : {};
  const inputs = Array.isArray(architecture.input_modalities) ? architecture.input_modalities : [];
  const vision = entry.type === 'vlm' || inputs.includes('image');
  return {
    displayName: entry.display_name ?? entry.name,
    contextLength: entry.context_length ?? entry.max_model_len ?? entry.max_context_length,
    loaded: typeof entry.state === 'string' ? entry.state === 'loaded' : undefined,
    family: entry.arch,
    quantisation: entry.quantization,
    capabilities: vision ? ['vision'] : undefined,
  };
}

function isLmStudioList(list: unknown[] | null): list is unknown[] {
  return list?.some((entry) => isRecord(entry) && typeof entry.state === 'string') === true;
}

export const openAiCompatibleLister: ModelLister = {
  async list(target: ListTarget, exchange: Exchange, maxModels: number): Promise<ListResult> {
    const base = apiBase(target.endpointUrl);
    const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
    let listed: ListReply | null = null;
    if (target.local) {
      const native = await fetchList(exchange, lmStudioUrl(base), headers);
      // Nothing listening, or a key refused: asking /models would meet the same answer.
      if (native.kind === 'failure' && (native.providerStatus === null || native.errorCode === 'PROVIDER_UNAUTHORIZED')) return native;
      if (native.kind === 'list' && isLmStudioList(entries(native.json, 'data'))) listed = native;
    }
    if (listed === null) {
      const plain = await fetchList(exchange, joinUrl(base, '/models'), headers, classifyStatus);
      if (plain.kind === 'failure') return plain;
      listed = plain;
    }
    const list = entries(listed.json, 'data');
    if (list === null) return failure('INVALID_RESPONSE', false, listed.reply, { variant: 'noAnswer' });

    const collector = new ModelCollector(maxModels);
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const id = modelId(entry.id);
      if (id === null) continue;
      if (!isChat(entry, id)) {
        collector.filtered += 1;
        continue;
      }
      collector.add(listedModel(id, facts(entry)));
    }
    const keyChecked = target.apiKey !== null && !target.local && !LISTS_WITHOUT_KEY.test(base.hostname);
    return { kind: 'listing', models: collector.models, truncated: collector.truncated, filtered: collector.filtered, keyChecked, providerStatus: listed.reply.status };
  },
};
