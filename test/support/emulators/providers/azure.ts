/**
 * Azure OpenAI with an `api-key` header, in both API forms:
 * - POST /openai/deployments/{deployment}/chat/completions?api-version=…;
 * - POST /openai/v1/chat/completions with the deployment as `model` and no api-version (GA Aug 2025).
 */
import { jsonContentTypeViolation, messagesViolation, type Handler } from './harness.js';
import type { EmulatorState } from './state.js';
import { chatCompletion } from './chat-completion.js';

export type AzureScenario = { delayMs?: number } & (
  | { name: 'success'; reply?: string; deployment?: string }
  | { name: 'unauthorized' }
  | { name: 'deployment-not-found' }
  | { name: 'rate-limited'; retryAfterSeconds?: number; retryAfterMs?: number }
  /** The prompt tripped the content filter: 400 `content_filter`. */
  | { name: 'prompt-filtered' }
  /** The answer was filtered: 200 with `finish_reason: "content_filter"` and no content. */
  | { name: 'answer-filtered' }
);

const AZURE_EMULATOR_API_VERSION = '2024-10-21';
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const V1_PATH = '/openai/v1/chat/completions';

export function azureHandler(state: EmulatorState<AzureScenario>): Handler {
  return (ex) => {
    const { request } = ex;
    const match = DEPLOYMENT_PATH.exec(ex.url.pathname);
    const v1 = ex.url.pathname === V1_PATH;
    if (request.method !== 'POST' || (!match && !v1)) return void ex.reject(`expected POST /openai/deployments/{deployment}/chat/completions or ${V1_PATH}`);
    if (match && ex.url.searchParams.get('api-version') !== AZURE_EMULATOR_API_VERSION) return void ex.reject('missing or unexpected api-version');
    if (v1 && ex.url.searchParams.has('api-version')) return void ex.reject('the v1 API takes no api-version');
    if (request.headers.authorization !== undefined) return void ex.reject('Azure takes the key in api-key, not Authorization');
    if (request.headers['api-key'] !== (state.apiKey ?? undefined)) return void ex.reject('expected the key in the api-key header');
    const problem = jsonContentTypeViolation(request) ?? messagesViolation(request.json);
    if (problem) return void ex.reject(problem);
    const model = (request.json as { model?: unknown }).model;
    if (v1 && (typeof model !== 'string' || model === '')) return void ex.reject('the v1 API needs the deployment name as model');

    const scenario = state.scenario;
    const delay = { delayMs: scenario.delayMs ?? 0 };
    const deployment = match ? decodeURIComponent(match[1] ?? '') : String(model);
    const notFound = (): void =>
      ex.json(
        404,
        {
          error: {
            code: 'DeploymentNotFound',
            message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          },
        },
        delay,
      );
    switch (scenario.name) {
      case 'deployment-not-found':
        return notFound();
      case 'unauthorized':
        return ex.json(
          401,
          {
            error: {
              code: '401',
              message:
                'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
            },
          },
          delay,
        );
      case 'rate-limited': {
        const headers: Record<string, string> = {};
        if (scenario.retryAfterSeconds !== undefined) headers['retry-after'] = String(scenario.retryAfterSeconds);
        if (scenario.retryAfterMs !== undefined) headers['retry-after-ms'] = String(scenario.retryAfterMs);
        return ex.json(
          429,
          {
            error: {
              code: '429',
              message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${AZURE_EMULATOR_API_VERSION} have exceeded token rate limit of your current pricing tier.`,
            },
          },
          { ...delay, headers },
        );
      }
      case 'prompt-filtered':
        return ex.json(
          400,
          {
            error: {
              message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
              type: null,
              param: 'prompt',
              code: 'content_filter',
              status: 400,
              innererror: {
                code: 'ResponsibleAIPolicyViolation',
                content_filter_result: { hate: { filtered: false, severity: 'safe' }, jailbreak: { filtered: true, detected: true } },
              },
            },
          },
          delay,
        );
      case 'answer-filtered': {
        const answer = chatCompletion('gpt-4o-2024-08-06', '', { prompt: 14, completion: 0 });
        return ex.json(
          200,
          {
            ...answer,
            choices: [
              {
                index: 0,
                finish_reason: 'content_filter',
                message: { role: 'assistant', content: null },
                content_filter_results: { violence: { filtered: true, severity: 'medium' } },
              },
            ],
          },
          delay,
        );
      }
      case 'success':
        if (deployment !== (scenario.deployment ?? 'gpt4o')) return notFound();
        return ex.json(200, chatCompletion('gpt-4o-2024-08-06', scenario.reply ?? 'Ready.', { prompt: 14, completion: 2 }), delay);
    }
  };
}
