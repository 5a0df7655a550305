import { lookup as dnsLookup } from 'node:dns';
import { setMaxListeners } from 'node:events';
import type { LookupFunction } from 'node:net';
import { ValidationError } from '../errors.js';
import type { Locale } from '../i18n/index.js';
import { checkRemoteHosts, normaliseHost, resolveCandidates, type ScanTarget } from './candidates.js';
import { checkExposure, type OwnAddresses } from './exposure.js';
import { localEndpoint } from './local-endpoint.js';
import { exposureNote, presentFindings } from './present.js';
import { Limiter } from './limiter.js';
import { MAX_IN_FLIGHT_PER_SERVER, scanCandidates } from './scan.js';
import { ScanCache } from './scan-cache.js';
import type { DiscoverInput, DiscoverResult, DiscoveryConfig, ExistingProfileRef, Exposure, RawFinding, TimeoutRange } from './types.js';

export { DEFAULT_DISCOVERY_PORTS } from './kinds.js';
export { interfaceAddresses, type OwnAddresses } from './exposure.js';
export type {
  DiscoverInput,
  DiscoverResult,
  DiscoveryConfig,
  DiscoveryFinding,
  ExistingProfileRef,
} from './types.js';

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_BODY_CAP_BYTES = 64 * 1024;
/** A port that does not complete the handshake in this time is treated as closed. */
const CONNECT_TIMEOUT_MS = 1_000;
/** Probing stops this long before the deadline, leaving time to name, merge and localise the findings. */
const WRAP_UP_MS = 50;
/** How long a test's exposure check may take; it runs beside the test prompt. */
const ENDPOINT_EXPOSURE_BUDGET_MS = 1_000;

export interface EndpointExposure {
  exposure: Exposure;
  note: string;
}

export interface DiscoveryDeps {
  /** Name resolution for hosts (node's dns.lookup signature); tests inject their own. */
  lookup?: LookupFunction;
  /** Clock for the cache and `scannedAt`. */
  now?: () => number;
  /**
   * This computer's network addresses, asked whether a local server is open to other computers.
   * None unless given: the composition passes the interfaces' addresses, tests a second loopback address.
   */
  ownAddresses?: OwnAddresses;
}

interface Scan {
  findings: RawFinding[];
}

function checkTimeout(timeoutMs: number | undefined, range: TimeoutRange): number {
  if (timeoutMs === undefined) return range.default;
  const pointer = '/timeoutMs';
  if (!Number.isFinite(timeoutMs) || timeoutMs < range.minimum) {
    throw new ValidationError([{ pointer, messageKey: 'field.minimum', params: { field: 'timeoutMs', limit: range.minimum } }]);
  }
  if (timeoutMs > range.maximum) {
    throw new ValidationError([{ pointer, messageKey: 'field.maximum', params: { field: 'timeoutMs', limit: range.maximum } }]);
  }
  return Math.floor(timeoutMs);
}

/**
 * Finds model servers that are already running and says what they are. Never creates a
 * profile and never sends a credential. The whole call ends within `timeoutMs` (plus the
 * time to compare and localise), whatever the candidates do.
 */
export class DiscoveryService {
  private readonly lookup: LookupFunction;
  private readonly now: () => number;
  private readonly ownAddresses: OwnAddresses;
  private readonly cache: ScanCache<Scan>;

  constructor(
    private readonly config: DiscoveryConfig,
    deps: DiscoveryDeps = {},
  ) {
    this.lookup = deps.lookup ?? (dnsLookup as LookupFunction);
    this.now = deps.now ?? Date.now;
    this.ownAddresses = deps.ownAddresses ?? (() => []);
    this.cache = new ScanCache<Scan>(config.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, this.now);
  }

  async discover(input: DiscoverInput, existing: ExistingProfileRef[], locale: Locale): Promise<DiscoverResult> {
    const timeoutMs = checkTimeout(input.timeoutMs, this.config.timeoutRange);
    const targets: ScanTarget[] =
      input.strategy === 'remote'
        ? checkRemoteHosts(input.hosts).map((host) => ({ host, nameInUrl: true }))
        : this.config.localHosts.map((host) => ({ host: normaliseHost(host), nameInUrl: false }));
    const key = `${input.strategy}:${targets
      .map((t) => t.host)
      .sort()
      .join(',')}`;

    const scan = await this.cache.get(key, input.force ?? false, () => this.scan(input.strategy, targets, timeoutMs));
    return {
      providers: presentFindings(scan.value.findings, existing, locale, input.includeExisting ?? true),
      cached: scan.cached,
      scannedAt: new Date(scan.scannedAt).toISOString(),
    };
  }

  /**
   * For a test of a profile whose endpoint is on this computer: whether the server there also
   * answers on this computer's network addresses, with the note that says how to close it.
   * `null` when the endpoint is elsewhere or the server is not open to the network.
   */
  async endpointExposure(endpointUrl: string, providerType: string, locale: Locale): Promise<EndpointExposure | null> {
    const addresses = this.ownAddresses();
    const local = localEndpoint(endpointUrl, providerType);
    if (local === null || addresses.length === 0) return null;
    const deadline = AbortSignal.timeout(ENDPOINT_EXPOSURE_BUDGET_MS);
    const options = { signal: deadline, connectTimeoutMs: ENDPOINT_EXPOSURE_BUDGET_MS, bodyCapBytes: this.config.probeBodyCapBytes ?? DEFAULT_BODY_CAP_BYTES };
    const exposure = await checkExposure(local.port, local.path, addresses, options, new Limiter(MAX_IN_FLIGHT_PER_SERVER));
    const note = exposureNote(local.kind, exposure, local.port, locale);
    return note === null ? null : { exposure, note };
  }

  private async scan(strategy: 'local' | 'remote', targets: ScanTarget[], timeoutMs: number): Promise<Scan> {
    const deadline = new AbortController();
    // Every probe request listens on this one signal; hundreds of listeners are expected.
    setMaxListeners(0, deadline.signal);
    const timer = setTimeout(() => deadline.abort(), timeoutMs - WRAP_UP_MS);
    try {
      const candidates = await resolveCandidates(targets, this.config.ports, this.lookup, deadline.signal);
      const findings = await scanCandidates(
        candidates,
        {
          signal: deadline.signal,
          connectTimeoutMs: Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
          bodyCapBytes: this.config.probeBodyCapBytes ?? DEFAULT_BODY_CAP_BYTES,
        },
        strategy === 'local' ? this.ownAddresses() : null,
      );
      return { findings };
    } finally {
      clearTimeout(timer);
      // Anything still open (a late body, a half-open socket) ends with the scan.
      deadline.abort();
    }
  }
}
