/**
 * Provider emulators for tests: `startEmulator(kind, {scenario, apiKey})` starts a real HTTP
 * server on 127.0.0.1:0 speaking that provider's protocol. It records every request, answers
 * a malformed one with 400 and a recorded violation, and plays the scenario the test sets.
 */
import { anthropicHandler, type AnthropicScenario } from './anthropic.js';
import { azureHandler, type AzureScenario } from './azure.js';
import { startHarness, type Handler, type Harness } from './harness.js';
import { LLAMA_CPP_SERVER_HEADER, llamaCppHandler, type LlamaCppOptions, type LlamaCppScenario } from './llama-cpp.js';
import { ollamaHandler, type OllamaScenario } from './ollama.js';
import { openAiHandler, type OpenAiOptions, type OpenAiScenario } from './openai-compatible.js';
import { silentHandler, trickleHandler } from './stalling.js';
import type { EmulatorState } from './state.js';
import { streamable, type StreamControl, type StreamFormat, type StreamScript } from './streaming.js';

export type { RealReplyName } from './real-replies.js';
export type { StreamSendLog } from './streaming.js';
export type { AnthropicScenario, LlamaCppScenario, OpenAiScenario };

export interface ScenarioByKind {
  'llama.cpp': LlamaCppScenario;
  ollama: OllamaScenario;
  azure: AzureScenario;
  openai: OpenAiScenario;
  anthropic: AnthropicScenario;
  silent: { name: 'silent' };
  trickle: { name: 'trickle'; intervalMs?: number };
}

export type EmulatorKind = keyof ScenarioByKind;

export interface EmulatorOptions<S> extends OpenAiOptions, LlamaCppOptions {
  scenario?: S;
  /** The key the client must send; absent: the client must send no key. */
  apiKey?: string | null;
  /** How a streamed answer is paced (see streaming.ts); default: the reply at once. */
  stream?: StreamScript;
}

/** A harness (requests, violations the real provider would refuse, connection counts) playing one provider. */
export interface Emulator<S> extends Harness {
  kind: EmulatorKind;
  setScenario(scenario: S): void;
  /** The streaming script (settable) and the send times of every streamed answer. */
  stream: StreamControl;
}

const DEFAULT_SCENARIO: { [K in EmulatorKind]: ScenarioByKind[K] } = {
  'llama.cpp': { name: 'success' },
  ollama: { name: 'success' },
  azure: { name: 'success' },
  openai: { name: 'success' },
  anthropic: { name: 'success' },
  silent: { name: 'silent' },
  trickle: { name: 'trickle' },
};

const STREAM_FORMAT: { [K in EmulatorKind]: StreamFormat | null } = {
  'llama.cpp': 'llama.cpp',
  ollama: 'ollama',
  azure: 'azure',
  openai: 'chat',
  anthropic: 'anthropic',
  silent: null,
  trickle: null,
};

export async function startEmulator<K extends EmulatorKind>(kind: K, options: EmulatorOptions<ScenarioByKind[K]> = {}): Promise<Emulator<ScenarioByKind[K]>> {
  const state: EmulatorState<ScenarioByKind[K]> = { scenario: options.scenario ?? DEFAULT_SCENARIO[kind], apiKey: options.apiKey ?? null };
  const handlers: { [P in EmulatorKind]: () => Handler } = {
    'llama.cpp': () => llamaCppHandler(state as EmulatorState<LlamaCppScenario>, options),
    ollama: () => ollamaHandler(state as EmulatorState<OllamaScenario>),
    azure: () => azureHandler(state as EmulatorState<AzureScenario>),
    openai: () => openAiHandler(state as EmulatorState<OpenAiScenario>, options),
    anthropic: () => anthropicHandler(state as EmulatorState<AnthropicScenario>),
    silent: () => silentHandler(),
    trickle: () => trickleHandler((state.scenario as ScenarioByKind['trickle']).intervalMs),
  };
  const stream: StreamControl = { script: options.stream ?? {}, log: [], streamedCalls: 0 };
  const format = STREAM_FORMAT[kind];
  const handler = format ? streamable(format, handlers[kind](), stream) : handlers[kind]();
  const harness = await startHarness(handler, kind === 'llama.cpp' ? { headers: { server: LLAMA_CPP_SERVER_HEADER } } : {});
  return {
    kind,
    url: harness.url,
    port: harness.port,
    requests: harness.requests,
    violations: harness.violations,
    connections: harness.connections,
    openConnections: harness.openConnections,
    setScenario(scenario) {
      state.scenario = scenario;
    },
    stream,
    close: harness.close,
  };
}
