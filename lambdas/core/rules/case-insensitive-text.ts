/**
 * Sigma's case-insensitive string tests, exactly as `s.toLowerCase().<op>(needle)` with a lowercase needle, but without
 * lowercasing (allocating) the value for every rule test of every CloudTrail event.
 *
 * Why the shortcuts are exact: JavaScript's toLowerCase maps every UTF-16 unit to one unit, except U+0130 (İ), which
 * becomes two (`i` + U+0307); nothing shrinks. So while the value's units are ASCII they map one to one, and a needle
 * without U+0307 can only match a value at least as long as itself. Any non-ASCII unit met on the way falls back to
 * the plain toLowerCase comparison.
 */
const COMBINING_DOT = '\u0307';

/** ASCII code unit → lowercase code unit. */
function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

export type TextTest = (value: string) => boolean;

export function equalsIgnoringCase(needle: string): TextTest {
  const expandable = needle.includes(COMBINING_DOT);
  return (value) => {
    if (value.length !== needle.length) return expandable && value.toLowerCase() === needle;
    for (let i = 0; i < needle.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 128) return value.toLowerCase() === needle;
      if (lower(code) !== needle.charCodeAt(i)) return false;
    }
    return true;
  };
}

export function startsWithIgnoringCase(needle: string): TextTest {
  const expandable = needle.includes(COMBINING_DOT);
  return (value) => {
    if (value.length < needle.length) return expandable && value.toLowerCase().startsWith(needle);
    for (let i = 0; i < needle.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 128) return value.toLowerCase().startsWith(needle);
      if (lower(code) !== needle.charCodeAt(i)) return false;
    }
    return true;
  };
}

export function endsWithIgnoringCase(needle: string): TextTest {
  const expandable = needle.includes(COMBINING_DOT);
  return (value) => {
    if (value.length < needle.length) return expandable && value.toLowerCase().endsWith(needle);
    // The tail is compared from the end: units before it cannot shift it, whatever they expand to.
    const offset = value.length - needle.length;
    for (let i = needle.length - 1; i >= 0; i--) {
      const code = value.charCodeAt(offset + i);
      if (code >= 128) return value.toLowerCase().endsWith(needle);
      if (lower(code) !== needle.charCodeAt(i)) return false;
    }
    return true;
  };
}

export function containsIgnoringCase(needle: string): TextTest {
  const expandable = needle.includes(COMBINING_DOT);
  return (value) => {
    if (value.length < needle.length && !expandable) return false;
    return value.toLowerCase().includes(needle);
  };
}
