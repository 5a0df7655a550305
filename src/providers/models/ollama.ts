/**
 * Ollama: GET /api/tags lists the installed models with size, family, parameter size and
 * quantisation; GET /api/ps says which are in memory. Ollama has no auth, so a list proves
 * nothing about a key. /api/ps is extra: when it fails, `loaded` is simply not given.
 */
import { failure, isRecord, joinUrl, withoutSuffix } from '../classify.js';
import type { Exchange } from '../types.js';
import { fetchList } from './fetch-list.js';
import { entries, listedModel, ModelCollector, modelId } from './read.js';
import type { ListResult, ListTarget, ModelLister } from './types.js';

function names(json: unknown): Set<string> {
  const loaded = new Set<string>();
  for (const entry of entries(json, 'models') ?? []) {
    if (!isRecord(entry)) continue;
    for (const name of [entry.name, entry.model]) if (typeof name === 'string') loaded.add(name);
  }
  return loaded;
}

export const ollamaLister: ModelLister = {
  async list(target: ListTarget, exchange: Exchange, maxModels: number): Promise<ListResult> {
    const base = withoutSuffix(new URL(target.endpointUrl), ['/api/chat', '/api', '/v1']);
    const tags = await fetchList(exchange, joinUrl(base, '/api/tags'), {});
    if (tags.kind === 'failure') return tags;
    const list = entries(tags.json, 'models');
    if (list === null) return failure('INVALID_RESPONSE', false, tags.reply, { variant: 'noAnswer' });
    const ps = await fetchList(exchange, joinUrl(base, '/api/ps'), {});
    const loaded = ps.kind === 'list' && entries(ps.json, 'models') !== null ? names(ps.json) : null;

    const collector = new ModelCollector(maxModels);
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const id = modelId(entry.name) ?? modelId(entry.model);
      if (id === null) continue;
      const details = isRecord(entry.details) ? entry.details : {};
      collector.add(
        listedModel(id, {
          loaded: loaded === null ? undefined : loaded.has(id),
          sizeBytes: entry.size,
          family: details.family,
          parameterSize: details.parameter_size,
          quantisation: details.quantization_level,
          capabilities: entry.capabilities,
        }),
      );
    }
    return { kind: 'listing', models: collector.models, truncated: collector.truncated, filtered: 0, keyChecked: false, providerStatus: tags.reply.status };
  },
};
