import { randomUUID } from 'node:crypto';
import { DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulator, type FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { findingAt, SCAN_MS, TIMEOUT_RANGE } from './support.js';

describe('duplicates and saved profiles', () => {
  let ollama: FingerprintEmulator;
  let lmstudio: FingerprintEmulator;
  let service: DiscoveryService;

  beforeAll(async () => {
    // Dual-stack, as Ollama is: the same server answers on 127.0.0.1 and [::1].
    ollama = await startFingerprintEmulator('ollama', { alsoIpv6: true });
    lmstudio = await startFingerprintEmulator('lmstudio');
    service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['::1', 'localhost', '127.0.0.1'], ports: [ollama.port, lmstudio.port] });
  });

  afterAll(async () => {
    await Promise.all([ollama.close(), lmstudio.close()]);
  });

  test('one server reachable as localhost, 127.0.0.1 and [::1] is one finding, named by its IPv4 address', async () => {
    const { providers } = await service.discover({ strategy: 'local', force: true, timeoutMs: SCAN_MS }, [], 'en');
    expect(providers.filter((finding) => finding.serverKind === 'ollama')).toHaveLength(1);
    expect(findingAt(providers, ollama)?.endpointUrl).toBe(`http://127.0.0.1:${ollama.port}`);
    expect(ollama.requests.some((r) => r.headers.host === `[::1]:${ollama.port}`)).toBe(true);
    expect(providers).toHaveLength(2);
  });

  test('a saved profile at the same endpoint (other spelling, trailing /v1/) marks it already-configured with its id', async () => {
    const ollamaProfile = { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://localhost:${ollama.port}/v1/` };
    const lmProfile = { id: randomUUID(), providerType: 'custom', endpointUrl: `http://[::1]:${lmstudio.port}/v1` };
    const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [ollamaProfile, lmProfile], 'en');
    expect(findingAt(providers, ollama)).toMatchObject({ status: 'already-configured', existingProfileId: ollamaProfile.id });
    expect(findingAt(providers, lmstudio)).toMatchObject({ status: 'already-configured', existingProfileId: lmProfile.id });
    expect(findingAt(providers, ollama)?.remediation).toMatch(/already uses this server/);
  });

  test('a saved profile of a type that cannot work at that endpoint is a conflict with a remedy', async () => {
    const other = { id: randomUUID(), providerType: 'llama.cpp', endpointUrl: `http://127.0.0.1:${ollama.port}` };
    const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [other], 'en');
    const finding = findingAt(providers, ollama);
    expect(finding).toMatchObject({ status: 'conflict', existingProfileId: other.id, providerType: 'ollama' });
    expect(finding?.remediation).toBe('A saved profile at this address has the type llama.cpp, but this server needs ollama. Change that profile’s type so tests work.');
  });

  test('a custom profile at Ollama’s /v1 works there: already-configured, pointing at it', async () => {
    const custom = { id: randomUUID(), providerType: 'custom', endpointUrl: `http://127.0.0.1:${ollama.port}/v1` };
    const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [custom], 'en');
    expect(findingAt(providers, ollama)).toMatchObject({ status: 'already-configured', existingProfileId: custom.id, providerType: 'ollama' });
  });

  test('with several saved profiles there, the one of the recommended type is the one named', async () => {
    const custom = { id: randomUUID(), providerType: 'custom', endpointUrl: `http://127.0.0.1:${ollama.port}/v1` };
    const native = { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://localhost:${ollama.port}` };
    const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [custom, native], 'en');
    expect(findingAt(providers, ollama)).toMatchObject({ status: 'already-configured', existingProfileId: native.id });
  });

  test('a profile on another port or host does not match', async () => {
    const elsewhere = [
      { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://127.0.0.1:${ollama.port + 1}` },
      { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://192.168.1.20:${ollama.port}` },
    ];
    const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, elsewhere, 'en');
    expect(findingAt(providers, ollama)).toMatchObject({ status: 'available', existingProfileId: null });
  });

  test('includeExisting: false leaves already-configured findings out but keeps conflicts', async () => {
    const same = { id: randomUUID(), providerType: 'ollama', endpointUrl: `http://127.0.0.1:${ollama.port}` };
    const clash = { id: randomUUID(), providerType: 'llama.cpp', endpointUrl: `http://127.0.0.1:${lmstudio.port}/v1` };
    const { providers } = await service.discover({ strategy: 'local', includeExisting: false, timeoutMs: SCAN_MS }, [same, clash], 'en');
    expect(findingAt(providers, ollama)).toBeUndefined();
    expect(findingAt(providers, lmstudio)).toMatchObject({ status: 'conflict', existingProfileId: clash.id });
  });

  test('the finding id is stable across scans and spellings', async () => {
    const first = await service.discover({ strategy: 'local', force: true, timeoutMs: SCAN_MS }, [], 'en');
    const second = await new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['localhost'], ports: [ollama.port] }).discover(
      { strategy: 'local', timeoutMs: SCAN_MS },
      [],
      'en',
    );
    expect(findingAt(second.providers, ollama)?.id).toBe(findingAt(first.providers, ollama)?.id);
  });
});
