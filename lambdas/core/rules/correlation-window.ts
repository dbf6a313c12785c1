/**
 * State of Sigma correlation rules (event_count, value_count, temporal): per window key (rule + group-by values), a tally
 * per member (a time bucket, a distinct value, or a contributing rule id). DynamoDB in Lambda
 * (lambdas/store/correlation-window-store.ts), in memory for the CLI and tests.
 */
export interface WindowObservation {
  member: string;
  count: number;
  /** Epoch milliseconds of the latest observation of this member. */
  lastSeenMs: number;
}

export interface CorrelationWindowStore {
  /**
   * Adds one observation of `member` under `key` at `atMs`, then returns every member of `key` last seen at or after
   * `sinceMs` (the current one included). Entries expire after `ttlSeconds`, so state never grows without bound.
   * The returned array is read before the next call (implementations may reuse it).
   */
  observe(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): Promise<readonly WindowObservation[]>;
  /** Same, for stores that keep their state in process: spares a promise per matched event. */
  observeSync?(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): readonly WindowObservation[];
  /** Adds `count` (default 1) observations without reading the window back (peer statistics: written often, read rarely). */
  add(key: string, member: string, atMs: number, ttlSeconds: number, count?: number): Promise<void>;
  addSync?(key: string, member: string, atMs: number, ttlSeconds: number, count?: number): void;
  /** Every member of `key` last seen at or after `sinceMs`, read before the next call (implementations may reuse them). */
  read(key: string, sinceMs: number, atMs: number): Promise<readonly WindowObservation[]>;
}

interface Entry extends WindowObservation {
  expiresMs: number;
}

interface Window {
  entries: Entry[];
  /** Member index, built only once a window is large (peer statistics); small windows are scanned. */
  index: Map<string, Entry> | undefined;
  prunedAtMs: number;
}

/** How often a write-mostly window is swept for expired members (event time). */
const PRUNE_INTERVAL_MS = 30_000;

/**
 * Up to this many members a window is searched linearly: a correlation window holds about ten (time buckets, or a few
 * distinct values), and a scan of ten entries, which the per-event read does anyway, beats hashing the member.
 */
const INDEX_THRESHOLD = 32;

/** Process-local store: the CLI (`firebreak detect` over a file), the bench and tests. Expired entries are pruned on access. */
export class InMemoryCorrelationWindowStore implements CorrelationWindowStore {
  private readonly windows = new Map<string, Window>();
  // Reused result buffer: observe() runs once per matching CloudTrail event, and a fresh array per call was measurable.
  private readonly result: WindowObservation[] = [];

  /** Windows (correlation keys) held, expired members included until pruned: what the bench reports as state size. */
  get windowCount(): number {
    return this.windows.size;
  }

  async observe(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): Promise<readonly WindowObservation[]> {
    return this.observeSync(key, member, atMs, sinceMs, ttlSeconds);
  }

  async add(key: string, member: string, atMs: number, ttlSeconds: number, count = 1): Promise<void> {
    this.addSync(key, member, atMs, ttlSeconds, count);
  }

  addSync(key: string, member: string, atMs: number, ttlSeconds: number, count = 1): void {
    this.upsert(this.windowFor(key, atMs), member, atMs, ttlSeconds, count);
  }

  async read(key: string, sinceMs: number, atMs: number): Promise<readonly WindowObservation[]> {
    const window = this.windows.get(key);
    if (!window) return [];
    // The live entries, not copies: callers only read them, before the next call (see the interface).
    return window.entries.filter((e) => e.expiresMs >= atMs && e.lastSeenMs >= sinceMs);
  }

  observeSync(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): readonly WindowObservation[] {
    const window = this.windowFor(key, atMs);
    this.upsert(window, member, atMs, ttlSeconds, 1);
    // Written by index and cut to length at the end: `length = 0` would drop the buffer's storage and the next push
    // allocate it again, once per event.
    const out = this.result;
    let n = 0;
    const entries = window.entries;
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.expiresMs < atMs) {
        window.index?.delete(entry.member);
        continue;
      }
      entries[kept++] = entry;
      if (entry.lastSeenMs >= sinceMs) out[n++] = entry;
    }
    if (kept !== entries.length) entries.length = kept;
    if (out.length !== n) out.length = n;
    return out;
  }

  private windowFor(key: string, atMs: number): Window {
    let window = this.windows.get(key);
    if (!window) {
      if (this.windows.size >= this.sweepAt) this.sweep(atMs);
      window = { entries: [], index: undefined, prunedAtMs: atMs };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Window count that triggers the next sweep: doubles with what survives, so sweeps cost O(1) per new window. */
  private sweepAt = 1024;

  /**
   * Drops windows whose every member has expired: groups that went quiet (one address of a spraying botnet ...) would
   * otherwise keep their key for the life of the process.
   */
  private sweep(atMs: number): void {
    for (const [key, window] of this.windows) {
      if (window.entries.every((entry) => entry.expiresMs < atMs)) this.windows.delete(key);
    }
    this.sweepAt = Math.max(1024, this.windows.size * 2);
  }

  private find(window: Window, member: string): Entry | undefined {
    if (window.index) return window.index.get(member);
    const entries = window.entries;
    for (let i = entries.length - 1; i >= 0; i--) {
      // The newest member (the current time bucket) is last, and is usually the one observed.
      if (entries[i]!.member === member) return entries[i];
    }
    return undefined;
  }

  private upsert(window: Window, member: string, atMs: number, ttlSeconds: number, count: number): void {
    const expiresMs = atMs + ttlSeconds * 1000;
    const existing = this.find(window, member);
    if (existing) {
      existing.count += count;
      if (atMs > existing.lastSeenMs) existing.lastSeenMs = atMs;
      if (expiresMs > existing.expiresMs) existing.expiresMs = expiresMs;
      return;
    }
    const entry = { member, count, lastSeenMs: atMs, expiresMs };
    window.entries.push(entry);
    if (window.index) window.index.set(member, entry);
    else if (window.entries.length > INDEX_THRESHOLD) window.index = new Map(window.entries.map((e) => [e.member, e]));
    // New members arrive once per bucket (or value): the moment to drop expired ones, so write-mostly windows (peer
    // statistics) stay bounded too. Distance either way: one event dated in the future (clock skew, a replayed file)
    // must not stop the pruning until time catches up with it.
    if (window.entries.length > 16 && Math.abs(atMs - window.prunedAtMs) > PRUNE_INTERVAL_MS) this.prune(window, atMs);
  }

  private prune(window: Window, atMs: number): void {
    window.prunedAtMs = atMs;
    let kept = 0;
    for (const entry of window.entries) {
      if (entry.expiresMs < atMs) window.index?.delete(entry.member);
      else window.entries[kept++] = entry;
    }
    window.entries.length = kept;
  }
}
