import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { modeAfterBreaker } from '../../../lambdas/core/routing/circuit-breaker-policy.js';
import { CircuitBreakerStore } from '../../../lambdas/store/circuit-breaker-store.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

let table: TestTable;
const ACCOUNT = '123456789012';

describe('blast-radius circuit breaker (dynalite)', () => {
  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(async () => table.stop());

  const store = async (now: () => Date, max = 3, window = '1h') => {
    const tableName = await table.createTable();
    const config = parseFirebreakConfig({ circuitBreaker: { maxAutomaticContainments: max, window } }).circuitBreaker;
    return { breaker: new CircuitBreakerStore(table.doc, tableName, config, now), tableName };
  };

  it('release gives back a slot this admission took, never one an earlier admission of the same key holds', async () => {
    // Prepare: inc-1 admitted (and containing); inc-2 admitted by a finding that then started nothing.
    const { breaker } = await store(() => new Date('2026-11-25T15:10:00Z'), 2);
    const first = await breaker.admit(ACCOUNT, 'inc-1');
    const joining = await breaker.admit(ACCOUNT, 'inc-2');
    const redelivered = await breaker.admit(ACCOUNT, 'inc-1');
    // Act
    await breaker.release(ACCOUNT, 'inc-2', joining);
    await breaker.release(ACCOUNT, 'inc-1', redelivered);
    // Assert: inc-2's slot is free again, inc-1 still counts.
    expect([first.newlyAdmitted, joining.newlyAdmitted, redelivered.newlyAdmitted]).toEqual([true, true, false]);
    expect(await breaker.count(ACCOUNT)).toBe(1);
    expect(await breaker.admit(ACCOUNT, 'inc-3')).toMatchObject({ admitted: true, count: 2 });
  });

  it('admits N automatic containments per account and window, then refuses; a re-delivered key is not counted twice', async () => {
    // Prepare
    const { breaker } = await store(() => new Date('2026-11-25T15:10:00Z'));
    // Act
    const admissions = [];
    for (const key of ['inc-1', 'inc-2', 'inc-2', 'inc-3', 'inc-4']) admissions.push(await breaker.admit(ACCOUNT, key));
    const otherAccount = await breaker.admit('210987654321', 'inc-9');
    // Assert
    expect(admissions.map((a) => [a.admitted, a.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 2],
      [true, 3],
      [false, 3],
    ]);
    expect(admissions[4]).toMatchObject({ limit: 3, windowStart: '2026-11-25T15:00:00.000Z', windowEnd: '2026-11-25T16:00:00.000Z' });
    expect(otherAccount.admitted).toBe(true);
    // An already admitted key stays admitted when the window is full (a retried start is not turned into an approval).
    expect((await breaker.admit(ACCOUNT, 'inc-1')).admitted).toBe(true);
  });

  it('is exact under concurrency: 10 simultaneous admissions, limit 4 → exactly 4 admitted', async () => {
    const { breaker } = await store(() => new Date('2026-11-25T15:10:00Z'), 4);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => breaker.admit(ACCOUNT, `inc-${i}`)));
    expect(results.filter((r) => r.admitted)).toHaveLength(4);
    expect(await breaker.count(ACCOUNT)).toBe(4);
  });

  it('a new window starts empty, and the window item carries a TTL past its end', async () => {
    // Prepare
    let now = new Date('2026-11-25T15:59:59Z');
    const { breaker, tableName } = await store(() => now, 1, '15m');
    // Act
    const first = await breaker.admit(ACCOUNT, 'inc-1');
    const refused = await breaker.admit(ACCOUNT, 'inc-2');
    now = new Date('2026-11-25T16:00:00Z');
    const nextWindow = await breaker.admit(ACCOUNT, 'inc-2');
    // Assert
    expect([first.admitted, refused.admitted, nextWindow.admitted]).toEqual([true, false, true]);
    const item = (await table.doc.send(new GetCommand({ TableName: tableName, Key: { pk: `BREAKER#${ACCOUNT}`, sk: `WINDOW#${Date.parse('2026-11-25T15:45:00Z') / 1000}` } }))).Item;
    expect(item?.expiresAt).toBe(Date.parse('2026-11-25T16:15:00Z') / 1000);
  });

  it('an open breaker turns auto into approve and leaves other modes alone', () => {
    const open = { admitted: false, count: 5, limit: 5, windowStart: '', windowEnd: '' };
    const closed = { ...open, admitted: true };
    expect(modeAfterBreaker('auto', open)).toBe('approve');
    expect(modeAfterBreaker('auto', closed)).toBe('auto');
    expect(modeAfterBreaker('notify', open)).toBe('notify');
    expect(modeAfterBreaker('auto', undefined)).toBe('auto');
  });

  it('config: defaults 5 per hour; unknown keys and bad values are rejected with the key named', () => {
    expect(parseFirebreakConfig({}).circuitBreaker).toEqual({ maxAutomaticContainments: 5, window: 3600 });
    expect(() => parseFirebreakConfig({ circuitBreaker: { max: 3 } })).toThrow(/circuitBreaker/);
    expect(() => parseFirebreakConfig({ circuitBreaker: { window: 'soon' } })).toThrow(/circuitBreaker\.window/);
  });
});
