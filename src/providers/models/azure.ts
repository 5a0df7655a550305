/**
 * Azure OpenAI: a resource's deployments can be listed only through Azure Resource Manager with
 * an Entra token, not with the API key a profile holds (the old data-plane list was removed),
 * so nothing is asked; the learner is told to type the deployment name instead.
 */
import type { ListResult, ModelLister } from './types.js';

export const azureLister: ModelLister = {
  list(): Promise<ListResult> {
    return Promise.resolve({ kind: 'not-supported' });
  },
};
