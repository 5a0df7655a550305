import { KNOWN_ADVISORIES, advisoriesFor, parseVersion } from '../../../src/discovery/advisories.js';
import { DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { SCAN_MS, TIMEOUT_RANGE } from './support.js';

/** The release just before `fixed`: 0.1.34 → 0.1.33, 0.17.1 → 0.17.0. */
function justBefore(fixed: string): string {
  const [major, minor, patch] = parseVersion(fixed) as [number, number, number];
  return patch > 0 ? `${major}.${minor}.${patch - 1}` : `${major}.${minor - 1}.99`;
}

describe('the known-vulnerable versions table', () => {
  test.each(KNOWN_ADVISORIES.map((advisory) => [advisory.id, advisory] as const))('%s: the release before the fix has it, the fixed one does not', (_id, advisory) => {
    expect(parseVersion(advisory.fixedVersion)).not.toBeNull();
    expect(advisory.url).toMatch(/^https:\/\//);
    expect(advisory.summary.length).toBeLessThanOrEqual(200);
    expect(advisoriesFor(advisory.kind, justBefore(advisory.fixedVersion)).map((a) => a.id)).toContain(advisory.id);
    expect(advisoriesFor(advisory.kind, advisory.fixedVersion).map((a) => a.id)).not.toContain(advisory.id);
    expect(advisoriesFor(advisory.kind, `v${advisory.fixedVersion}`).map((a) => a.id)).not.toContain(advisory.id);
  });

  test('versions that do not parse, and Ollama development builds (0.0.0), get none', () => {
    for (const version of [null, '', 'latest', 'abc.def', '0.1.33.7', '0.0.0', 'b4500-adc5dd92']) {
      expect(advisoriesFor('ollama', version)).toEqual([]);
    }
  });

  test('another kind reporting an affected-looking version gets none', () => {
    expect(advisoriesFor('vllm', '0.1.33')).toEqual([]);
  });
});

describe('a finding carries the advisories for the version its server reports', () => {
  const scan = async (version: string) => {
    const ollama = await startFingerprintEmulator('ollama', { version });
    try {
      const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [ollama.port] });
      return (await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en')).providers[0];
    } finally {
      await ollama.close();
    }
  };

  test('Ollama 0.1.33 gets CVE-2024-37032 with "update to 0.1.34 or later"', async () => {
    const finding = await scan('0.1.33');
    expect(finding?.version).toBe('0.1.33');
    const probllama = finding?.advisories.find((a) => a.id === 'CVE-2024-37032');
    expect(probllama).toMatchObject({ fixedVersion: '0.1.34', url: 'https://github.com/ollama/ollama/pull/4175' });
    expect(probllama?.remediation).toBe('Ollama 0.1.33 has a known flaw (CVE-2024-37032). Update it to 0.1.34 or later.');
    expect(finding?.advisories.map((a) => a.id)).not.toContain('CVE-2024-28224');
  });

  test('Ollama 0.1.34 does not; a version that does not parse gets none', async () => {
    expect((await scan('0.1.34'))?.advisories.map((a) => a.id)).not.toContain('CVE-2024-37032');
    const odd = await scan('nightly-2026');
    expect(odd).toMatchObject({ serverKind: 'ollama', version: 'nightly-2026', advisories: [] });
  });
});
