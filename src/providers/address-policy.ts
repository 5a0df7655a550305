/**
 * The outbound address policy. A profile's endpoint was judged by its name when it was saved;
 * the addresses that name resolves to at call time are judged again here, so a public name
 * that resolves to the learner's router, this computer or a cloud metadata address is refused
 * before any connection is opened (DNS rebinding, SSRF).
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { classifyAddress, withoutBrackets } from '../net/address.js';

export type SavedAddressClass = 'loopback' | 'private' | 'public';

/** The error code the policy fails a lookup with; the call maps it to ADDRESS_NOT_ALLOWED. */
export const ADDRESS_NOT_ALLOWED_CODE = 'ERR_OUTBOUND_ADDRESS_NOT_ALLOWED';

// Lower is more internal. A profile may reach its own class and any less internal one.
const RANK: Record<SavedAddressClass, number> = { loopback: 0, private: 1, public: 2 };

export function isAllowedAddress(address: string, saved: SavedAddressClass): boolean {
  const found = classifyAddress(address);
  return found !== 'forbidden' && RANK[found] >= RANK[saved];
}

function notAllowed(): NodeJS.ErrnoException {
  return Object.assign(new Error('The resolved address is not allowed for this profile.'), { code: ADDRESS_NOT_ALLOWED_CODE });
}

/** Node connects to an IP literal without a lookup, so a literal host is judged up front. */
export function literalHostAllowed(hostname: string, saved: SavedAddressClass): boolean | null {
  const bare = withoutBrackets(hostname);
  return isIP(bare) === 0 ? null : isAllowedAddress(bare, saved);
}

/**
 * Wraps a lookup so every resolved address is classified; one refused address refuses the
 * name, because the connection may be made to any of them.
 */
export function policyLookup(lookup: LookupFunction, saved: SavedAddressClass): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    lookup(hostname, { ...options, all: true }, (error, result, resultFamily) => {
      if (error) {
        callback(error, options.all ? [] : '');
        return;
      }
      const addresses: LookupAddress[] = Array.isArray(result) ? result : [{ address: result, family: resultFamily ?? (isIP(result) || 4) }];
      const first = addresses[0];
      if (!first) {
        callback(Object.assign(new Error('The name did not resolve.'), { code: 'ENOTFOUND' }), options.all ? [] : '');
        return;
      }
      if (!addresses.every(({ address }) => isAllowedAddress(address, saved))) {
        callback(notAllowed(), options.all ? [] : '');
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
