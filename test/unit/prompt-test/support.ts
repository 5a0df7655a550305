/**
 * Shared by the test-prompt tests: canary secrets, target builders, an emulator pool that
 * closes everything after each test and fails it on any protocol violation, and checks that
 * an outcome fits the contract and carries no secret.
 */
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorKind, type EmulatorOptions, type ScenarioByKind } from '../../support/emulators/providers/index.js';
import { schemaProblems } from '../../support/contract.js';
import type { PromptTestService, TestOutcome, TestTarget } from '../../../src/prompt-test/prompt-test-service.js';

export const CANARY_KEY = 'sk-canary-7f3a9c1e-0b4d-KEY-must-never-leak';
export const CANARY_PROMPT = 'CANARY-PROMPT-5b2e91: reply with the single word ready';

export function target(overrides: Partial<TestTarget> & Pick<TestTarget, 'providerType' | 'endpointUrl'>): TestTarget {
  return {
    profileId: randomUUID(),
    profileName: `Test ${overrides.providerType}`,
    modelId: null,
    apiKey: null,
    savedAddressClass: 'loopback',
    ...overrides,
  };
}

/** Starts emulators for one test and closes them after it; any violation fails the test. */
export function emulatorPool(): { start<K extends EmulatorKind>(kind: K, options?: EmulatorOptions<ScenarioByKind[K]>): Promise<Emulator<ScenarioByKind[K]>> } {
  const started: { violations: string[]; close(): Promise<void> }[] = [];
  afterEach(async () => {
    const violations = started.flatMap((emulator) => emulator.violations);
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
    expect(violations).toEqual([]);
  });
  return {
    async start(kind, options) {
      const emulator = await startEmulator(kind, options);
      started.push(emulator);
      return emulator;
    },
  };
}

/** The outcome with the meta fields the HTTP layer adds validates against the contract's schema. */
export function expectContractShape(outcome: TestOutcome): void {
  const response = { ...outcome, correlationId: 'corr-1', requestId: 'req-1', durationMs: 1, safeStorageStatus: 'available' };
  expect(schemaProblems('TestOutcomeResponse', response)).toEqual([]);
}

export function expectNoSecrets(value: unknown, secrets: string[] = [CANARY_KEY, CANARY_PROMPT]): void {
  const serialized = JSON.stringify(value);
  for (const secret of secrets) expect(serialized).not.toContain(secret);
}

/**
 * The latency an outcome reports is the exchange's wall time: never shorter than the emulator's
 * injected delay, and never longer than the whole call as the caller saw it. Both bounds hold on
 * a machine of any speed, so the check says nothing about how fast the exchange was.
 */
export async function expectLatencyNear(first: TestOutcome, delayMs: number, again: () => Promise<TestOutcome>): Promise<void> {
  expect(first.success).toBe(true);
  expect(first.latencyMs).toBeGreaterThanOrEqual(delayMs - 1);
  const started = performance.now();
  const outcome = await again();
  const wallMs = performance.now() - started;
  expect(outcome.success).toBe(true);
  expect(outcome.latencyMs).toBeGreaterThanOrEqual(delayMs - 1);
  expect(outcome.latencyMs).toBeLessThanOrEqual(Math.ceil(wallMs) + 1);
}

export function bodyOf(emulator: { requests: { json: unknown }[] }, index = -1): Record<string, unknown> {
  return emulator.requests.at(index)?.json as Record<string, unknown>;
}

/**
 * The first calls in a process pay one-off costs (code compiled on first use, on both the
 * service's and the emulator's side); latency assertions are about the exchange, so each
 * file pays them first, through the same adapter and emulator it measures.
 */
export async function warmUp(service: PromptTestService, providerType: TestTarget['providerType'] = 'llama.cpp'): Promise<void> {
  const kinds = { 'llama.cpp': 'llama.cpp', ollama: 'ollama', azure: 'azure', custom: 'openai', anthropic: 'anthropic' } as const;
  const emulator = await startEmulator(kinds[providerType], { apiKey: 'warm-up-key' });
  try {
    for (let round = 0; round < 3; round += 1) {
      const outcome = await service.run(
        target({ providerType, endpointUrl: emulator.url, modelId: providerType === 'azure' ? 'gpt4o' : 'llama3.2:latest', apiKey: 'warm-up-key' }),
        { locale: 'en' },
      );
      if (!outcome.success) throw new Error(`warm-up failed: ${outcome.errorCode ?? ''}`);
    }
  } finally {
    await emulator.close();
  }
}
