/** A finished scan as it is cached: raw findings, before saved profiles and locale are applied. */
export interface CachedScan<T> {
  value: T;
  /** When the scan started (ms since the epoch), reported as `scannedAt`. */
  scannedAt: number;
}

const MAX_ENTRIES = 32;

/**
 * Reuses a scan for `ttlMs` and lets concurrent callers share the one in flight. Entries are
 * keyed by what was scanned (strategy and hosts); a failed scan is not kept.
 */
export class ScanCache<T> {
  private readonly entries = new Map<string, CachedScan<T> & { storedAt: number }>();
  private readonly inFlight = new Map<string, Promise<CachedScan<T>>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(key: string, force: boolean, scan: () => Promise<T>): Promise<CachedScan<T> & { cached: boolean }> {
    const running = this.inFlight.get(key);
    if (running) return { ...(await running), cached: false };

    const entry = this.entries.get(key);
    if (!force && entry && this.now() - entry.storedAt < this.ttlMs) {
      return { value: entry.value, scannedAt: entry.scannedAt, cached: true };
    }

    const scannedAt = this.now();
    const started = scan().then((value) => {
      this.store(key, { value, scannedAt, storedAt: this.now() });
      return { value, scannedAt };
    });
    this.inFlight.set(key, started);
    try {
      return { ...(await started), cached: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(key: string, entry: CachedScan<T> & { storedAt: number }): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (now - e.storedAt >= this.ttlMs) this.entries.delete(k);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
