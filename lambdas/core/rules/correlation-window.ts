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
  /** Adds one observation without reading the window back (peer statistics: written per event, read rarely). */
  add(key: string, member: string, atMs: number, ttlSeconds: number): Promise<void>;
  addSync?(key: string, member: string, atMs: number, ttlSeconds: number): void;
  /** Every member of `key` last seen at or after `sinceMs`. */
  read(key: string, sinceMs: number, atMs: number): Promise<readonly WindowObservation[]>;
}

interface Entry extends WindowObservation {
  expiresMs: number;
}

interface Window {
  index: Map<string, Entry>;
  entries: Entry[];
  prunedAtMs: number;
}

/** How often a write-mostly window is swept for expired members (event time). */
const PRUNE_INTERVAL_MS = 30_000;

/** Process-local store: the CLI (`firebreak detect` over a file), the bench and tests. Expired entries are pruned on access. */
export class InMemoryCorrelationWindowStore implements CorrelationWindowStore {
  // Per window: a member index for lookups and an array for the per-event scan (arrays iterate without allocating).
  private readonly windows = new Map<string, Window>();
  // Reused result buffer: observe() runs once per matching CloudTrail event, and a fresh array per call was measurable.
  private readonly result: WindowObservation[] = [];

  async observe(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): Promise<readonly WindowObservation[]> {
    return this.observeSync(key, member, atMs, sinceMs, ttlSeconds);
  }

  async add(key: string, member: string, atMs: number, ttlSeconds: number): Promise<void> {
    this.addSync(key, member, atMs, ttlSeconds);
  }

  addSync(key: string, member: string, atMs: number, ttlSeconds: number): void {
    this.upsert(key, member, atMs, ttlSeconds);
  }

  async read(key: string, sinceMs: number, atMs: number): Promise<readonly WindowObservation[]> {
    const window = this.windows.get(key);
    if (!window) return [];
    return window.entries.filter((e) => e.expiresMs >= atMs && e.lastSeenMs >= sinceMs).map((e) => ({ member: e.member, count: e.count, lastSeenMs: e.lastSeenMs }));
  }

  private upsert(key: string, member: string, atMs: number, ttlSeconds: number) {
    let window = this.windows.get(key);
    if (!window) {
      window = { index: new Map(), entries: [], prunedAtMs: atMs };
      this.windows.set(key, window);
    }
    const expiresMs = atMs + ttlSeconds * 1000;
    const existing = window.index.get(member);
    if (existing) {
      existing.count += 1;
      if (atMs > existing.lastSeenMs) existing.lastSeenMs = atMs;
      if (expiresMs > existing.expiresMs) existing.expiresMs = expiresMs;
    } else {
      const entry = { member, count: 1, lastSeenMs: atMs, expiresMs };
      window.index.set(member, entry);
      window.entries.push(entry);
      // New members arrive once per bucket (or value): the moment to drop expired ones, so write-mostly windows (peer
      // statistics) stay bounded too.
      if (window.entries.length > 16 && atMs - window.prunedAtMs > PRUNE_INTERVAL_MS) this.prune(window, atMs);
    }
    return window;
  }

  private prune(window: Window, atMs: number) {
    window.prunedAtMs = atMs;
    let kept = 0;
    for (const entry of window.entries) {
      if (entry.expiresMs < atMs) window.index.delete(entry.member);
      else window.entries[kept++] = entry;
    }
    window.entries.length = kept;
  }

  observeSync(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): readonly WindowObservation[] {
    const window = this.upsert(key, member, atMs, ttlSeconds);
    const out = this.result;
    out.length = 0;
    const entries = window.entries;
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.expiresMs < atMs) {
        window.index.delete(entry.member);
        continue;
      }
      entries[kept++] = entry;
      if (entry.lastSeenMs >= sinceMs) out.push(entry);
    }
    entries.length = kept;
    return out;
  }
}
