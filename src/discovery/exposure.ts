import os from 'node:os';
import { isIP } from 'node:net';
import { classifyAddress } from '../net/address.js';
import type { Limiter } from './limiter.js';
import { probe, type ProbeOptions, type ProbeResponse } from './probe.js';
import type { Exposure, ServerKind } from './types.js';

/** This computer's own addresses, where other computers could reach a server on it. */
export type OwnAddresses = () => string[];

/**
 * Every interface's IPv4 and IPv6 address except loopback and link-local (and the other ranges
 * the outbound policy forbids): the addresses a server bound to 0.0.0.0 or :: also answers on.
 */
export function interfaceAddresses(interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces()): string[] {
  const found = new Set<string>();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      const address = entry.address.split('%')[0] ?? '';
      if (entry.internal || isIP(address) === 0) continue;
      const addressClass = classifyAddress(address);
      if (addressClass === 'private' || addressClass === 'public') found.add(address);
    }
  }
  return [...found];
}

/**
 * The path asked on each own address: one the server guards when it has a key (llama.cpp keeps
 * /v1/models public under --api-key, so it is asked /props; Ollama has no key, its version is cheapest).
 */
const EXPOSURE_PATH: Partial<Record<ServerKind, string>> = {
  'llama.cpp': '/props',
  ollama: '/api/version',
};

export function exposurePath(kind: ServerKind): string {
  return EXPOSURE_PATH[kind] ?? '/v1/models';
}

const wantsKey = (r: ProbeResponse): boolean => r.status === 401 || r.status === 403;

/**
 * Asks `path` on `port` at each of this computer's own addresses, with the probes' hygiene (no
 * credentials, no Origin, one short GET, the scan's deadline) and through `server`, the limit on
 * requests in flight to this port (a server bound to every interface counts them all against one
 * backlog). Any HTTP answer there means other computers can reach the server; `requiresAuth`
 * says whether every such answer wanted a key.
 */
export async function checkExposure(port: number, path: string, addresses: string[], options: ProbeOptions, server: Limiter): Promise<Exposure> {
  const responses = await Promise.all(
    addresses.map((address) => {
      const hostHeader = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
      return server.run(() => probe({ address, port, hostHeader }, path, options));
    }),
  );
  const answered = addresses.flatMap((address, i) => {
    const response = responses[i];
    return response ? [{ address, response }] : [];
  });
  return {
    reachableFromNetwork: answered.length > 0,
    requiresAuth: answered.length === 0 ? null : answered.every((a) => wantsKey(a.response)),
    addresses: answered.map((a) => a.address),
  };
}

/** The exposure note's message key: each server kind says how to close it. */
export function exposureNoteKey(kind: ServerKind | 'other', exposure: Exposure): string | null {
  if (!exposure.reachableFromNetwork) return null;
  if (exposure.requiresAuth) return 'discovery.exposure.keyed';
  const specific: ServerKind[] = ['ollama', 'llama.cpp', 'lmstudio', 'vllm', 'koboldcpp', 'textgen-webui'];
  return `discovery.exposure.open.${kind !== 'other' && specific.includes(kind) ? kind : 'other'}`;
}
