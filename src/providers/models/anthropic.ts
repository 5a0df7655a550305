/**
 * Anthropic: GET /v1/models is paginated (`has_more`, `last_id`, `after_id`), newest first,
 * with the same `x-api-key` and `anthropic-version` headers as messages. Every page is read up
 * to the bound; a server that repeats a cursor or never stops paging is cut off. The list
 * needs a valid key, so a successful one proves it.
 */
import { ANTHROPIC_VERSION } from '../anthropic.js';
import { classifyStatus, errorFields, failure, isRecord, joinUrl, retryAfterMs, withoutSuffix } from '../classify.js';
import type { Exchange, ProviderFailure, ProviderReply } from '../types.js';
import { fetchList } from './fetch-list.js';
import { entries, listedModel, ModelCollector, modelId } from './read.js';
import type { ListResult, ListTarget, ModelLister } from './types.js';

/** Anthropic's largest page. */
const PAGE_LIMIT = 1000;
/** More pages than a 2 000-model bound can need even from a server that pages in tens. */
const MAX_PAGES = 200;

function onError(reply: ProviderReply): ProviderFailure {
  const type = errorFields(reply.json)?.type ?? '';
  if (reply.status === 529 || type === 'overloaded_error') {
    return failure('PROVIDER_ERROR', true, reply, { variant: 'overloaded', retryAfterMs: retryAfterMs(reply) });
  }
  return classifyStatus(reply);
}

/** Newer snapshots describe capabilities as an object: `{vision: {supported: true}, ...}`. */
function capabilities(value: unknown): string[] | undefined {
  if (!isRecord(value)) return undefined;
  return Object.entries(value)
    .filter(([, detail]) => detail === true || (isRecord(detail) && detail.supported === true))
    .map(([name]) => name);
}

export const anthropicLister: ModelLister = {
  async list(target: ListTarget, exchange: Exchange, maxModels: number): Promise<ListResult> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/v1/messages', '/v1/models', '/v1']);
    const headers: Record<string, string> = { ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}), 'anthropic-version': ANTHROPIC_VERSION };
    const collector = new ModelCollector(maxModels);
    const cursors = new Set<string>();
    let after: string | null = null;
    let status = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const url = joinUrl(base, '/v1/models');
      url.searchParams.set('limit', String(PAGE_LIMIT));
      if (after !== null) url.searchParams.set('after_id', after);
      const listed = await fetchList(exchange, url, headers, onError);
      if (listed.kind === 'failure') return listed;
      status = listed.reply.status;
      const list = entries(listed.json, 'data');
      if (list === null) return failure('INVALID_RESPONSE', false, listed.reply, { variant: 'noAnswer' });
      for (const entry of list) {
        if (!isRecord(entry)) continue;
        const id = modelId(entry.id);
        if (id !== null) {
          collector.add(listedModel(id, { displayName: entry.display_name, contextLength: entry.max_input_tokens, capabilities: capabilities(entry.capabilities) }));
        }
      }
      const body = isRecord(listed.json) ? listed.json : {};
      const next = typeof body.last_id === 'string' && body.last_id !== '' ? body.last_id : null;
      if (body.has_more !== true) break;
      if (collector.full || next === null || cursors.has(next) || page === MAX_PAGES - 1) {
        collector.truncated = true;
        break;
      }
      cursors.add(next);
      after = next;
    }
    return { kind: 'listing', models: collector.models, truncated: collector.truncated, filtered: 0, keyChecked: target.apiKey !== null, providerStatus: status };
  },
};
