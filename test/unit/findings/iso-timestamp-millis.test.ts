import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestampMillis, toIsoTimestamp } from '../../../lambdas/core/findings/timestamps.js';

describe('isoTimestampMillis', () => {
  it('equals Date.parse for every canonical timestamp', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        // Prepare
        const iso = date.toISOString();
        // Act / Assert
        expect(isoTimestampMillis(iso)).toBe(Date.parse(iso));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals Date.parse for strings shaped like timestamps, valid or not', () => {
    const digit = fc.constantFrom(...'0123456789');
    const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
    const separator = (expected: string) => fc.oneof(fc.constant(expected), fc.constantFrom('-', ':', 'T', '.', 'Z', ' ', 'x'));
    const shaped = fc
      .tuple(digits(4), separator('-'), digits(2), separator('-'), digits(2), separator('T'), digits(2), separator(':'), digits(2), separator(':'), digits(2), separator('.'), digits(3), separator('Z'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(shaped, (text) => {
        expect(Object.is(isoTimestampMillis(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads what toIsoTimestamp makes of a CloudTrail eventTime', () => {
    const iso = toIsoTimestamp('2019-03-01T21:04:12Z')!;
    expect(isoTimestampMillis(iso)).toBe(Date.UTC(2019, 2, 1, 21, 4, 12));
  });
});
