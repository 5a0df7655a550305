/** Profiles for the benchmark: request bodies for creates, and a vault file for the large list. */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const CONSENT = '2026-11-20T09:30:00.000Z';

/** The i-th create body, cycling through the kinds of profile a learner keeps (keys included). */
export function createBody(i: number): { profile: Record<string, unknown> } {
  const name = `Bench profile ${String(i).padStart(4, '0')}`;
  switch (i % 5) {
    case 0:
      return { profile: { name, providerType: 'llama.cpp', endpointUrl: `http://127.0.0.1:${8080 + (i % 7)}`, modelId: 'qwen2.5-7b-instruct' } };
    case 1:
      return { profile: { name, providerType: 'ollama', endpointUrl: 'http://localhost:11434', modelId: 'llama3.2' } };
    case 2:
      return { profile: { name, providerType: 'custom', endpointUrl: `http://192.168.1.${20 + (i % 50)}:1234/v1`, consentTimestamp: CONSENT } };
    case 3:
      return {
        profile: { name, providerType: 'azure', endpointUrl: 'https://tutor.openai.azure.com', modelId: 'gpt4o-tutor', apiKey: `az-${randomUUID()}`, consentTimestamp: CONSENT },
      };
    default:
      return {
        profile: {
          name,
          providerType: 'anthropic',
          endpointUrl: 'https://api.anthropic.com',
          modelId: 'claude-3-5-haiku-latest',
          apiKey: `sk-ant-${randomUUID()}`,
          consentTimestamp: CONSENT,
        },
      };
  }
}

/**
 * Writes a vault holding `count` profiles straight to `<dataDir>/profiles.json`, so the large
 * list is measured without waiting for a thousand durable creates. Keyless kinds only: stored
 * keys would need the vault key that the service creates on its first start.
 */
export async function seedVault(dataDir: string, count: number): Promise<void> {
  const stamp = '2026-11-21T10:00:00.000Z';
  const profiles = Array.from({ length: count }, (_, i) => {
    const kind = i % 3;
    return {
      id: randomUUID(),
      name: `Seeded profile ${String(i).padStart(4, '0')}`,
      providerType: kind === 0 ? 'llama.cpp' : kind === 1 ? 'ollama' : 'custom',
      endpointUrl: kind === 0 ? `http://127.0.0.1:${8080 + (i % 7)}` : kind === 1 ? 'http://localhost:11434' : `http://192.168.1.${20 + (i % 200)}:1234/v1`,
      modelId: kind === 2 ? null : 'llama3.2',
      consentTimestamp: kind === 2 ? CONSENT : null,
      createdAt: stamp,
      modifiedAt: stamp,
      apiKey: null,
    };
  });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const vault = { schemaVersion: 1, activeProfileId: profiles[0]?.id ?? null, profiles, keyCheck: null };
  await writeFile(path.join(dataDir, 'profiles.json'), JSON.stringify(vault), { mode: 0o600 });
}
