import { DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { TIMEOUT_RANGE } from './support.js';
import { startFingerprintEmulator, type FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';

describe('scan cache', () => {
  let ollama: FingerprintEmulator;
  let clock: number;
  const now = (): number => clock;

  beforeAll(async () => {
    ollama = await startFingerprintEmulator('ollama');
  });

  afterAll(async () => {
    await ollama.close();
  });

  beforeEach(() => {
    clock = Date.parse('2026-11-20T09:40:00.000Z');
  });

  const newService = (): DiscoveryService => new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [ollama.port] }, { now });

  test('a second call within five minutes is served from the cache: same findings, no probes', async () => {
    const service = newService();
    const first = await service.discover({ strategy: 'local' }, [], 'en');
    const probesPerScan = ollama.requests.length;
    expect(first).toMatchObject({ cached: false, scannedAt: '2026-11-20T09:40:00.000Z' });
    expect(first.providers).toHaveLength(1);

    clock += 4 * 60_000 + 59_000;
    const second = await service.discover({ strategy: 'local' }, [], 'en');
    expect(second.cached).toBe(true);
    expect(second.providers).toEqual(first.providers);
    expect(second.scannedAt).toBe(first.scannedAt);
    expect(ollama.requests.length).toBe(probesPerScan);

    clock += 2_000;
    const expired = await service.discover({ strategy: 'local' }, [], 'en');
    expect(expired).toMatchObject({ cached: false, scannedAt: '2026-11-20T09:45:01.000Z' });
    expect(ollama.requests.length).toBe(2 * probesPerScan);
  });

  test('force: true scans again', async () => {
    const service = newService();
    await service.discover({ strategy: 'local' }, [], 'en');
    const before = ollama.requests.length;
    const forced = await service.discover({ strategy: 'local', force: true }, [], 'en');
    expect(forced.cached).toBe(false);
    expect(ollama.requests.length).toBeGreaterThan(before);
  });

  test('saved profiles are compared on every call, even when the scan is cached', async () => {
    const service = newService();
    await service.discover({ strategy: 'local' }, [], 'en');
    const profile = { id: '3f0c9a52-7d1e-4f6b-9a43-2b8c5d7e1a90', providerType: 'ollama', endpointUrl: ollama.url };
    const again = await service.discover({ strategy: 'local' }, [profile], 'es');
    expect(again.cached).toBe(true);
    expect(again.providers[0]).toMatchObject({ status: 'already-configured', existingProfileId: profile.id });
    expect(again.providers[0]?.remediation).toMatch(/^Un perfil guardado/);
  });

  test('concurrent calls share one scan', async () => {
    const before = ollama.requests.length;
    await newService().discover({ strategy: 'local' }, [], 'en');
    const probesPerScan = ollama.requests.length - before;

    const service = newService();
    const start = ollama.requests.length;
    const results = await Promise.all([1, 2, 3, 4].map(() => service.discover({ strategy: 'local' }, [], 'en')));
    expect(ollama.requests.length - start).toBe(probesPerScan);
    expect(new Set(results.map((r) => r.scannedAt)).size).toBe(1);
    expect(results.every((r) => r.providers.length === 1)).toBe(true);
  });

  test('remote scans are cached per host list, apart from local ones', async () => {
    const lookup = ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }])) as never;
    const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [ollama.port] }, { now, lookup });
    await service.discover({ strategy: 'local' }, [], 'en');
    const remote = await service.discover({ strategy: 'remote', hosts: ['gpu-box'] }, [], 'en');
    expect(remote.cached).toBe(false);
    const reordered = await service.discover({ strategy: 'remote', hosts: ['GPU-BOX.'] }, [], 'en');
    expect(reordered.cached).toBe(true);
    expect(reordered.providers[0]?.endpointUrl).toBe(`http://gpu-box:${ollama.port}`);
  });
});
