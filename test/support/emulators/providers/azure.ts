/** Azure OpenAI: POST /openai/deployments/{deployment}/chat/completions?api-version=… with an `api-key` header. */
import { jsonContentTypeViolation, messagesViolation, type Handler } from './harness.js';
import type { EmulatorState } from './state.js';
import { chatCompletion } from './chat-completion.js';

export type AzureScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string; deployment?: string }
  | { name: 'unauthorized' }
  | { name: 'deployment-not-found' }
  | { name: 'rate-limited'; retryAfterSeconds?: number; retryAfterMs?: number }
);

const AZURE_EMULATOR_API_VERSION = '2024-10-21';
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export function azureHandler(state: EmulatorState<AzureScenario>): Handler {
  return (ex) => {
    const { request } = ex;
    const match = DEPLOYMENT_PATH.exec(ex.url.pathname);
    if (request.method !== 'POST' || !match) return void ex.reject('expected POST /openai/deployments/{deployment}/chat/completions');
    if (ex.url.searchParams.get('api-version') !== AZURE_EMULATOR_API_VERSION) return void ex.reject('missing or unexpected api-version');
    if (request.headers.authorization !== undefined) return void ex.reject('Azure takes the key in api-key, not Authorization');
    if (request.headers['api-key'] !== (state.apiKey ?? undefined)) return void ex.reject('expected the key in the api-key header');
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);

    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };
    const deployment = decodeURIComponent(match[1] ?? '');
    const notFound = (): void =>
      ex.json(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }, delay);
    switch (scenario.name) {
      case 'deployment-not-found':
        return notFound();
      case 'unauthorized':
        return ex.json(
          401,
          { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } },
          delay,
        );
      case 'rate-limited': {
        const headers: Record<string, string> = {};
        if (scenario.retryAfterSeconds !== undefined) headers['retry-after'] = String(scenario.retryAfterSeconds);
        if (scenario.retryAfterMs !== undefined) headers['retry-after-ms'] = String(scenario.retryAfterMs);
        return ex.json(
          429,
          { error: { code: '429', message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${AZURE_EMULATOR_API_VERSION} have exceeded token rate limit of your current pricing tier.` } },
          { ...delay, headers },
        );
      }
      case 'success':
        if (deployment !== (scenario.deployment ?? 'gpt4o')) return notFound();
        return ex.json(200, chatCompletion('gpt-4o-2024-08-06', scenario.reply ?? 'Ready.', { prompt: 14, completion: 2 }), delay);
    }
  };
}
