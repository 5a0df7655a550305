import type { ProviderType } from '../types.js';
import { anthropicLister } from './anthropic.js';
import { azureLister } from './azure.js';
import { llamaCppLister } from './llama-cpp.js';
import { ollamaLister } from './ollama.js';
import { openAiCompatibleLister } from './openai-compatible.js';
import type { ModelLister } from './types.js';

export const MODEL_LISTERS: Record<ProviderType, ModelLister> = {
  'llama.cpp': llamaCppLister,
  ollama: ollamaLister,
  azure: azureLister,
  custom: openAiCompatibleLister,
  anthropic: anthropicLister,
};
