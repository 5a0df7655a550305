import { isIP, type LookupFunction } from 'node:net';
import { ValidationError, type FieldError } from '../errors.js';
import { classifyAddress, classifyHostname, withoutBrackets } from '../net/address.js';

/** One host × port to probe. */
export interface Candidate {
  /** The host as it goes into the finding's URL (bracketed when IPv6). */
  urlHost: string;
  /** Where the probe connects: an address that passed the outbound policy. */
  address: string;
  port: number;
  /** Off this computer: prompts would leave the device, so a profile needs consent. */
  requiresConsent: boolean;
}

export interface ScanTarget {
  /** A literal IP address, or a name still to resolve. */
  host: string;
  /** `local`: the finding names the address that answered; `remote`: the host as the learner typed it. */
  nameInUrl: boolean;
}

/** Lower-cases, drops IPv6 brackets and a trailing dot. */
export function normaliseHost(raw: string): string {
  const trimmed = raw.trim().toLowerCase();
  return withoutBrackets(trimmed).replace(/\.$/, '');
}

function urlHostOf(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Checks the learner's remote hosts. Their syntax is the contract's `DiscoveryHost` pattern, checked
 * once at the boundary; here a literal link-local / metadata / unspecified / multicast address is
 * refused outright, and names are judged after resolution, in `resolveCandidates`.
 */
export function checkRemoteHosts(hosts: string[] | undefined): string[] {
  if (hosts === undefined || hosts.length === 0) {
    throw new ValidationError([{ pointer: '/hosts', messageKey: 'rule.discovery.hostsRequired' }]);
  }
  const errors: FieldError[] = [];
  const normalised = hosts.map((raw, index) => {
    const host = normaliseHost(raw);
    const pointer = `/hosts/${index}`;
    if (isIP(host) !== 0 && classifyAddress(host) === 'forbidden') errors.push({ pointer, messageKey: 'rule.discovery.hostForbidden', params: { host } });
    return host;
  });
  if (errors.length > 0) throw new ValidationError(errors);
  return [...new Set(normalised)];
}

/** All addresses of a name, or none when resolution fails or the deadline passes first. */
function resolve(lookup: LookupFunction, host: string, signal: AbortSignal): Promise<string[]> {
  if (isIP(host) !== 0) return Promise.resolve([host]);
  return new Promise((done) => {
    const onAbort = (): void => done([]);
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (addresses: string[]): void => {
      signal.removeEventListener('abort', onAbort);
      done(addresses);
    };
    try {
      lookup(host, { all: true }, (error, result) => {
        if (error) return finish([]);
        finish(typeof result === 'string' ? [result] : result.map((entry) => entry.address));
      });
    } catch {
      finish([]);
    }
  });
}

/**
 * Hosts × ports, resolved and filtered by the outbound policy. A name that resolves to any
 * forbidden address is dropped whole (it is pointing somewhere it should not), silently.
 */
export async function resolveCandidates(targets: ScanTarget[], ports: number[], lookup: LookupFunction, signal: AbortSignal): Promise<Candidate[]> {
  const resolved = await Promise.all(targets.map((target) => resolve(lookup, target.host, signal)));
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  targets.forEach((target, index) => {
    const addresses = (resolved[index] ?? []).map(normaliseHost);
    if (addresses.length === 0 || addresses.some((address) => classifyAddress(address) === 'forbidden')) return;
    // IPv4 first: when both answer, the finding names the address every client can reach.
    const ordered = [...new Set(addresses)].sort((x, y) => isIP(x) - isIP(y));
    for (const address of ordered) {
      const urlHost = urlHostOf(target.nameInUrl ? target.host : address);
      for (const port of ports) {
        const id = `${urlHost} ${address} ${port}`;
        if (seen.has(id)) continue;
        seen.add(id);
        candidates.push({ urlHost, address, port, requiresConsent: classifyHostname(urlHost) !== 'loopback' });
      }
    }
  });
  return candidates;
}
