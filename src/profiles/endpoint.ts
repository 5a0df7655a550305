import { classifyHostname, type AddressClass } from '../net/address.js';

export type Locality = 'this-device' | 'local-network' | 'internet';

const LOCALITY: Record<Exclude<AddressClass, 'forbidden'>, Locality> = {
  loopback: 'this-device',
  private: 'local-network',
  public: 'internet',
};

/** Parses a URL that the rules accepted once; `null` when it does not parse at all. */
export function parseEndpoint(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

export function addressClassOf(endpointUrl: string): AddressClass {
  const url = parseEndpoint(endpointUrl);
  return url ? classifyHostname(url.hostname) : 'forbidden';
}

export function localityOf(endpointUrl: string): Locality {
  const addressClass = addressClassOf(endpointUrl);
  return addressClass === 'forbidden' ? 'internet' : LOCALITY[addressClass];
}

export function hostLabel(endpointUrl: string): string {
  return parseEndpoint(endpointUrl)?.host ?? endpointUrl;
}

/** The part of an endpoint a key is bound to: scheme, host and port. */
export function originOf(endpointUrl: string): string {
  return parseEndpoint(endpointUrl)?.origin ?? endpointUrl;
}
