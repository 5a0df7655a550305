import { lookup as dnsLookup } from 'node:dns';
import { setMaxListeners } from 'node:events';
import type { LookupFunction } from 'node:net';
import { ValidationError } from '../errors.js';
import type { Locale } from '../i18n/index.js';
import { checkRemoteHosts, normaliseHost, resolveCandidates, type ScanTarget } from './candidates.js';
import { presentFindings } from './present.js';
import { scanCandidates } from './scan.js';
import { ScanCache } from './scan-cache.js';
import type { DiscoverInput, DiscoverResult, DiscoveryConfig, ExistingProfileRef, RawFinding } from './types.js';

export { DEFAULT_DISCOVERY_PORTS } from './kinds.js';
export type {
  DiscoverInput,
  DiscoverResult,
  DiscoveryConfig,
  DiscoveryFinding,
  ExistingProfileRef,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 3_000;
const MIN_TIMEOUT_MS = 500;
const MAX_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_BODY_CAP_BYTES = 64 * 1024;
/** A port that does not complete the handshake in this time is treated as closed. */
const CONNECT_TIMEOUT_MS = 1_000;
/** Probing stops this long before the deadline, leaving time to name, merge and localise the findings. */
const WRAP_UP_MS = 50;

export interface DiscoveryDeps {
  /** Name resolution for hosts (node's dns.lookup signature); tests inject their own. */
  lookup?: LookupFunction;
  /** Clock for the cache and `scannedAt`. */
  now?: () => number;
}

/** What the last scan that actually probed did, for diagnostics. */
export interface ScanStats {
  strategy: 'local' | 'remote';
  candidates: number;
  findings: number;
  durationMs: number;
  scannedAt: string;
}

interface Scan {
  findings: RawFinding[];
}

function checkTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  const pointer = '/timeoutMs';
  if (!Number.isFinite(timeoutMs) || timeoutMs < MIN_TIMEOUT_MS) {
    throw new ValidationError([{ pointer, messageKey: 'field.minimum', params: { field: 'timeoutMs', limit: MIN_TIMEOUT_MS } }]);
  }
  if (timeoutMs > MAX_TIMEOUT_MS) {
    throw new ValidationError([{ pointer, messageKey: 'field.maximum', params: { field: 'timeoutMs', limit: MAX_TIMEOUT_MS } }]);
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
  private readonly cache: ScanCache<Scan>;
  private stats: ScanStats | null = null;

  constructor(
    private readonly config: DiscoveryConfig,
    deps: DiscoveryDeps = {},
  ) {
    this.lookup = deps.lookup ?? (dnsLookup as LookupFunction);
    this.now = deps.now ?? Date.now;
    this.cache = new ScanCache<Scan>(config.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, this.now);
  }

  async discover(input: DiscoverInput, existing: ExistingProfileRef[], locale: Locale): Promise<DiscoverResult> {
    const timeoutMs = checkTimeout(input.timeoutMs);
    const targets: ScanTarget[] =
      input.strategy === 'remote'
        ? checkRemoteHosts(input.hosts).map((host) => ({ host, nameInUrl: true }))
        : this.config.localHosts.map((host) => ({ host: normaliseHost(host), nameInUrl: false }));
    const key = `${input.strategy}:${targets.map((t) => t.host).sort().join(',')}`;

    const scan = await this.cache.get(key, input.force ?? false, () => this.scan(input.strategy, targets, timeoutMs));
    return {
      providers: presentFindings(scan.value.findings, existing, locale, input.includeExisting ?? true),
      cached: scan.cached,
      scannedAt: new Date(scan.scannedAt).toISOString(),
    };
  }

  /** For diagnostics: the last scan that probed (cached answers do not count), or `null`. */
  lastScan(): ScanStats | null {
    return this.stats;
  }

  private async scan(strategy: 'local' | 'remote', targets: ScanTarget[], timeoutMs: number): Promise<Scan> {
    const startedAt = this.now();
    const started = performance.now();
    const deadline = new AbortController();
    // Every probe request listens on this one signal; hundreds of listeners are expected.
    setMaxListeners(0, deadline.signal);
    const timer = setTimeout(() => deadline.abort(), timeoutMs - WRAP_UP_MS);
    try {
      const candidates = await resolveCandidates(targets, this.config.ports, this.lookup, deadline.signal);
      const findings = await scanCandidates(candidates, {
        signal: deadline.signal,
        connectTimeoutMs: Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
        bodyCapBytes: this.config.probeBodyCapBytes ?? DEFAULT_BODY_CAP_BYTES,
      });
      this.stats = {
        strategy,
        candidates: candidates.length,
        findings: findings.length,
        durationMs: Math.round(performance.now() - started),
        scannedAt: new Date(startedAt).toISOString(),
      };
      return { findings };
    } finally {
      clearTimeout(timer);
      // Anything still open (a late body, a half-open socket) ends with the scan.
      deadline.abort();
    }
  }
}
