import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ADDRESS_NOT_ALLOWED_CODE, isAllowedAddress, literalHostAllowed, policyLookup } from '../../../src/providers/address-policy.js';

function resolverOf(addresses: string[]): LookupFunction {
  return (_hostname: string, options: LookupOptions, callback) => {
    const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, list);
    else callback(null, list[0]?.address ?? '', list[0]?.family);
  };
}

function resolve(lookup: LookupFunction, all: boolean): Promise<{ error: NodeJS.ErrnoException | null; result: unknown }> {
  return new Promise((done) => lookup('name.test', { all }, (error, result) => done({ error, result })));
}

describe('outbound address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback', true],
    ['::1', 'loopback', true],
    ['192.168.1.20', 'loopback', true],
    ['93.184.216.34', 'loopback', true],
    ['127.0.0.1', 'private', false],
    ['10.0.0.5', 'private', true],
    ['93.184.216.34', 'private', true],
    ['127.0.0.1', 'public', false],
    ['192.168.1.20', 'public', false],
    ['fd00::1', 'public', false],
    ['::ffff:127.0.0.1', 'public', false],
    ['93.184.216.34', 'public', true],
    ['169.254.169.254', 'loopback', false],
    ['fe80::1', 'private', false],
    ['0.0.0.0', 'loopback', false],
    ['224.0.0.1', 'public', false],
  ] as const)('%s for a profile saved as %s: allowed %s', (address, saved, allowed) => {
    expect(isAllowedAddress(address, saved)).toBe(allowed);
  });

  it('judges address literals up front and leaves names to the lookup', () => {
    expect(literalHostAllowed('[::1]', 'loopback')).toBe(true);
    expect(literalHostAllowed('169.254.169.254', 'public')).toBe(false);
    expect(literalHostAllowed('api.example.com', 'public')).toBeNull();
  });

  it('answers in the form the caller asked for when every address is allowed', async () => {
    const lookup = policyLookup(resolverOf(['127.0.0.1', '::1']), 'loopback');
    expect(await resolve(lookup, true)).toEqual({
      error: null,
      result: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    expect(await resolve(lookup, false)).toEqual({ error: null, result: '127.0.0.1' });
  });

  it('fails the lookup when any address is refused', async () => {
    const { error } = await resolve(policyLookup(resolverOf(['93.184.216.34', '169.254.169.254']), 'public'), false);
    expect(error?.code).toBe(ADDRESS_NOT_ALLOWED_CODE);
  });

  it('passes resolver errors through and treats an empty answer as not found', async () => {
    const failing: LookupFunction = (_hostname, _options, callback) => callback(Object.assign(new Error('nope'), { code: 'EAI_AGAIN' }), '');
    expect((await resolve(policyLookup(failing, 'public'), true)).error?.code).toBe('EAI_AGAIN');
    expect((await resolve(policyLookup(resolverOf([]), 'public'), true)).error?.code).toBe('ENOTFOUND');
  });
});
