import { describe, expect, it } from 'vitest';
import { InMemoryCorrelationWindowStore } from '../../../lambdas/core/rules/correlation-window.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const TTL = 330;

describe('InMemoryCorrelationWindowStore', () => {
  it('counts per member and returns only members seen within the window', () => {
    // Prepare
    const store = new InMemoryCorrelationWindowStore();
    store.observeSync('k', 'b1', T0, T0 - 300_000, TTL);
    store.observeSync('k', 'b1', T0 + 1000, T0 - 299_000, TTL);
    // Act: 302 s later b1 (last seen at T0 + 1 s) is outside the 300 s window but not yet expired.
    const seen = store.observeSync('k', 'b2', T0 + 302_000, T0 + 2000, TTL).map((o) => ({ ...o }));
    // Assert
    expect(seen).toEqual([{ member: 'b2', count: 1, lastSeenMs: T0 + 302_000, expiresMs: T0 + 302_000 + TTL * 1000 }]);
    expect(store.observeSync('k', 'b1', T0 + 303_000, T0 - 1000, TTL).map((o) => [o.member, o.count])).toEqual([
      ['b1', 3],
      ['b2', 1],
    ]);
  });

  it('add() with a count adds that many observations', async () => {
    const store = new InMemoryCorrelationWindowStore();
    await store.add('peers', 'b1|alice', T0, TTL, 20);
    store.addSync('peers', 'b1|alice', T0 + 5, TTL, 3);
    expect((await store.read('peers', T0 - 1, T0 + 10)).map((o) => [o.member, o.count])).toEqual([['b1|alice', 23]]);
  });

  it('keeps write-mostly windows bounded, even after an event dated in the future', () => {
    // Prepare: one member three hours ahead (clock skew), then a member per 30 s bucket for two hours of event time.
    const store = new InMemoryCorrelationWindowStore();
    store.addSync('peers', 'future', T0 + 3 * 3_600_000, TTL);
    // Act
    for (let i = 0; i < 240; i++) store.addSync('peers', `b${i}|alice`, T0 + i * 30_000, TTL);
    // Assert: only the members of the last TTL (11 buckets) and the future one remain.
    const live = store.observeSync('peers', 'b239|alice', T0 + 239 * 30_000, 0, TTL);
    expect(live.length).toBeLessThanOrEqual(13);
    expect(live.map((o) => o.member)).toContain('future');
  });

  it('forgets windows whose members all expired (groups that went quiet)', () => {
    // Prepare: 5,000 one-off source addresses, then traffic an hour later.
    const store = new InMemoryCorrelationWindowStore();
    for (let i = 0; i < 5000; i++) store.observeSync(`spray#198.51.${i >> 8}.${i & 255}`, 'b0', T0, T0 - 300_000, TTL);
    expect(store.windowCount).toBe(5000);
    // Act
    for (let i = 0; i < 4000; i++) store.observeSync(`spray#203.0.${i >> 8}.${i & 255}`, 'b1', T0 + 3_600_000, T0 + 3_300_000, TTL);
    // Assert: once the window count doubled, the quiet addresses were swept; the live ones are all there.
    expect(store.windowCount).toBe(4000);
    expect(store.observeSync('spray#203.0.0.1', 'b1', T0 + 3_600_001, T0 + 3_300_000, TTL)[0]!.count).toBe(2);
  });
});
