/** Ollama: POST /api/chat `{model, messages, stream:false}` with nanosecond durations; GET /api/tags; no auth. */
import { jsonContentTypeViolation, messagesViolation, type Handler } from './harness.js';
import type { EmulatorState } from './state.js';

export type OllamaScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string; models?: string[] }
  | { name: 'model-not-found'; models?: string[] }
  | { name: 'no-models' }
);

const DEFAULT_MODELS = ['llama3.2:latest', 'qwen2.5:7b'];

function installed(scenario: OllamaScenario): string[] {
  return scenario.name === 'no-models' ? [] : (scenario.models ?? DEFAULT_MODELS);
}

export function ollamaHandler(state: EmulatorState<OllamaScenario>): Handler {
  return (ex) => {
    const { request } = ex;
    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };
    if (request.headers.authorization !== undefined) return void ex.reject('Ollama takes no authorization header');

    if (request.method === 'GET' && ex.url.pathname === '/api/tags') {
      return ex.json(200, { models: installed(scenario).map((name) => ({ name, model: name, size: 2_019_393_189, digest: 'a80c4f17acd5' })) });
    }
    if (request.method !== 'POST' || ex.url.pathname !== '/api/chat') return void ex.reject('expected POST /api/chat or GET /api/tags');
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);
    const body = request.json as { model?: unknown; stream?: unknown };
    if (typeof body.model !== 'string' || body.model === '') return void ex.reject('model must be a non-empty string');
    if (body.stream !== false) return void ex.reject('stream must be false');

    if (scenario.name === 'success' && installed(scenario).includes(body.model)) {
      return ex.json(
        200,
        {
          model: body.model,
          created_at: '2025-01-31T10:00:00.000Z',
          message: { role: 'assistant', content: scenario.reply ?? 'Ready.' },
          done: true,
          done_reason: 'stop',
          total_duration: 412_000_000,
          load_duration: 12_500_000,
          prompt_eval_count: 26,
          prompt_eval_duration: 130_000_000,
          eval_count: 5,
          eval_duration: 250_000_000,
        },
        delay,
      );
    }
    return ex.json(404, { error: `model "${body.model}" not found, try pulling it first` }, delay);
  };
}
