/**
 * Azure OpenAI: POST {resource}/openai/deployments/{deployment}/chat/completions?api-version=…
 * with an `api-key` header. The profile's model id is the deployment name, which learners
 * often confuse with the model name, so a missing deployment gets its own message.
 */
import { chatCompletionBody, readChatCompletion } from './chat-completions.js';
import { classifyStatus, errorFields, failure, isSuccessStatus, joinUrl, retryAfterMs } from './classify.js';
import type { ChatAnswer, ChatPlan, ChatTarget, ProviderAdapter, ProviderFailure, ProviderReply } from './types.js';

const AZURE_API_VERSION = '2024-10-21';

/** The resource's root: whatever the learner pasted after `/openai` is rebuilt from the deployment. */
function resourceBase(endpointUrl: string): URL {
  const url = new URL(endpointUrl);
  const cut = url.pathname.toLowerCase().indexOf('/openai');
  if (cut >= 0) url.pathname = url.pathname.slice(0, cut) || '/';
  return url;
}

export const azureAdapter: ProviderAdapter = {
  providerType: 'azure',

  async plan(target: ChatTarget, prompt: string): Promise<ChatPlan | ProviderFailure> {
    if (!target.modelId) return failure('MODEL_NOT_FOUND', false, null, { variant: 'noDeployment' });
    const url = joinUrl(resourceBase(target.endpointUrl), `/openai/deployments/${encodeURIComponent(target.modelId)}/chat/completions`);
    url.searchParams.set('api-version', AZURE_API_VERSION);
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url,
        headers: target.apiKey ? { 'api-key': target.apiKey } : {},
        // No token cap: Azure's parameter for it differs between model families and API versions.
        json: chatCompletionBody(null, prompt),
        carriesPrompt: true,
      },
      model: target.modelId,
      notes: [],
    };
  },

  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure {
    if (isSuccessStatus(reply.status)) return readChatCompletion(reply, plan.model);
    const fields = errorFields(reply.json);
    const code = fields?.code ?? '';
    if (reply.status === 404 && code === 'DeploymentNotFound') return failure('MODEL_NOT_FOUND', false, reply);
    if (reply.status === 429 && code === 'insufficient_quota') return failure('QUOTA_EXHAUSTED', false, reply);
    if (reply.status === 429) return failure('RATE_LIMITED', true, reply, { retryAfterMs: retryAfterMs(reply) });
    if (reply.status === 400 && code === 'content_filter') return failure('PROVIDER_ERROR', false, reply, { variant: 'contentFilter' });
    return classifyStatus(reply);
  },
};
