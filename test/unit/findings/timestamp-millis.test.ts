import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampMillis, toIsoTimestamp } from '../../../lambdas/core/findings/timestamps.js';

/** What timestampMillis promises: the instant toIsoTimestamp names, or NaN where it names none. */
function reference(value: unknown): number {
  const iso = toIsoTimestamp(value);
  return iso === undefined ? NaN : Date.parse(iso);
}

describe('timestampMillis', () => {
  it('reads every CloudTrail-format time (second precision, Z) as Date.parse does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        // Prepare: CloudTrail's eventTime format.
        const cloudTrail = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
        // Act / Assert
        expect(timestampMillis(cloudTrail)).toBe(Date.parse(cloudTrail));
        expect(timestampMillis(cloudTrail)).toBe(reference(cloudTrail));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with toIsoTimestamp on strings shaped like timestamps, valid or not (out-of-range fields, bad separators)', () => {
    const digit = fc.constantFrom(...'0123456789');
    const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
    const separator = (expected: string) => fc.oneof(fc.constant(expected), fc.constantFrom('-', ':', 'T', '.', 'Z', ' ', 'x'));
    const shaped = fc
      .tuple(digits(4), separator('-'), digits(2), separator('-'), digits(2), separator('T'), digits(2), separator(':'), digits(2), separator(':'), digits(2), separator('Z'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(shaped, (text) => {
        expect(Object.is(timestampMillis(text), reference(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the other formats toIsoTimestamp accepts, and NaN for the unreadable', () => {
    expect(timestampMillis('2019-03-01T21:04:12Z')).toBe(Date.UTC(2019, 2, 1, 21, 4, 12));
    expect(timestampMillis('2025-02-25 20:40:06.721')).toBe(Date.UTC(2025, 1, 25, 20, 40, 6, 721));
    expect(timestampMillis(1_700_000_000)).toBe(1_700_000_000_000);
    expect(timestampMillis('2019-02-30T00:00:00Z')).toBe(Date.UTC(2019, 2, 2));
    expect(timestampMillis('2019-01-01T25:00:00Z')).toBeNaN();
    expect(toIsoTimestamp('2019-01-01T25:00:00Z')).toBeUndefined();
    expect(timestampMillis('yesterday')).toBeNaN();
    expect(timestampMillis(undefined)).toBeNaN();
  });
});
