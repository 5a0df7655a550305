/**
 * Azure OpenAI, in both of its API forms, with an `api-key` header:
 * - deployments: POST {resource}/openai/deployments/{deployment}/chat/completions?api-version=…
 *   (`*.openai.azure.com`, `*.cognitiveservices.azure.com`);
 * - v1: POST {resource}/openai/v1/chat/completions with the deployment as `model` and no
 *   api-version — chosen when the pasted address has `/openai/v1`, and for Foundry's
 *   `*.services.ai.azure.com`, where v1 is the documented form.
 * The profile's model id is the deployment name, which learners often confuse with the model
 * name, so a missing deployment gets its own message.
 */
import { chatCompletionBody, readChatCompletion, revisedChatPlan } from './chat-completions.js';
import { failure, isSuccessStatus, joinUrl } from './classify.js';
import { classifyError } from './error-meanings.js';
import type { ChatAnswer, ChatPlan, ChatTarget, ProviderAdapter, ProviderFailure, ProviderReply } from './types.js';

const AZURE_API_VERSION = '2024-10-21';
const FOUNDRY_HOST = /\.services\.ai\.azure\.com$/i;

/** The resource's root: whatever the learner pasted after `/openai` is rebuilt from the deployment. */
function resourceBase(url: URL): URL {
  const root = new URL(url.href);
  root.search = '';
  const cut = root.pathname.toLowerCase().indexOf('/openai');
  root.pathname = cut >= 0 ? root.pathname.slice(0, cut) || '/' : root.pathname;
  return root;
}

function usesV1(url: URL): boolean {
  const path = url.pathname.toLowerCase();
  if (/\/openai\/v1(\/|$)/.test(path)) return true;
  return FOUNDRY_HOST.test(url.hostname) && !path.includes('/openai/deployments/');
}

function chatUrl(endpointUrl: string, deployment: string): { url: URL; v1: boolean } {
  const pasted = new URL(endpointUrl);
  const base = resourceBase(pasted);
  if (usesV1(pasted)) return { url: joinUrl(base, '/openai/v1/chat/completions'), v1: true };
  const url = joinUrl(base, `/openai/deployments/${encodeURIComponent(deployment)}/chat/completions`);
  url.searchParams.set('api-version', AZURE_API_VERSION);
  return { url, v1: false };
}

export const azureAdapter: ProviderAdapter = {
  providerType: 'azure',

  async plan(target: ChatTarget, prompt: string): Promise<ChatPlan | ProviderFailure> {
    if (!target.modelId) return failure('MODEL_NOT_FOUND', false, null, { variant: 'noDeployment' });
    const { url, v1 } = chatUrl(target.endpointUrl, target.modelId);
    return {
      kind: 'plan',
      request: {
        method: 'POST',
        url,
        headers: target.apiKey ? { 'api-key': target.apiKey } : {},
        // No token cap: the deployment's model family (and so the field it takes) is unknown here.
        json: chatCompletionBody(v1 ? target.modelId : null, prompt),
        carriesPrompt: true,
      },
      model: target.modelId,
      notes: [],
    };
  },

  read(reply: ProviderReply, plan: ChatPlan): ChatAnswer | ProviderFailure {
    return isSuccessStatus(reply.status) ? readChatCompletion(reply, plan.model) : classifyError(reply);
  },

  revise: revisedChatPlan,
};
