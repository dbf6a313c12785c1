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
}

interface Entry extends WindowObservation {
  expiresMs: number;
}

/** Process-local store: the CLI (`firebreak detect` over a file), the bench and tests. Expired entries are pruned on access. */
export class InMemoryCorrelationWindowStore implements CorrelationWindowStore {
  private readonly windows = new Map<string, Map<string, Entry>>();
  // Reused result buffer: observe() runs once per matching CloudTrail event, and a fresh array per call was measurable.
  private readonly result: WindowObservation[] = [];

  async observe(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): Promise<readonly WindowObservation[]> {
    return this.observeSync(key, member, atMs, sinceMs, ttlSeconds);
  }

  observeSync(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): readonly WindowObservation[] {
    let window = this.windows.get(key);
    if (!window) {
      window = new Map();
      this.windows.set(key, window);
    }
    const expiresMs = atMs + ttlSeconds * 1000;
    const existing = window.get(member);
    if (existing) {
      existing.count += 1;
      if (atMs > existing.lastSeenMs) existing.lastSeenMs = atMs;
      if (expiresMs > existing.expiresMs) existing.expiresMs = expiresMs;
    } else {
      window.set(member, { member, count: 1, lastSeenMs: atMs, expiresMs });
    }
    const out = this.result;
    out.length = 0;
    // values(), not entries(): no [key, value] pair allocated per member on this per-event path.
    for (const entry of window.values()) {
      if (entry.expiresMs < atMs) window.delete(entry.member);
      else if (entry.lastSeenMs >= sinceMs) out.push(entry);
    }
    return out;
  }
}
