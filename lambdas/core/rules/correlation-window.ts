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
   * Adds one observation of `member` under `key` at `at`, then returns every member of `key` last seen at or after
   * `since` (the current one included). Entries expire after `ttlSeconds`, so state never grows without bound.
   */
  observe(key: string, member: string, at: Date, since: Date, ttlSeconds: number): Promise<WindowObservation[]>;
}

/** Process-local store: the CLI (`firebreak detect` over a file) and tests. Expired entries are pruned on access. */
export class InMemoryCorrelationWindowStore implements CorrelationWindowStore {
  private readonly windows = new Map<string, Map<string, WindowObservation & { expiresMs: number }>>();

  async observe(key: string, member: string, at: Date, since: Date, ttlSeconds: number): Promise<WindowObservation[]> {
    let window = this.windows.get(key);
    if (!window) {
      window = new Map();
      this.windows.set(key, window);
    }
    const atMs = at.getTime();
    const existing = window.get(member);
    const expiresMs = atMs + ttlSeconds * 1000;
    if (existing) {
      existing.count += 1;
      existing.lastSeenMs = Math.max(existing.lastSeenMs, atMs);
      existing.expiresMs = Math.max(existing.expiresMs, expiresMs);
    } else {
      window.set(member, { member, count: 1, lastSeenMs: atMs, expiresMs });
    }
    const sinceMs = since.getTime();
    const out: WindowObservation[] = [];
    for (const [name, entry] of window) {
      if (entry.expiresMs < atMs) {
        window.delete(name);
        continue;
      }
      if (entry.lastSeenMs >= sinceMs) out.push({ member: entry.member, count: entry.count, lastSeenMs: entry.lastSeenMs });
    }
    return out;
  }
}
