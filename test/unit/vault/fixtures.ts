import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StoredProfile, VaultData } from '../../../src/vault/state.js';

export function storedProfile(overrides: Partial<StoredProfile> = {}): StoredProfile {
  const stamp = '2025-01-02T03:04:05.000Z';
  return {
    id: randomUUID(),
    name: 'Local llama',
    providerType: 'llama.cpp',
    endpointUrl: 'http://127.0.0.1:8080',
    modelId: null,
    consentTimestamp: null,
    createdAt: stamp,
    modifiedAt: stamp,
    apiKey: null,
    ...overrides,
  };
}

/** Adds a profile to a draft the way the profile service does: the first one becomes active. */
export function addProfile(draft: VaultData, overrides: Partial<StoredProfile> = {}): StoredProfile {
  const profile = storedProfile({ name: `Profile ${draft.profiles.length + 1}`, ...overrides });
  draft.profiles.push(profile);
  draft.activeProfileId ??= profile.id;
  return profile;
}

/** A temp dir removed after `body`, however it ends. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'llm-vault-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The file's bytes, or null when it does not exist. */
export async function bytesOf(file: string): Promise<Buffer | null> {
  return readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}
