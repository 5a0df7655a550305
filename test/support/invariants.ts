import { readdir, readFile } from 'node:fs/promises';
import type { TestServer } from './server.js';

interface DiskState {
  activeProfileId: string | null;
  profiles: { id: string; name: string }[];
}

/**
 * The invariants of docs/architecture.md §4, checked three ways — over HTTP, in memory and on disk:
 * exactly one active profile whenever any exist, names unique, and no temp file left behind.
 */
export async function assertInvariants(server: TestServer): Promise<void> {
  const res = await server.http.get('/api/llm/profiles').set(server.auth);
  expect(res.status).toBe(200);
  const profiles = res.body.profiles as { id: string; name: string; isActive: boolean }[];
  const active = profiles.filter((p) => p.isActive);
  if (profiles.length > 0) {
    expect(active).toHaveLength(1);
    expect(res.body.activeProfileId).toBe(active[0]?.id);
  } else {
    expect(res.body.activeProfileId).toBeNull();
  }
  const names = profiles.map((p) => p.name.trim().toLowerCase());
  expect(new Set(names).size).toBe(names.length);

  const memory = server.service.deps.vault.snapshot();
  expect(memory.activeProfileId).toBe(res.body.activeProfileId);
  expect(memory.profiles.map((p) => p.id).sort()).toEqual(profiles.map((p) => p.id).sort());

  const files = await readdir(server.dataDir);
  if (files.includes('profiles.json')) {
    const disk = JSON.parse(await readFile(server.service.paths.vaultFile, 'utf8')) as DiskState;
    expect(disk.activeProfileId).toBe(res.body.activeProfileId);
    expect(disk.profiles.map((p) => p.id).sort()).toEqual(profiles.map((p) => p.id).sort());
  } else {
    expect(profiles).toHaveLength(0);
  }
  expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
}
