/**
 * Products disagree on timestamp formats: ISO 8601, `2025-02-25 20:40:06.721` (no zone, UTC), nanosecond fractions,
 * epoch milliseconds or seconds. Everything leaves normalization as ISO 8601 UTC, or undefined when unreadable.
 */
/** `2019-01-01T00:00:00Z`, checked by character codes (this runs for every matched CloudTrail event). */
function isCloudTrailTime(value: string): boolean {
  for (let i = 0; i < 20; i++) {
    const c = value.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 : i === 10 ? 84 : i === 13 || i === 16 ? 58 : i === 19 ? 90 : -1;
    if (expected === -1 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

export function toIsoTimestamp(value: unknown): string | undefined {
  // Hot path: CloudTrail's own format (second precision, Z) is already canonical apart from the milliseconds.
  if (typeof value === 'string' && value.length === 20 && isCloudTrailTime(value)) {
    const month = (value.charCodeAt(5) - 48) * 10 + value.charCodeAt(6) - 48;
    const day = (value.charCodeAt(8) - 48) * 10 + value.charCodeAt(9) - 48;
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return `${value.slice(0, 19)}.000Z`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Values below 1e11 are epoch seconds (1e11 s is year 5138; 1e11 ms is 1973).
    const date = new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof value !== 'string' || value.length === 0) return undefined;
  let text = value.trim();
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (match) {
    const fraction = match[3] ? match[3].slice(0, 4) : '';
    text = `${match[1]}T${match[2]}${fraction}${match[4] ?? 'Z'}`;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The decimal number written at text[from, from + count), or NaN when a character there is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch milliseconds of an ISO timestamp as toIsoTimestamp returns it (`2019-01-01T00:00:00.000Z`), computed from its
 * digits: Date.parse was the costliest single call per matched CloudTrail event. Anything else goes to Date.parse.
 */
export function isoTimestampMillis(iso: string): number {
  if (
    iso.length !== 24 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45 || iso.charCodeAt(10) !== 84 ||
    iso.charCodeAt(13) !== 58 || iso.charCodeAt(16) !== 58 || iso.charCodeAt(19) !== 46 || iso.charCodeAt(23) !== 90
  ) {
    return Date.parse(iso);
  }
  const year = digitsAt(iso, 0, 4);
  const month = digitsAt(iso, 5, 2);
  const day = digitsAt(iso, 8, 2);
  const hour = digitsAt(iso, 11, 2);
  const minute = digitsAt(iso, 14, 2);
  const second = digitsAt(iso, 17, 2);
  // Out-of-range fields (Date.UTC rolls them over where Date.parse says NaN) and years below 100 (Date.UTC reads them
  // as 19xx): let Date.parse decide.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return Date.parse(iso);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, digitsAt(iso, 20, 3));
  return Number.isNaN(ms) ? Date.parse(iso) : ms;
}
