import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Where an address sits, for the outbound policy: loopback and private hosts may use plain
 * http; link-local (cloud metadata), unspecified, multicast and reserved ranges are never a target.
 */
export type AddressClass = 'loopback' | 'private' | 'public' | 'forbidden';

const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);
const FORBIDDEN_RANGES = new Set(['linkLocal', 'unspecified', 'multicast', 'broadcast', 'reserved', 'benchmarking', 'amt', 'as112', 'as112v6', 'deprecated', 'orchid2', 'discard']);

/** `[::1]` → `::1`: URL hostnames bracket IPv6 literals; resolvers and address parsers do not. */
export function withoutBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function classifyAddress(address: string): AddressClass {
  const bare = withoutBrackets(address);
  if (!ipaddr.isValid(bare)) return 'forbidden';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'loopback') return 'loopback';
  if (PRIVATE_RANGES.has(range)) return 'private';
  if (FORBIDDEN_RANGES.has(range)) return 'forbidden';
  return 'public';
}

const LAN_SUFFIXES = ['.local', '.lan', '.home.arpa', '.internal'];

/**
 * Classifies a URL hostname without resolving it. Single-label names and mDNS/home suffixes
 * name machines on the learner's network; other names count as public until resolved.
 */
export function classifyHostname(hostname: string): AddressClass {
  const bare = withoutBrackets(hostname);
  const lower = bare.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower.endsWith('.localhost')) return 'loopback';
  if (isIP(lower) !== 0) return classifyAddress(lower);
  if (!lower.includes('.') || LAN_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return 'private';
  return 'public';
}
