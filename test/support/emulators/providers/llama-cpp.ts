/**
 * llama.cpp's `llama-server` as a real build (b4748) behaves, not as its README reads:
 * - every answer carries `Server: llama.cpp`;
 * - while the model loads, every path answers 503 "Loading model", before any key check;
 * - with `--api-key`, `/`, `/health`, `/v1/health`, `/models` and `/v1/models` stay public;
 *   everything else needs `Authorization: Bearer` or `X-Api-Key` and otherwise answers 401
 *   "Invalid API Key" (no `WWW-Authenticate`); an unknown path then answers 404 "File Not Found";
 * - `/` is the web UI (HTML); a body that is not JSON gets a 500;
 * - `/v1/models` lists the `--alias`, or else the model file's full path; `/props` has `model_path`;
 * - a completion echoes whatever `model` the request names (`gpt-3.5-turbo` when none), and a
 *   repeated identical prompt is served from the cache: `timings.prompt_n` then counts only the
 *   re-evaluated token while `usage.prompt_tokens` stays the whole prompt.
 */
import { messagesViolation, type Exchange, type Handler } from './harness.js';
import { chatCompletion } from './chat-completion.js';
import type { EmulatorState } from './state.js';

export type LlamaCppScenario = { delayMs?: number } & ({ name: 'success'; reply?: string } | { name: 'loading' });

export interface LlamaCppOptions {
  /** The model file the server was started with (`-m`); default a path under /models. */
  modelPath?: string;
  /** `--alias`: the name /v1/models lists instead of the path. */
  alias?: string;
}

export const LLAMA_CPP_SERVER_HEADER = 'llama.cpp';
export const LLAMA_CPP_DEFAULT_MODEL_PATH = '/models/qwen2.5-7b-instruct-q4_k_m.gguf';
const PUBLIC_PATHS = new Set(['/', '/health', '/v1/health', '/models', '/v1/models']);
const CHAT_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

function llamaError(ex: Exchange, code: number, message: string, type: string, delayMs = 0): void {
  ex.json(code, { error: { code, message, type } }, { delayMs });
}

/** Whitespace-separated pieces plus the chat template's overhead: a stand-in for the tokenizer. */
function promptTokens(messages: { content: string }[]): number {
  return 9 + messages.reduce((sum, m) => sum + m.content.split(/\s+/).filter(Boolean).length, 0);
}

export function llamaCppHandler(state: EmulatorState<LlamaCppScenario>, options: LlamaCppOptions = {}): Handler {
  const modelPath = options.modelPath ?? LLAMA_CPP_DEFAULT_MODEL_PATH;
  let lastPrompt: string | null = null;
  return (ex) => {
    const { request } = ex;
    const scenario = state.scenario;
    const delayMs = scenario.delayMs ?? 0;
    const path = ex.url.pathname;
    if (scenario.name === 'loading') return llamaError(ex, 503, 'Loading model', 'unavailable_error', delayMs);

    const isPublic = (request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATHS.has(path);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const given = bearer ?? request.headers['x-api-key'];
    if (state.apiKey === null && request.headers.authorization !== undefined) return void ex.reject('no key was configured, yet an Authorization header was sent');
    if (state.apiKey !== null && !isPublic && given !== state.apiKey) return llamaError(ex, 401, 'Invalid API Key', 'authentication_error');

    if (request.method === 'GET' && path === '/') {
      return ex.text(200, '<!doctype html><html><head><title>llama.cpp - chat</title></head><body></body></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    if (request.method === 'GET' && (path === '/health' || path === '/v1/health')) return ex.json(200, { status: 'ok' });
    if (request.method === 'GET' && (path === '/models' || path === '/v1/models')) {
      return ex.json(200, {
        object: 'list',
        data: [
          {
            id: options.alias ?? modelPath,
            object: 'model',
            created: 1_700_000_000,
            owned_by: 'llamacpp',
            meta: { vocab_type: 2, n_vocab: 151_936, n_ctx_train: 32_768, n_embd: 3584, n_params: 7_615_616_512, size: 4_677_120_000 },
          },
        ],
      });
    }
    if (request.method === 'GET' && path === '/props') {
      return ex.json(200, {
        default_generation_settings: { n_ctx: 4096 },
        total_slots: 1,
        model_path: modelPath,
        chat_template: '',
        modalities: { vision: false, audio: false },
        build_info: 'b4748-0d559580',
      });
    }
    if (request.method !== 'POST' || !CHAT_PATHS.has(path)) return llamaError(ex, 404, 'File Not Found', 'not_found_error');
    if (request.json === undefined)
      return llamaError(ex, 500, '[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value', 'server_error');
    const problem = messagesViolation(request.json);
    if (problem) return void ex.reject(problem);

    const body = request.json as { model?: unknown; messages: { content: string }[] };
    const total = promptTokens(body.messages);
    const cached = lastPrompt === request.body ? total - 1 : 0;
    lastPrompt = request.body;
    return ex.json(
      200,
      chatCompletion(
        typeof body.model === 'string' ? body.model : 'gpt-3.5-turbo',
        scenario.reply ?? 'Ready.',
        { prompt: total, completion: 3 },
        {
          timings: { cache_n: cached, prompt_n: total - cached, prompt_ms: 35.1, predicted_n: 3, predicted_ms: 360.4, predicted_per_second: 8.3 },
        },
      ),
      { delayMs },
    );
  };
}
