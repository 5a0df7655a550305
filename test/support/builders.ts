import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/llm-profiles.js';

type ProfileInput = components['schemas']['ProfileInput'];

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix} ${counter}-${randomUUID().slice(0, 6)}`;
}

export const CONSENT = '2026-11-20T09:30:00.000Z';

export function localLlama(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return { name: uniqueName('Local llama.cpp'), providerType: 'llama.cpp', endpointUrl: 'http://127.0.0.1:8080', modelId: 'qwen2.5-7b', ...overrides };
}

export function localOllama(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return { name: uniqueName('Ollama'), providerType: 'ollama', endpointUrl: 'http://localhost:11434', modelId: 'llama3.2', ...overrides };
}

export function azure(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name: uniqueName('Azure'),
    providerType: 'azure',
    endpointUrl: 'https://tutor.openai.azure.com',
    modelId: 'gpt4o-tutor',
    apiKey: `az-${randomUUID()}`,
    consentTimestamp: CONSENT,
    ...overrides,
  };
}

export function anthropic(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name: uniqueName('Claude'),
    providerType: 'anthropic',
    endpointUrl: 'https://api.anthropic.com',
    modelId: 'claude-3-5-haiku-latest',
    apiKey: `sk-ant-${randomUUID()}`,
    consentTimestamp: CONSENT,
    ...overrides,
  };
}

export function lanCustom(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return { name: uniqueName('LM Studio on the desktop'), providerType: 'custom', endpointUrl: 'http://192.168.1.20:1234/v1', consentTimestamp: CONSENT, ...overrides };
}
