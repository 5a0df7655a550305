/**
 * An OpenAI-compatible server (OpenAI itself, LM Studio, vLLM, Mistral, ...): POST
 * {base}/chat/completions and GET {base}/models with Bearer auth. Its failures mirror what those
 * servers really send, including OpenAI's 401 that quotes the key, LM Studio's 200 with an error
 * body and the other shapes in real-replies.ts. Like the real API, OpenAI's reasoning models
 * (o1, o3, o4-mini, gpt-5…) refuse `max_tokens` and a non-default `temperature`, and spend their
 * budget thinking: too small a `max_completion_tokens` gives 200, empty content, `length`.
 * The `mistral` dialect refuses any field Mistral's schema does not know (422 extra_forbidden).
 */
import { jsonContentTypeViolation, messagesViolation, type Exchange, type Handler } from './harness.js';
import { chatCompletion } from './chat-completion.js';
import { REAL_REPLIES, type RealReplyName } from './real-replies.js';
import type { EmulatorState } from './state.js';

export type OpenAiScenario = { delayMs?: number } /**
 * `reasoning` makes the model behave as a reasoning model whatever its name (a gateway's alias
 * for gpt-5); `thinkingTokens` is how much hidden reasoning it spends before answering.
 */ & (
  | { name: 'success'; reply?: string; model?: string; reasoning?: boolean; thinkingTokens?: number }
  | { name: 'real'; reply: RealReplyName }
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
  /** Whose request schema the server enforces; default OpenAI's. */
  dialect?: 'openai' | 'mistral';
}

/** The body fields Mistral's chat completions accept (docs.mistral.ai API reference). */
const MISTRAL_FIELDS = new Set([
  'model',
  'messages',
  'temperature',
  'top_p',
  'max_tokens',
  'stream',
  'stop',
  'random_seed',
  'response_format',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'prediction',
  'parallel_tool_calls',
  'safe_prompt',
]);

/** OpenAI's reasoning families; `gpt-5-chat-latest` is the non-reasoning snapshot. */
function isReasoning(model: string): boolean {
  return /^(o1|o3|o4-mini|gpt-5)/.test(model) && !/^gpt-5[\d.]*-chat/.test(model);
}

/** Hidden reasoning spent before the first visible token, by effort; `medium` is the default. */
const THINKING_BY_EFFORT: Record<string, number> = { minimal: 0, low: 200, medium: 1500, high: 4000 };

function unsupported(ex: Exchange, code: 'unsupported_parameter' | 'unsupported_value', param: string, message: string, delayMs: number): void {
  ex.json(400, { error: { message, type: 'invalid_request_error', param, code } }, { delayMs });
}

/** The reasoning model's rules and its budget; true when it has answered. */
function reasoningReply(ex: Exchange, model: string, body: Record<string, unknown>, reply: string, thinkingTokens: number | undefined, delayMs: number): boolean {
  if (body.max_tokens !== undefined) {
    unsupported(ex, 'unsupported_parameter', 'max_tokens', "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", delayMs);
    return true;
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    unsupported(
      ex,
      'unsupported_value',
      'temperature',
      `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
      delayMs,
    );
    return true;
  }
  if (body.reasoning_effort !== undefined && model.startsWith('o1-mini')) {
    unsupported(ex, 'unsupported_parameter', 'reasoning_effort', "Unsupported parameter: 'reasoning_effort' is not supported with this model.", delayMs);
    return true;
  }
  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : 'medium';
  const thinking = thinkingTokens ?? THINKING_BY_EFFORT[effort] ?? 1500;
  const budget = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : Number.POSITIVE_INFINITY;
  const answerTokens = 2;
  const cut = budget < thinking + answerTokens;
  const completion = cut ? budget : thinking + answerTokens;
  const answer = chatCompletion(model, cut ? '' : reply, { prompt: 11, completion }, {});
  ex.json(
    200,
    {
      ...answer,
      choices: [{ index: 0, finish_reason: cut ? 'length' : 'stop', message: { role: 'assistant', content: cut ? '' : reply } }],
      usage: { ...(answer.usage as object), completion_tokens_details: { reasoning_tokens: cut ? budget : thinking } },
    },
    { delayMs },
  );
  return true;
}

/** Pydantic lists every field it refuses, one validation error each. */
function mistralRefusal(ex: Exchange, body: Record<string, unknown>, delayMs: number): boolean {
  const extras = Object.keys(body).filter((field) => !MISTRAL_FIELDS.has(field));
  if (extras.length === 0) return false;
  const detail = extras.map((field) => ({ type: 'extra_forbidden', loc: ['body', field], msg: 'Extra inputs are not permitted', input: body[field] }));
  ex.json(422, { object: 'error', message: { detail }, type: 'invalid_request_error', param: null, code: null }, { delayMs });
  return true;
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
    const body = request.json as Record<string, unknown> & { model?: unknown; stream?: unknown };
    if (body.model !== undefined && typeof body.model !== 'string') return void ex.reject('model must be a string');
    if (body.stream !== undefined && body.stream !== false) return void ex.reject('a test must not stream');
    if (options.dialect === 'mistral' && mistralRefusal(ex, body, delay.delayMs)) return;

    switch (scenario.name) {
      case 'real': {
        const real = REAL_REPLIES[scenario.reply];
        const headers = 'headers' in real ? real.headers : {};
        if (typeof real.body === 'string') return ex.text(real.status, real.body, { ...delay, headers });
        return ex.json(real.status, real.body, { ...delay, headers });
      }
      case 'unauthorized':
        // OpenAI quotes the key it refused; the service must never pass this message on.
        return ex.json(
          401,
          openAiError(
            `Incorrect API key provided: ${state.apiKey ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
          delay,
        );
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
        if (typeof body.model === 'string' && (scenario.reasoning ?? isReasoning(body.model)) && options.dialect !== 'mistral') {
          return void reasoningReply(ex, body.model, body, scenario.reply ?? 'Ready.', scenario.thinkingTokens, delay.delayMs);
        }
        return ex.json(
          200,
          chatCompletion(scenario.model ?? (typeof body.model === 'string' ? body.model : 'local-model'), scenario.reply ?? 'Ready.', { prompt: 11, completion: 2 }),
          delay,
        );
    }
  };
}
