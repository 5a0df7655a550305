/** Anthropic's Messages API: POST /v1/messages with `x-api-key` and `anthropic-version`. */
import { jsonContentTypeViolation, messagesViolation, type Handler } from './harness.js';
import type { EmulatorState } from './state.js';

export type AnthropicScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string }
  | { name: 'unauthorized' }
  | { name: 'forbidden' }
  | { name: 'not-found' }
  | { name: 'rate-limited'; retryAfterSeconds?: number }
  | { name: 'credit-exhausted' }
  | { name: 'overloaded' }
);

export const ANTHROPIC_EMULATOR_VERSION = '2023-06-01';

function anthropicError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

export function anthropicHandler(state: EmulatorState<AnthropicScenario>): Handler {
  return (ex) => {
    const { request } = ex;
    if (request.method !== 'POST' || ex.url.pathname !== '/v1/messages') return void ex.reject('expected POST /v1/messages');
    if (request.headers.authorization !== undefined) return void ex.reject('Anthropic takes the key in x-api-key, not Authorization');
    if (request.headers['x-api-key'] !== (state.apiKey ?? undefined)) return void ex.reject('expected the key in the x-api-key header');
    if (request.headers['anthropic-version'] !== ANTHROPIC_EMULATOR_VERSION) return void ex.reject('missing or unexpected anthropic-version');
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);
    const body = request.json as { model?: unknown; max_tokens?: unknown };
    if (typeof body.model !== 'string' || body.model === '') return void ex.reject('model is required');
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) return void ex.reject('max_tokens is required');

    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };
    switch (scenario.name) {
      case 'unauthorized':
        return ex.json(401, anthropicError('authentication_error', 'invalid x-api-key'), delay);
      case 'forbidden':
        return ex.json(403, anthropicError('permission_error', 'Your API key does not have permission to use the specified resource.'), delay);
      case 'not-found':
        return ex.json(404, anthropicError('not_found_error', `model: ${body.model}`), delay);
      case 'rate-limited':
        return ex.json(429, anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'), {
          ...delay,
          headers: scenario.retryAfterSeconds !== undefined ? { 'retry-after': String(scenario.retryAfterSeconds) } : {},
        });
      case 'credit-exhausted':
        return ex.json(
          400,
          anthropicError('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'),
          delay,
        );
      case 'overloaded':
        return ex.json(529, anthropicError('overloaded_error', 'Overloaded'), delay);
      case 'success':
        return ex.json(
          200,
          {
            id: 'msg_emulated',
            type: 'message',
            role: 'assistant',
            model: body.model,
            content: [{ type: 'text', text: scenario.reply ?? 'Ready.' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 14, output_tokens: 4 },
          },
          delay,
        );
    }
  };
}
