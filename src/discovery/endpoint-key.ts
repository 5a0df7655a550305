import { createHash } from 'node:crypto';
import { classifyHostname } from '../net/address.js';

/**
 * The identity of a server address for de-duplication and for matching saved profiles:
 * scheme, host (every loopback spelling is one host), port (explicit even when default) and
 * the path without trailing slashes or a trailing `/v1`. `null` when the URL does not parse.
 */
export function endpointKey(endpointUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return null;
  }
  const host = classifyHostname(url.hostname) === 'loopback' ? 'loopback' : url.hostname.replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
  return `${url.protocol}//${host}:${port}${path}`;
}

export function findingId(key: string): string {
  return `disc-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
