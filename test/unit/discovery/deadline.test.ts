import { DEFAULT_DISCOVERY_PORTS, DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { closedPorts, connectionsDuring, findingAt, timed, TIMEOUT_RANGE } from './support.js';
import { withoutTimers } from '../../support/no-timers.js';

describe('the whole call keeps to its deadline', () => {
  test('all candidates closed: an empty answer without waiting for the deadline', async () => {
    // The default hosts and as many ports as the well-known list: a machine running no model server.
    // Refused connections end the scan; only a waited-out deadline could take the full timeoutMs.
    const ports = await closedPorts(DEFAULT_DISCOVERY_PORTS.length);
    const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1', 'localhost'], ports });
    const value = await withoutTimers(() => connectionsDuring(() => service.discover({ strategy: 'local', timeoutMs: 5000 }, [], 'en')));
    expect(value.value.providers).toEqual([]);
    // Every closed port was tried and refused: the empty answer is not a scan that never ran.
    expect(new Set(value.refusedPorts)).toEqual(new Set(ports));
  });

  test('a server that accepts and never answers does not hold the call past timeoutMs; the others are intact', async () => {
    const silent = await startFingerprintEmulator('silent');
    const ollama = await startFingerprintEmulator('ollama');
    const vllm = await startFingerprintEmulator('vllm');
    try {
      const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [silent.port, ollama.port, vllm.port] });
      const { value, ms } = await timed(() => service.discover({ strategy: 'local', timeoutMs: 1000 }, [], 'en'));
      // Ten times the deadline: proves the deadline applied, whatever the machine's load.
      expect(ms).toBeLessThan(10_000);
      expect(silent.requests.length).toBeGreaterThan(0);
      expect(findingAt(value.providers, silent)).toBeUndefined();
      expect(findingAt(value.providers, ollama)).toMatchObject({ serverKind: 'ollama', models: ollama.models });
      expect(findingAt(value.providers, vllm)).toMatchObject({ serverKind: 'vllm', version: '0.6.3' });
    } finally {
      await Promise.all([silent.close(), ollama.close(), vllm.close()]);
    }
  });

  test('a name whose lookup never returns does not hold the call either', async () => {
    const ports = await closedPorts(1);
    const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports }, { lookup: () => undefined });
    const { value, ms } = await timed(() => service.discover({ strategy: 'remote', hosts: ['never-resolves'], timeoutMs: 500 }, [], 'en'));
    expect(value.providers).toEqual([]);
    expect(ms).toBeLessThan(5000);
  });

  test('timeoutMs outside 500–5000 is a validation error, not silently clamped', async () => {
    const service = new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [] });
    await expect(service.discover({ strategy: 'local', timeoutMs: 499 }, [], 'en')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      fieldErrors: [{ pointer: '/timeoutMs', messageKey: 'field.minimum' }],
    });
    await expect(service.discover({ strategy: 'local', timeoutMs: 5001 }, [], 'en')).rejects.toMatchObject({
      fieldErrors: [{ pointer: '/timeoutMs', messageKey: 'field.maximum' }],
    });
  });
});
