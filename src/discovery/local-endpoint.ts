import { classifyHostname } from '../net/address.js';
import { exposurePath } from './exposure.js';
import type { ServerKind } from './types.js';

export interface LocalEndpoint {
  port: number;
  /** The path asked on the network addresses: one the server guards when it has a key. */
  path: string;
  /** The server kind the profile type implies; `other` when the type fits many. */
  kind: ServerKind | 'other';
}

/**
 * A saved profile's endpoint when it is a plain-http server on this computer (the only kind an
 * exposure check can ask on the network addresses); `null` otherwise.
 */
export function localEndpoint(endpointUrl: string, providerType: string): LocalEndpoint | null {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || classifyHostname(url.hostname) !== 'loopback') return null;
  const port = Number(url.port || 80);
  if (providerType === 'ollama' || providerType === 'llama.cpp') return { port, path: exposurePath(providerType), kind: providerType };
  // OpenAI-style servers list their models under the profile's base, `/v1` when it has no path.
  const base = url.pathname.replace(/\/+$/, '') || '/v1';
  return { port, path: `${base}/models`, kind: 'other' };
}
