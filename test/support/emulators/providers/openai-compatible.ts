/**
 * An OpenAI-compatible server (OpenAI itself, LM Studio, vLLM, ...): POST {base}/chat/completions
 * and GET {base}/models with Bearer auth. Its failures mirror what those servers really send,
 * including OpenAI's 401 that quotes the key and LM Studio's 200 with an error body.
 */
import { jsonContentTypeViolation, messagesViolation, type Exchange, type Handler } from './harness.js';
import { chatCompletion } from './chat-completion.js';
import type { EmulatorState } from './state.js';

export type OpenAiScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string; model?: string }
  | { name: 'unauthorized' }
  | { name: 'insufficient-quota' }
  | { name: 'rate-limited'; retryAfterSeconds?: number }
  | { name: 'server-error' }
  | { name: 'model-not-found' }
  | { name: 'empty-choices' }
  | { name: 'non-json' }
  | { name: 'huge-body'; bytes: number }
  | { name: 'redirect'; location: string }
  | { name: 'lmstudio-error' }
);

export interface OpenAiOptions {
  /** Where the API lives on this server; default `/v1`. */
  basePath?: string;
  /** What GET {base}/models lists; default one model. */
  models?: string[];
}

function openAiError(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

/** Streams `bytes` of valid-looking JSON in 64 KiB pieces, stopping when the client goes away. */
function sendHuge(ex: Exchange, bytes: number): void {
  const { res } = ex;
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  res.write('{"padding":"');
  const pump = (): void => {
    while (sent < bytes && !res.destroyed) {
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}

export function openAiHandler(state: EmulatorState<OpenAiScenario>, options: OpenAiOptions = {}): Handler {
  const base = options.basePath ?? '/v1';
  return (ex) => {
    const { request } = ex;
    const expected = state.apiKey ? `Bearer ${state.apiKey}` : undefined;
    if (request.headers.authorization !== expected) return void ex.reject(expected ? 'expected the key as a Bearer token' : 'no authorization header expected');
    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };

    if (request.method === 'GET' && ex.url.pathname === `${base}/models`) {
      return ex.json(200, { object: 'list', data: (options.models ?? ['local-model']).map((id) => ({ id, object: 'model', owned_by: 'organization_owner' })) });
    }
    if (request.method !== 'POST' || ex.url.pathname !== `${base}/chat/completions`) return void ex.reject(`expected POST ${base}/chat/completions`);
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);
    const body = request.json as { model?: unknown; stream?: unknown };
    if (body.model !== undefined && typeof body.model !== 'string') return void ex.reject('model must be a string');
    if (body.stream !== undefined && body.stream !== false) return void ex.reject('a test must not stream');

    switch (scenario.name) {
      case 'unauthorized':
        // OpenAI quotes the key it refused; the service must never pass this message on.
        return ex.json(401, openAiError(`Incorrect API key provided: ${state.apiKey ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'), delay);
      case 'insufficient-quota':
        return ex.json(429, openAiError('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'), delay);
      case 'rate-limited':
        return ex.json(429, openAiError('Rate limit reached for requests. Please try again in 20s.', 'requests', 'rate_limit_exceeded'), {
          ...delay,
          headers: scenario.retryAfterSeconds !== undefined ? { 'retry-after': String(scenario.retryAfterSeconds) } : {},
        });
      case 'server-error':
        return ex.json(500, openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null), delay);
      case 'model-not-found':
        return ex.json(404, openAiError(`The model \`${String(body.model)}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'), delay);
      case 'empty-choices':
        return ex.json(200, { ...chatCompletion('local-model', '', { prompt: 11, completion: 0 }), choices: [] }, delay);
      case 'non-json':
        return ex.text(200, '<html><body>Welcome to nginx!</body></html>', delay);
      case 'lmstudio-error':
        return ex.json(200, { error: 'No models loaded. Please load a model in the developer page or use the `lms load` command.' }, delay);
      case 'huge-body':
        return sendHuge(ex, scenario.bytes);
      case 'redirect':
        return ex.text(302, '', { ...delay, headers: { location: scenario.location } });
      case 'success':
        return ex.json(
          200,
          chatCompletion(scenario.model ?? (typeof body.model === 'string' ? body.model : 'local-model'), scenario.reply ?? 'Ready.', { prompt: 11, completion: 2 }),
          delay,
        );
    }
  };
}
