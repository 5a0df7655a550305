/** llama.cpp's server: POST /v1/chat/completions, Bearer when started with --api-key, `timings` in the answer. */
import { jsonContentTypeViolation, messagesViolation, type Handler } from './harness.js';
import { chatCompletion } from './chat-completion.js';
import type { EmulatorState } from './state.js';

export type LlamaCppScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string; model?: string }
  | { name: 'loading' }
  | { name: 'unauthorized' }
);

export function llamaCppHandler(state: EmulatorState<LlamaCppScenario>): Handler {
  return (ex) => {
    const { request } = ex;
    if (request.method !== 'POST' || ex.url.pathname !== '/v1/chat/completions') return void ex.reject('expected POST /v1/chat/completions');
    const expected = state.apiKey ? `Bearer ${state.apiKey}` : undefined;
    if (request.headers.authorization !== expected) return void ex.reject(expected ? 'expected the key as a Bearer token' : 'no authorization header expected');
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);

    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };
    switch (scenario.name) {
      case 'loading':
        return ex.json(503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } }, delay);
      case 'unauthorized':
        return ex.json(401, { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } }, delay);
      case 'success':
        return ex.json(
          200,
          chatCompletion(scenario.model ?? 'qwen2.5-7b-instruct', scenario.reply ?? 'Ready.', { prompt: 12, completion: 3 }, {
            timings: { prompt_n: 12, prompt_ms: 35.1, predicted_n: 3, predicted_ms: 360.4, predicted_per_second: 8.3 },
          }),
          delay,
        );
    }
  };
}
