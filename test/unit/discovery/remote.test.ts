import type { LookupFunction } from 'node:net';
import { ValidationError } from '../../../src/errors.js';
import { DiscoveryService } from '../../../src/discovery/discovery-service.js';
import { startFingerprintEmulator, type FingerprintEmulator } from '../../support/emulators/fingerprints/index.js';
import { connectionsDuring, TIMEOUT_RANGE } from './support.js';

/** A resolver for made-up names, recording what it was asked. */
function fakeLookup(table: Record<string, string[]>): { lookup: LookupFunction; asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: { address: string; family: number }[]) => void) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as LookupFunction;
  return { lookup, asked };
}

describe('remote strategy', () => {
  let ollama: FingerprintEmulator;

  beforeAll(async () => {
    ollama = await startFingerprintEmulator('ollama');
  });

  afterAll(async () => {
    await ollama.close();
  });

  const serviceWith = (lookup: LookupFunction): DiscoveryService =>
    new DiscoveryService({ timeoutRange: TIMEOUT_RANGE, localHosts: ['127.0.0.1'], ports: [ollama.port] }, { lookup });

  test('a literal link-local / metadata address is a ValidationError pointing at the host', async () => {
    const { lookup, asked } = fakeLookup({});
    const service = serviceWith(lookup);
    const { value: refusal, opened } = await connectionsDuring(() =>
      service.discover({ strategy: 'remote', hosts: ['192.168.1.20', '169.254.169.254', '[fe80::1]', '::ffff:169.254.169.254'] }, [], 'en').then(
        () => null,
        (error: unknown) => error,
      ),
    );
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal).toMatchObject({
      fieldErrors: [
        { pointer: '/hosts/1', messageKey: 'rule.discovery.hostForbidden', params: { host: '169.254.169.254' } },
        { pointer: '/hosts/2', messageKey: 'rule.discovery.hostForbidden' },
        { pointer: '/hosts/3', messageKey: 'rule.discovery.hostForbidden' },
      ],
    });
    expect(asked).toEqual([]);
    expect(opened).toBe(0);
  });

  // Host syntax is the contract's DiscoveryHost pattern, checked at the HTTP boundary (test/integration/contract-truth.test.ts).
  test('no hosts is a ValidationError too', async () => {
    const service = serviceWith(fakeLookup({}).lookup);
    await expect(service.discover({ strategy: 'remote' }, [], 'en')).rejects.toMatchObject({
      fieldErrors: [{ pointer: '/hosts', messageKey: 'rule.discovery.hostsRequired' }],
    });
  });

  test('a name resolving to a metadata address yields no finding and no connection', async () => {
    const { lookup, asked } = fakeLookup({
      'metadata.example': ['169.254.169.254'],
      // Half good, half metadata: the whole name is refused, the good address is not contacted either.
      'rebinding.example': ['127.0.0.1', '169.254.169.254'],
    });
    const service = serviceWith(lookup);
    const before = ollama.requests.length;
    const { value: result, opened } = await connectionsDuring(() => service.discover({ strategy: 'remote', hosts: ['metadata.example', 'rebinding.example'] }, [], 'en'));
    expect(result.providers).toEqual([]);
    expect(asked.sort()).toEqual(['metadata.example', 'rebinding.example']);
    expect(opened).toBe(0);
    expect(ollama.requests.length).toBe(before);
  });

  test('remote findings name the host as typed and say that consent is needed', async () => {
    const { lookup } = fakeLookup({ 'gpu-box.local': ['127.0.0.1'] });
    const service = serviceWith(lookup);
    const { providers } = await service.discover({ strategy: 'remote', hosts: ['GPU-Box.local'] }, [], 'en');
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({
      serverKind: 'ollama',
      endpointUrl: `http://gpu-box.local:${ollama.port}`,
      requiresConsent: true,
      status: 'available',
    });
    expect(providers[0]?.notes[0]).toMatch(/needs your consent/);
    expect(ollama.requests.at(-1)?.headers.host).toBe(`gpu-box.local:${ollama.port}`);
  });

  test('an unknown name is simply not found', async () => {
    const service = serviceWith(fakeLookup({}).lookup);
    const { providers } = await service.discover({ strategy: 'remote', hosts: ['nowhere'] }, [], 'en');
    expect(providers).toEqual([]);
  });
});
