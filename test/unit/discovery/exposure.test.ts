/**
 * The exposure check over real loopback servers: 127.0.0.2 stands for this computer's network
 * address (the injected source), 127.0.0.3 for one that black-holes, 127.0.0.4 for an address
 * that is not this computer's and must never be asked.
 */
import { DiscoveryService, interfaceAddresses } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulator, type FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { blackHole } from '../../support/emulators/fingerprints/network-side.js';
import { findingAt, timed, SCAN_MS, TIMEOUT_RANGE } from './support.js';

const NETWORK = '127.0.0.2';
const scanning = (emulators: FingerprintEmulator[], ownAddresses: string[]): DiscoveryService =>
  new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: emulators.map((e) => e.port) }, { ownAddresses: () => ownAddresses });

describe('is a local server open to the network?', () => {
  test('bound to 127.0.0.1 only: not reachable, no note', async () => {
    const ollama = await startFingerprintEmulator('ollama');
    try {
      const { providers } = await scanning([ollama], [NETWORK]).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]?.exposure).toEqual({ reachableFromNetwork: false, requiresAuth: null, addresses: [] });
      expect(providers[0]?.notes).toEqual([]);
    } finally {
      await ollama.close();
    }
  });

  test('also answering on the network address without a key: reachable, no auth, and the remedy for its kind', async () => {
    const ollama = await startFingerprintEmulator('ollama', { alsoOn: [NETWORK] });
    try {
      const service = scanning([ollama], [NETWORK]);
      const { providers } = await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]?.exposure).toEqual({ reachableFromNetwork: true, requiresAuth: false, addresses: [NETWORK] });
      expect(providers[0]?.notes[0]).toBe(
        `Ollama is reachable from other computers and has no password. Set OLLAMA_HOST=127.0.0.1 and restart it, or block port ${ollama.port} in your firewall.`,
      );
      const es = await service.discover({ strategy: 'local', force: true, timeoutMs: SCAN_MS }, [], 'es');
      expect(es.providers[0]?.notes[0]).toMatch(/^Otros ordenadores pueden llegar a Ollama.*OLLAMA_HOST=127\.0\.0\.1/);
      // One short request on the network address: no credential, no Origin.
      const asked = ollama.requests.filter((r) => r.localAddress === NETWORK);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((r) => r.method === 'GET' && !('authorization' in r.headers) && !('origin' in r.headers))).toBe(true);
      expect(es.providers.filter((finding) => finding.exposure?.reachableFromNetwork)).toHaveLength(1);
    } finally {
      await ollama.close();
    }
  });

  test('answering 401 there: requiresAuth, and a note about keeping the key secret', async () => {
    const keyed = await startFingerprintEmulator('llama.cpp-keyed', { alsoOn: [NETWORK] });
    try {
      const { providers } = await scanning([keyed], [NETWORK]).discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(providers[0]).toMatchObject({ status: 'auth-required', exposure: { reachableFromNetwork: true, requiresAuth: true, addresses: [NETWORK] } });
      expect(providers[0]?.notes[0]).toMatch(/reachable from other computers, which must give its key/);
    } finally {
      await keyed.close();
    }
  });

  test('probes go only to this computer’s own addresses: never to one the source did not name, never for a remote scan', async () => {
    const ollama = await startFingerprintEmulator('ollama', { alsoOn: [NETWORK] });
    const stranger = await blackHole('127.0.0.4', ollama.port);
    try {
      const service = scanning([ollama], [NETWORK]);
      await service.discover({ strategy: 'local', timeoutMs: SCAN_MS }, [], 'en');
      expect(new Set(ollama.requests.map((r) => r.localAddress))).toEqual(new Set(['127.0.0.1', NETWORK]));
      expect(stranger.connections).toEqual([]);

      const before = ollama.requests.length;
      const remote = await service.discover({ strategy: 'remote', hosts: ['127.0.0.1'] }, [], 'en');
      expect(remote.providers[0]?.exposure).toBeNull();
      expect(ollama.requests.slice(before).every((r) => r.localAddress === '127.0.0.1')).toBe(true);
      expect(stranger.connections).toEqual([]);
    } finally {
      await Promise.all([ollama.close(), stranger.close()]);
    }
  });

  test('a black-holed network address does not hold the scan past its deadline; the finding is intact', async () => {
    const ollama = await startFingerprintEmulator('ollama');
    const hole = await blackHole('127.0.0.3', ollama.port);
    try {
      const service = scanning([ollama], ['127.0.0.3']);
      const timeoutMs = 2000;
      const { value, ms } = await timed(() => service.discover({ strategy: 'local', timeoutMs }, [], 'en'));
      // A bound only to prove the deadline applied: three times timeoutMs.
      expect(ms).toBeLessThan(3 * timeoutMs);
      expect(hole.connections).toEqual(['127.0.0.3']);
      expect(findingAt(value.providers, ollama)).toMatchObject({
        serverKind: 'ollama',
        version: '0.5.7',
        models: ollama.models,
        exposure: { reachableFromNetwork: false, requiresAuth: null, addresses: [] },
      });
    } finally {
      await Promise.all([ollama.close(), hole.close()]);
    }
  });
});

describe("this computer's network addresses", () => {
  test('IPv4 and IPv6 of every interface, without loopback and link-local', () => {
    const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
      ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as never;
    const addresses = interfaceAddresses({
      lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
      eth0: [entry('192.168.1.14', 'IPv4'), entry('fe80::1c2b:3cff:fe4d:5e6f', 'IPv6'), entry('fd12:3456:789a::14', 'IPv6')],
      wlan0: [entry('169.254.10.20', 'IPv4'), entry('10.0.0.7', 'IPv4')],
    });
    expect(addresses).toEqual(['192.168.1.14', 'fd12:3456:789a::14', '10.0.0.7']);
  });
});
