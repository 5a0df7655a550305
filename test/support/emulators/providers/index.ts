/**
 * Provider emulators for tests: `startEmulator(kind, {scenario, apiKey})` starts a real HTTP
 * server on 127.0.0.1:0 speaking that provider's protocol. It records every request, answers
 * a malformed one with 400 and a recorded violation, and plays the scenario the test sets.
 */
import { anthropicHandler, type AnthropicScenario } from './anthropic.js';
import { azureHandler, type AzureScenario } from './azure.js';
import { startHarness, type Handler, type Harness } from './harness.js';
import { llamaCppHandler, type LlamaCppScenario } from './llama-cpp.js';
import { ollamaHandler, type OllamaScenario } from './ollama.js';
import { openAiHandler, type OpenAiOptions, type OpenAiScenario } from './openai-compatible.js';
import { silentHandler, trickleHandler } from './stalling.js';
import type { EmulatorState } from './state.js';

export type { AnthropicScenario, OpenAiScenario };

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

export interface EmulatorOptions<S> extends OpenAiOptions {
  scenario?: S;
  /** The key the client must send; absent: the client must send no key. */
  apiKey?: string | null;
}

/** A harness (requests, violations the real provider would refuse, connection counts) playing one provider. */
export interface Emulator<S> extends Harness {
  kind: EmulatorKind;
  setScenario(scenario: S): void;
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

export async function startEmulator<K extends EmulatorKind>(kind: K, options: EmulatorOptions<ScenarioByKind[K]> = {}): Promise<Emulator<ScenarioByKind[K]>> {
  const state: EmulatorState<ScenarioByKind[K]> = { scenario: options.scenario ?? DEFAULT_SCENARIO[kind], apiKey: options.apiKey ?? null };
  const handlers: { [P in EmulatorKind]: () => Handler } = {
    'llama.cpp': () => llamaCppHandler(state as EmulatorState<LlamaCppScenario>),
    ollama: () => ollamaHandler(state as EmulatorState<OllamaScenario>),
    azure: () => azureHandler(state as EmulatorState<AzureScenario>),
    openai: () => openAiHandler(state as EmulatorState<OpenAiScenario>, options),
    anthropic: () => anthropicHandler(state as EmulatorState<AnthropicScenario>),
    silent: () => silentHandler(),
    trickle: () => trickleHandler((state.scenario as ScenarioByKind['trickle']).intervalMs),
  };
  const harness = await startHarness(handlers[kind]());
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
    close: harness.close,
  };
}
