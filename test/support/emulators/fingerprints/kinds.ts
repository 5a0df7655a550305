import type { IncomingMessage, ServerResponse } from 'node:http';
import { LMSTUDIO_EMBEDDING } from '../providers/model-lists.js';
import type { Handler } from './recording-server.js';

/** Servers the discovery fingerprints are checked against; each answers like the real one. */
export type EmulatorKind =
  | 'ollama'
  | 'llama.cpp'
  | 'llama.cpp-loading'
  /** Started with --api-key: /health, /v1/models, /models and / stay public. */
  | 'llama.cpp-keyed'
  | 'lmstudio'
  | 'vllm'
  /** Started with --api-key: only /v1 is guarded; /health and /version stay open. */
  | 'vllm-keyed'
  | 'koboldcpp'
  | 'localai'
  | 'textgen-webui'
  | 'jan'
  /** An unrelated web app: 200 and the same HTML page for every path. */
  | 'html-everywhere'
  /** An unrelated API: 200 `{}` for every path. */
  | 'empty-json-everywhere'
  /** Accepts the connection and never answers. */
  | 'silent';

export const DEFAULT_MODELS: Record<EmulatorKind, string[]> = {
  ollama: ['llama3.2:latest', 'qwen2.5:7b'],
  'llama.cpp': ['qwen2.5-0.5b-instruct-q4_k_m.gguf'],
  'llama.cpp-loading': [],
  'llama.cpp-keyed': ['qwen2.5-0.5b-instruct-q4_k_m.gguf'],
  lmstudio: ['qwen2.5-7b-instruct', 'llama-3.2-1b-instruct'],
  vllm: ['Qwen/Qwen2.5-1.5B-Instruct'],
  'vllm-keyed': ['Qwen/Qwen2.5-1.5B-Instruct'],
  koboldcpp: ['koboldcpp/Llama-3.2-1B-Instruct-Q4_K_M'],
  localai: ['phi-2', 'gpt-4'],
  'textgen-webui': ['Llama-3.2-1B-Instruct'],
  jan: ['llama3.2-1b-instruct'],
  'html-everywhere': [],
  'empty-json-everywhere': [],
  silent: [],
};

type Routes = Record<string, (res: ServerResponse) => void>;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function textBody(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

/** llama.cpp names itself on every answer, errors included. */
function llamaCpp(handler: Handler): Handler {
  return (req, res) => {
    res.setHeader('server', 'llama.cpp');
    handler(req, res);
  };
}

/** A keyed llama.cpp's public paths (server-http.cpp); everything else checks the key. */
const LLAMA_CPP_PUBLIC = new Set(['/health', '/v1/health', '/models', '/v1/models', '/']);
const INVALID_KEY = { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } };

function openAiList(models: string[], ownedBy: string, extra: Record<string, unknown> = {}): unknown {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_732_000_000, owned_by: ownedBy, ...extra })) };
}

function routed(routes: Routes, fallback: (req: IncomingMessage, res: ServerResponse) => void): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = req.method === 'GET' ? routes[path] : undefined;
    if (route) route(res);
    else fallback(req, res);
  };
}

const LOADING = { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } };

function llamaCppRoutes(models: string[], version: string): Handler {
  return routed(
    {
      '/': (res) => textBody(res, 200, '<!doctype html><html><head><title>llama.cpp - chat</title></head><body></body></html>', 'text/html; charset=utf-8'),
      '/health': (res) => json(res, 200, { status: 'ok' }),
      '/props': (res) =>
        json(res, 200, {
          default_generation_settings: { n_ctx: 4096 },
          total_slots: 1,
          model_path: `/models/${models[0] ?? 'model.gguf'}`,
          chat_template: '',
          build_info: version,
        }),
      '/v1/models': (res) => json(res, 200, openAiList(models, 'llamacpp', { meta: { n_ctx_train: 32768 } })),
      '/models': (res) => json(res, 200, openAiList(models, 'llamacpp')),
    },
    (_req, res) => json(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } }),
  );
}

function vllmRoutes(models: string[], version: string, keyed: boolean): Handler {
  const open = routed(
    {
      '/version': (res) => json(res, 200, { version }),
      '/health': (res) => textBody(res, 200, ''),
      '/v1/models': (res) => json(res, 200, openAiList(models, 'vllm', { root: models[0], parent: null, max_model_len: 32768 })),
    },
    (_req, res) => json(res, 404, { detail: 'Not Found' }),
  );
  if (!keyed) return open;
  // vLLM's --api-key guards only the /v1, /v2 and /inference prefixes.
  return (req, res) => {
    if (/^\/(v1|v2|inference)(\/|$)/.test(req.url ?? '') && req.headers.authorization === undefined) json(res, 401, { error: 'Unauthorized' });
    else open(req, res);
  };
}

export function handlerFor(kind: EmulatorKind, models: string[], version?: string): Handler {
  switch (kind) {
    case 'ollama':
      return routed(
        {
          '/': (res) => textBody(res, 200, 'Ollama is running'),
          '/api/version': (res) => json(res, 200, { version: version ?? '0.5.7' }),
          '/api/tags': (res) =>
            json(res, 200, {
              models: models.map((name) => ({
                name,
                model: name,
                modified_at: '2026-11-01T10:00:00Z',
                size: 2_019_393_189,
                digest: 'a80c4f17acd5',
                details: { format: 'gguf', family: 'llama' },
              })),
            }),
          '/v1/models': (res) => json(res, 200, openAiList(models, 'library')),
        },
        (_req, res) => textBody(res, 404, '404 page not found'),
      );
    case 'llama.cpp':
      return llamaCpp(llamaCppRoutes(models, version ?? 'b4500-adc5dd92'));
    case 'llama.cpp-keyed': {
      const routes = llamaCppRoutes(models, version ?? 'b4500-adc5dd92');
      return llamaCpp((req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (LLAMA_CPP_PUBLIC.has(path) || req.headers.authorization !== undefined) routes(req, res);
        else json(res, 401, INVALID_KEY);
      });
    }
    case 'llama.cpp-loading':
      // While the model loads, every path (public or not) gets this, before any key check.
      return llamaCpp((_req, res) => json(res, 503, LOADING));
    case 'lmstudio':
      return routed(
        {
          '/api/v0/models': (res) =>
            json(res, 200, {
              object: 'list',
              data: [
                ...models.map((id, i) => ({
                  id,
                  object: 'model',
                  type: 'llm',
                  publisher: 'lmstudio-community',
                  arch: 'qwen2',
                  compatibility_type: 'gguf',
                  quantization: 'Q4_K_M',
                  state: i === 0 ? 'loaded' : 'not-loaded',
                  max_context_length: 32768,
                })),
                LMSTUDIO_EMBEDDING,
              ],
            }),
          '/v1/models': (res) => json(res, 200, openAiList(models, 'organization_owner')),
        },
        // LM Studio's quirk: unknown paths are a 200 carrying an error.
        (req, res) => json(res, 200, { error: `Unexpected endpoint or method. (${req.method} ${req.url})` }),
      );
    case 'vllm':
      return vllmRoutes(models, version ?? '0.6.3', false);
    case 'vllm-keyed':
      return vllmRoutes(models, version ?? '0.6.3', true);
    case 'koboldcpp':
      return routed(
        {
          '/': (res) => textBody(res, 200, '<!doctype html><html><title>KoboldAI Lite</title></html>', 'text/html; charset=utf-8'),
          '/api/extra/version': (res) => json(res, 200, { result: 'KoboldCpp', version: version ?? '1.80', protected: false, txt2img: false }),
          // KoboldCpp imitates Ollama's model list and version, which must not make it "Ollama".
          '/api/tags': (res) => json(res, 200, { models: models.map((name) => ({ name, model: name, modified_at: '2026-11-01T10:00:00Z', size: 0, digest: '', details: {} })) }),
          '/api/version': (res) => json(res, 200, { version: '0.5.7' }),
          '/v1/models': (res) => json(res, 200, openAiList(models, 'koboldcpp')),
        },
        (_req, res) => textBody(res, 404, 'Error: HTTP Server is running, but this endpoint does not exist. Please check the URL.'),
      );
    case 'localai':
      return routed(
        {
          '/.well-known/localai.json': (res) => json(res, 200, { version: 'v2.24.2', endpoints: ['/v1/models', '/v1/chat/completions'] }),
          '/version': (res) => json(res, 200, { version: 'v2.24.2' }),
          '/readyz': (res) => textBody(res, 200, 'OK'),
          '/v1/models': (res) => json(res, 200, openAiList(models, '')),
        },
        (_req, res) => json(res, 404, { error: { code: 404, message: 'Cannot GET', type: '' } }),
      );
    case 'textgen-webui':
      return routed(
        {
          '/v1/internal/health': (res) => json(res, 200, { status: 'ok' }),
          '/v1/models': (res) => json(res, 200, openAiList(models, 'user')),
        },
        (_req, res) => json(res, 404, { detail: 'Not Found' }),
      );
    case 'jan':
      // Jan's local API server needs its key for everything.
      return (_req, res) => json(res, 401, { error: { message: 'Missing or invalid API key.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    case 'html-everywhere':
      return (_req, res) => textBody(res, 200, '<!doctype html><html><head><title>My NAS</title></head><body>Welcome</body></html>', 'text/html; charset=utf-8');
    case 'empty-json-everywhere':
      return (_req, res) => json(res, 200, {});
    case 'silent':
      return () => undefined;
  }
}
