import type { DiscoveredProviderType, ServerKind } from './types.js';

/** The ports model servers listen on out of the box (8080 serves both llama.cpp and LocalAI). */
export const DEFAULT_DISCOVERY_PORTS: number[] = [11434, 8080, 9931, 1234, 8000, 5001, 5000, 1337, 4000];

/** Jan's only tell is a 401 on /v1/models, which any keyed server gives; its own port breaks the tie. */
export const JAN_PORT = 1337;

const PROVIDER_TYPE: Record<ServerKind, DiscoveredProviderType> = {
  ollama: 'ollama',
  'llama.cpp': 'llama.cpp',
  lmstudio: 'custom',
  vllm: 'custom',
  localai: 'custom',
  koboldcpp: 'custom',
  'textgen-webui': 'custom',
  jan: 'custom',
  'openai-compatible': 'custom',
};

export function providerTypeOf(kind: ServerKind): DiscoveredProviderType {
  return PROVIDER_TYPE[kind];
}

/**
 * The profile types that work against each kind, by the protocols it serves: every one of these
 * servers speaks OpenAI's chat completions under /v1 (so `custom` works everywhere), llama.cpp,
 * Ollama and LM Studio also serve Anthropic's /v1/messages, and only Ollama serves /api/chat.
 */
const WORKING_TYPES: Record<ServerKind, readonly string[]> = {
  ollama: ['ollama', 'custom', 'anthropic'],
  'llama.cpp': ['llama.cpp', 'custom', 'anthropic'],
  lmstudio: ['custom', 'anthropic'],
  vllm: ['custom'],
  localai: ['custom'],
  koboldcpp: ['custom'],
  'textgen-webui': ['custom'],
  jan: ['custom'],
  'openai-compatible': ['custom'],
};

/** Whether a saved profile of `providerType` can work against a server of this kind. */
export function worksWith(kind: ServerKind, providerType: string): boolean {
  return WORKING_TYPES[kind].includes(providerType);
}

/**
 * The address a profile should store: Ollama and llama.cpp adapters take the server's root,
 * the OpenAI-compatible adapter takes the `/v1` base.
 */
export function endpointUrlFor(kind: ServerKind, urlHost: string, port: number): string {
  const root = `http://${urlHost}:${port}`;
  return providerTypeOf(kind) === 'custom' ? `${root}/v1` : root;
}
