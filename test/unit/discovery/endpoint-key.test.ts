import { endpointKey, findingId } from '../../../src/discovery/endpoint-key.js';

describe('endpointKey', () => {
  test('loopback spellings, trailing slashes and a trailing /v1 are one endpoint', () => {
    const key = endpointKey('http://127.0.0.1:1234');
    for (const same of ['http://localhost:1234/', 'http://[::1]:1234/v1', 'http://LOCALHOST:1234/v1/', 'http://127.0.0.1:1234//']) {
      expect(endpointKey(same)).toBe(key);
    }
  });

  test('scheme, port, host and other paths still tell endpoints apart', () => {
    const key = endpointKey('http://127.0.0.1:8080');
    for (const other of ['https://127.0.0.1:8080', 'http://127.0.0.1:8081', 'http://192.168.1.20:8080', 'http://127.0.0.1:8080/proxy']) {
      expect(endpointKey(other)).not.toBe(key);
    }
    expect(endpointKey('https://example.org')).toBe(endpointKey('https://example.org:443/v1'));
    expect(endpointKey('not a url')).toBeNull();
  });

  test('finding ids are short, stable and differ per endpoint', () => {
    const key = endpointKey('http://127.0.0.1:11434') as string;
    expect(findingId(key)).toMatch(/^disc-[0-9a-f]{16}$/);
    expect(findingId(key)).toBe(findingId(endpointKey('http://localhost:11434/') as string));
    expect(findingId(key)).not.toBe(findingId(endpointKey('http://127.0.0.1:11435') as string));
  });
});
