import { isRecord } from '../is-record.js';
import { JAN_PORT } from './kinds.js';
import type { NoteCode, ProbeStatus, ServerKind } from './types.js';
import type { ProbeResponse } from './probe.js';

/** Paths a server may be asked after `/v1/models`; see `identify` for what each one proves. */
export const FINGERPRINT_PATHS = {
  root: '/',
  ollamaVersion: '/api/version',
  tags: '/api/tags',
  kobold: '/api/extra/version',
  lmstudio: '/api/v0/models',
  health: '/health',
  props: '/props',
  version: '/version',
  localai: '/.well-known/localai.json',
  textgen: '/v1/internal/health',
} as const;

/** The first request: it both shows that something answers and lists most servers' models. */
export const MODELS_PATH = '/v1/models';

type FingerprintName = keyof typeof FINGERPRINT_PATHS;
/** A fingerprint path, or `bogus`: a nonsense path that shows how the server answers the unknown. */
export type StepName = FingerprintName | 'bogus';

/** Answers so far: a missing name was not asked (yet); `null` means asked and nothing came back. */
export type ProbeAnswers = { models: ProbeResponse } & Partial<Record<StepName, ProbeResponse | null>>;
/** The same with every step filled in (`null` for not asked), as the tells read them. */
type Answers = { models: ProbeResponse } & Record<StepName, ProbeResponse | null>;

/**
 * The order the remaining paths are asked in while the server is still unnamed: the ones that
 * name the most servers first. Once a decisive tell names it, only what that kind still needs
 * (`NEEDS`) is asked.
 */
export const PROBE_ORDER: readonly StepName[] = ['bogus', 'root', 'props', 'lmstudio', 'kobold', 'version', 'health', 'ollamaVersion', 'tags', 'localai', 'textgen'];

/** What a server named by a decisive tell must still be asked for its version, models and key status. */
export const NEEDS: Partial<Record<ServerKind, readonly StepName[]>> = {
  'llama.cpp': ['props'],
  koboldcpp: ['kobold'],
  ollama: ['bogus', 'root', 'ollamaVersion', 'tags'],
  lmstudio: ['bogus', 'lmstudio'],
  vllm: ['version'],
};

export interface Identification {
  kind: ServerKind;
  status: ProbeStatus;
  /** `null` when the server could not say. */
  models: string[] | null;
  version: string | null;
  notes: NoteCode[];
  /**
   * Named by a tell no other server gives (a `Server` header, its own version endpoint, its own
   * `owned_by`): more answers cannot change the name. Otherwise every path is asked first.
   */
  decisive: boolean;
}

const MAX_MODELS = 500;
const MAX_MODEL_NAME = 256;
const MAX_VERSION = 64;

type Json = Record<string, unknown>;

function is2xx(r: ProbeResponse | null): r is ProbeResponse {
  return r !== null && r.status >= 200 && r.status < 300;
}

/**
 * A 2xx answer that says something about this path. A server that answers every path alike
 * (a web app's catch-all page, `{}` everywhere) gives the nonsense path the same body, so
 * that body proves nothing.
 */
function meaningful(r: ProbeResponse | null, bogus: ProbeResponse | null): r is ProbeResponse {
  return is2xx(r) && !(is2xx(bogus) && bogus.body === r.body);
}

function okJson(r: ProbeResponse | null, bogus: ProbeResponse | null): Json | null {
  return meaningful(r, bogus) && isRecord(r.json) ? r.json : null;
}

function versionOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_VERSION) : null;
}

/** Distinct names, at most MAX_MODELS; a name too long to report is left out rather than cut into a wrong one. */
function modelList(names: unknown[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    const clean = typeof name === 'string' ? name.trim() : '';
    if (clean !== '' && clean.length <= MAX_MODEL_NAME) seen.add(clean);
    if (seen.size >= MAX_MODELS) break;
  }
  return [...seen];
}

/** An OpenAI `/v1/models` list: `{object: "list", data: [{id, owned_by?}]}`. */
function openAiList(a: Answers): Json[] | null {
  const body = okJson(a.models, a.bogus);
  if (body === null || !Array.isArray(body.data)) return null;
  const data = body.data as unknown[];
  if (body.object !== 'list' && data.length === 0) return null;
  return data.every((m) => isRecord(m) && typeof m.id === 'string') ? (data as Json[]) : null;
}

function ownedBy(list: Json[] | null, owner: string): boolean {
  return list !== null && list.length > 0 && list.every((m) => m.owned_by === owner);
}

/** A key-protected OpenAI-style server: 401/403 with a JSON or empty body (an HTML login page is not one). */
function wantsKey(r: ProbeResponse | null): boolean {
  return r !== null && (r.status === 401 || r.status === 403) && (r.body.trim() === '' || isRecord(r.json));
}

/** llama.cpp's answer while it loads the model: 503 `{"error":{"message":"Loading model",...}}`. */
function isLoading(r: ProbeResponse | null): boolean {
  if (r?.status !== 503 || !isRecord(r.json) || !isRecord(r.json.error)) return false;
  return typeof r.json.error.message === 'string' && /loading model/i.test(r.json.error.message);
}

function ollamaTags(a: Answers): string[] | null {
  const body = okJson(a.tags, a.bogus);
  if (body === null || !Array.isArray(body.models)) return null;
  return modelList((body.models as unknown[]).map((m) => (isRecord(m) ? (m.name ?? m.model) : undefined)));
}

/** LM Studio's native list marks each model `loaded` / `not-loaded`; embedding models cannot chat. */
function lmStudioModels(a: Answers): { models: string[]; anyLoaded: boolean } | null {
  const body = okJson(a.lmstudio, a.bogus);
  if (body === null || body.object !== 'list' || !Array.isArray(body.data)) return null;
  const data = (body.data as unknown[]).filter(isRecord);
  if (data.length === 0 || !data.every((m) => typeof m.id === 'string' && typeof m.state === 'string')) return null;
  const chat = data.filter((m) => m.type !== 'embeddings');
  const loaded = chat.filter((m) => m.state === 'loaded');
  return { models: modelList([...loaded, ...chat.filter((m) => m.state !== 'loaded')].map((m) => m.id)), anyLoaded: loaded.length > 0 };
}

/** LM Studio answers unknown paths with 200 and this error instead of a 404. */
function isLmStudioCatchAll(bogus: ProbeResponse | null): boolean {
  return is2xx(bogus) && isRecord(bogus.json) && typeof bogus.json.error === 'string' && bogus.json.error.startsWith('Unexpected endpoint or method');
}

/** Every llama.cpp answer carries `Server: llama.cpp`, and it alone answers 503 "Loading model". */
function llamaCppTell(a: Answers, list: Json[] | null): boolean {
  if (Object.values(a).some((r) => r?.server.startsWith('llama.cpp'))) return true;
  if (isLoading(a.health) || isLoading(a.models)) return true;
  const props = okJson(a.props, a.bogus);
  return (props !== null && ('build_info' in props || 'total_slots' in props)) || ownedBy(list, 'llamacpp');
}

/**
 * vLLM's key guards only /v1, so a keyed vLLM still tells its version on /version and answers
 * /health, while /v1/models says 401 `{"error":"Unauthorized"}`. (LocalAI's key guards every path.)
 */
function keyedVllm(a: Answers): string | null {
  if (a.models.status !== 401 || !isRecord(a.models.json) || a.models.json.error !== 'Unauthorized') return null;
  if (!is2xx(a.health)) return null;
  return versionOf(okJson(a.version, a.bogus)?.version);
}

/**
 * Names the server from its answers, decisive tells first: KoboldCpp imitates Ollama's
 * /api/tags and LM Studio answers 200 to everything, so neither a status nor one path is
 * enough, and the port never decides alone. `null`: not a model server (yet).
 */
export function identify(answers: ProbeAnswers, port: number): Identification | null {
  const a = { models: answers.models } as Answers;
  for (const step of PROBE_ORDER) a[step] = answers[step] ?? null;
  const list = openAiList(a);
  const listed = list === null ? null : modelList(list.map((m) => m.id));
  const keyed = wantsKey(a.models);
  const base = (kind: ServerKind, models: string[] | null, version: string | null = null, decisive = true): Identification => ({
    kind,
    status: keyed ? 'auth-required' : 'available',
    models,
    version,
    notes: [],
    decisive,
  });

  if (llamaCppTell(a, list)) {
    // With --api-key, llama.cpp keeps /v1/models public: only /props or an unknown path shows the key.
    const found = base('llama.cpp', listed, versionOf(okJson(a.props, a.bogus)?.build_info));
    if (keyed || wantsKey(a.props) || wantsKey(a.bogus)) found.status = 'auth-required';
    // Loading comes before the key check, so it wins.
    if (isLoading(a.health) || isLoading(a.models)) found.status = 'loading';
    return found;
  }

  const kobold = okJson(a.kobold, a.bogus);
  if (kobold?.result === 'KoboldCpp' || ownedBy(list, 'koboldcpp')) return base('koboldcpp', listed ?? ollamaTags(a), versionOf(kobold?.version));

  if (meaningful(a.root, a.bogus) && a.root.body.includes('Ollama is running')) {
    return base('ollama', ollamaTags(a), versionOf(okJson(a.ollamaVersion, a.bogus)?.version));
  }

  const lmStudio = lmStudioModels(a);
  if (lmStudio !== null || isLmStudioCatchAll(a.bogus)) {
    const found = base('lmstudio', lmStudio?.models ?? listed);
    if (lmStudio !== null && lmStudio.models.length > 0 && !lmStudio.anyLoaded) found.notes.push('noModelLoaded');
    return found;
  }

  if (ownedBy(list, 'vllm')) return base('vllm', listed, versionOf(okJson(a.version, a.bogus)?.version));

  const localAi = okJson(a.localai, a.bogus);
  if (localAi !== null && Object.keys(localAi).length > 0 && !('error' in localAi)) {
    return base('localai', listed, versionOf(okJson(a.version, a.bogus)?.version ?? localAi.version), false);
  }

  if (okJson(a.textgen, a.bogus)?.status === 'ok') return base('textgen-webui', listed, null, false);

  const vllmVersion = keyedVllm(a);
  if (vllmVersion !== null) return base('vllm', null, vllmVersion, false);

  if (keyed) return base(port === JAN_PORT ? 'jan' : 'openai-compatible', null, null, false);

  return list === null ? null : base('openai-compatible', listed, null, false);
}
