/**
 * Breadcrumb recorder (docs/architecture.md §8). `record` only cleans the entry and queues it, so it never
 * slows or fails the response it describes; a background drain appends the lines queued over
 * a short window in one go. A failing disk is counted and reported (at most once a minute) while the in-memory
 * ring of recent entries keeps working.
 */
import { RotatingFiles, defaultDiagnosticsFs, type DiagnosticsFs } from './files.js';
import { parseEntry, sanitizeEntry, type DiagnosticsEntry } from './entry.js';

export type { DiagnosticsEntry } from './entry.js';
export type { DiagnosticsFs } from './files.js';

export interface DiagnosticsOptions {
  dir: string;
  /** Default `profiles.jsonl`. */
  fileName?: string;
  /** Default 1 MiB. */
  maxFileBytes?: number;
  /** Files kept, the active one included. Default 5. */
  maxFiles?: number;
  /** Entries kept in memory for `recent`. Default 200. */
  recentCapacity?: number;
  /** Lines waiting for the disk beyond which new ones are dropped. Default 10 000. */
  maxPendingLines?: number;
  /** Called with a write failure, at most once per minute. */
  onError?: (err: unknown) => void;
  fs?: DiagnosticsFs;
  now?: () => number;
}

export interface DiagnosticsStats {
  written: number;
  dropped: number;
  failures: number;
}

interface Stored {
  entry: DiagnosticsEntry;
  line: string;
}

const MAX_BATCH_LINES = 1000;
/**
 * How long a line may wait for others to share its append. An append is three trips through
 * libuv's thread pool (open, write, close); one per request cost a tenth of a request's time.
 */
const BATCH_WINDOW_MS = 100;
const ERROR_REPORT_INTERVAL_MS = 60_000;

export class DiagnosticsRecorder {
  private readonly files: RotatingFiles;
  private readonly recentCapacity: number;
  private readonly maxPendingLines: number;
  private readonly onError: ((err: unknown) => void) | undefined;
  private readonly now: () => number;

  private readonly ring: Stored[] = [];
  private readonly pending: string[] = [];
  private waiters: { target: number; resolve: () => void }[] = [];
  private enqueued = 0;
  /** Queued lines written or given up on; a flush waits until this reaches the count it saw queued. */
  private settled = 0;
  private draining = false;
  private scheduled: NodeJS.Timeout | null = null;
  private closed = false;
  private lastReportAt: number | null = null;
  private readonly counts: DiagnosticsStats = { written: 0, dropped: 0, failures: 0 };

  constructor(options: DiagnosticsOptions) {
    const maxFileBytes = Math.max(1, options.maxFileBytes ?? 1024 * 1024);
    const maxFiles = Math.max(1, Math.floor(options.maxFiles ?? 5));
    this.files = new RotatingFiles(options.fs ?? defaultDiagnosticsFs, options.dir, options.fileName ?? 'profiles.jsonl', maxFileBytes, maxFiles);
    this.recentCapacity = Math.max(0, Math.floor(options.recentCapacity ?? 200));
    this.maxPendingLines = Math.max(1, Math.floor(options.maxPendingLines ?? 10_000));
    this.onError = options.onError;
    this.now = options.now ?? Date.now;
  }

  record(entry: DiagnosticsEntry): void {
    try {
      const clean = sanitizeEntry(entry, this.now);
      const line = JSON.stringify(clean);
      this.ring.push({ entry: clean, line });
      if (this.ring.length > this.recentCapacity) this.ring.splice(0, this.ring.length - this.recentCapacity);
      if (this.closed) return;
      // Under a flood the newest lines give way, so what is queued stays in order.
      if (this.pending.length >= this.maxPendingLines) {
        this.counts.dropped += 1;
        return;
      }
      this.pending.push(`${line}\n`);
      this.enqueued += 1;
      this.schedule();
    } catch {
      this.counts.dropped += 1;
    }
  }

  /** Resolves once every line recorded before the call is on disk or given up on. */
  flush(): Promise<void> {
    if (this.settled >= this.enqueued) return Promise.resolve();
    const settled = new Promise<void>((resolve) => this.waiters.push({ target: this.enqueued, resolve }));
    if (this.scheduled) {
      clearTimeout(this.scheduled);
      this.scheduled = null;
      void this.drain();
    }
    return settled;
  }

  /** The newest entries, oldest first. Filtering by correlation id searches the files too. */
  async recent(options: { limit: number; correlationId?: string | undefined }): Promise<DiagnosticsEntry[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return [];
    const { correlationId } = options;
    if (correlationId === undefined && this.ring.length >= limit) return this.ring.slice(-limit).map((s) => s.entry);

    await this.flush();
    let stored: Stored[] = [];
    try {
      stored = (await this.files.readLines()).flatMap((line) => {
        const entry = parseEntry(line);
        return entry ? [{ entry, line }] : [];
      });
    } catch {
      // An unreadable trail still leaves the in-memory entries to answer with.
    }
    // The ring holds the newest entries in the order they were recorded; what is only on disk is older.
    const inRing = new Set(this.ring.map((s) => s.line));
    const merged = [...stored.filter((s) => !inRing.has(s.line)), ...this.ring]
      .map((s) => s.entry)
      .filter((entry) => correlationId === undefined || entry.correlationId === correlationId);
    merged.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    return merged.slice(-limit);
  }

  stats(): DiagnosticsStats {
    return { ...this.counts };
  }

  /** Writes what is queued; later entries are kept in memory only. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.draining || this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      void this.drain();
    }, BATCH_WINDOW_MS);
    // Queued lines never keep the process alive; close() writes them.
    this.scheduled.unref();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH_LINES);
        try {
          await this.files.append(batch);
          this.counts.written += batch.length;
        } catch (error) {
          this.counts.failures += 1;
          this.counts.dropped += batch.length;
          this.report(error);
        }
        this.settled += batch.length;
        this.settleWaiters();
      }
    } finally {
      this.draining = false;
      this.settleWaiters();
    }
  }

  private settleWaiters(): void {
    if (!this.waiters.some((w) => this.settled >= w.target)) return;
    const done = this.waiters.filter((w) => this.settled >= w.target);
    this.waiters = this.waiters.filter((w) => this.settled < w.target);
    for (const waiter of done) waiter.resolve();
  }

  private report(error: unknown): void {
    const at = this.now();
    if (!this.onError || (this.lastReportAt !== null && at - this.lastReportAt < ERROR_REPORT_INTERVAL_MS)) return;
    this.lastReportAt = at;
    try {
      this.onError(error);
    } catch {
      // A broken reporter must not stop the recorder.
    }
  }
}
