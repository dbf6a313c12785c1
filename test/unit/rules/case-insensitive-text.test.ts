import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsIgnoringCase,
  endsWithIgnoringCase,
  equalsIgnoringCase,
  startsWithIgnoringCase,
} from '../../../lambdas/core/rules/case-insensitive-text.js';

// Units that stress the shortcuts: ASCII of both cases, İ (lowercases to two units), the combining dot it produces,
// the Kelvin sign (lowercases to ASCII k), Greek sigma (context-dependent) and an astral character.
const TRICKY = ['a', 'B', 'i', 'I', 'k', 'K', 'İ', '\u0307', 'K', 'Σ', 'ς', 'σ', '😀', ' ', '-', '1'];
const trickyText = fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((units) => units.join(''));
const anyText = fc.oneof(trickyText, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }));

const reference = {
  equals: (value: string, needle: string) => value.toLowerCase() === needle,
  startsWith: (value: string, needle: string) => value.toLowerCase().startsWith(needle),
  endsWith: (value: string, needle: string) => value.toLowerCase().endsWith(needle),
  contains: (value: string, needle: string) => value.toLowerCase().includes(needle),
};

describe('case-insensitive text tests agree with toLowerCase() exactly', () => {
  const cases = [
    ['equals', equalsIgnoringCase],
    ['startsWith', startsWithIgnoringCase],
    ['endsWith', endsWithIgnoringCase],
    ['contains', containsIgnoringCase],
  ] as const;

  for (const [name, compile] of cases) {
    it(`${name}: any value, any lowercase needle`, () => {
      fc.assert(
        fc.property(anyText, anyText, (value, rawNeedle) => {
          // Prepare: needles are lowercase, as the rule compiler stores them.
          const needle = rawNeedle.toLowerCase();
          // Act / Assert
          expect(compile(needle)(value)).toBe(reference[name](value, needle));
        }),
        { numRuns: 3000 },
      );
    });

    it(`${name}: the needle's own case variants and extensions`, () => {
      fc.assert(
        fc.property(trickyText, trickyText, trickyText, (before, core, after) => {
          const needle = core.toLowerCase();
          const value = `${before}${core.toUpperCase()}${after}`;
          expect(compile(needle)(value)).toBe(reference[name](value, needle));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('examples a reviewer can read', () => {
    expect(equalsIgnoringCase('consolelogin')('ConsoleLogin')).toBe(true);
    expect(equalsIgnoringCase('consolelogin')('ConsoleLogins')).toBe(false);
    expect(startsWithIgnoringCase('delete')('DeleteTrail')).toBe(true);
    expect(startsWithIgnoringCase('delete')('Del')).toBe(false);
    expect(endsWithIgnoringCase('.amazonaws.com')('IAM.AmazonAWS.com')).toBe(true);
    expect(containsIgnoringCase('administratoraccess')('arn:aws:iam::aws:policy/AdministratorAccess')).toBe(true);
    // İ lowercases to "i̇": a value shorter than the needle can still match it.
    expect(equalsIgnoringCase('i\u0307x')('İx')).toBe(true);
    expect(startsWithIgnoringCase('abi')('abİ')).toBe(true);
    // The Kelvin sign lowercases to an ASCII k.
    expect(equalsIgnoringCase('key')('\u212Aey')).toBe(true);
  });
});
