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

/** Month, day and time of day of a CloudTrail-format time within their ranges (February 30 rolls over, as in Date). */
function cloudTrailFieldsInRange(value: string): boolean {
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && digitsAt(value, 11, 2) <= 23 && digitsAt(value, 14, 2) <= 59 && digitsAt(value, 17, 2) <= 59;
}

export function toIsoTimestamp(value: unknown): string | undefined {
  // Hot path: CloudTrail's own format (second precision, Z) is already canonical apart from the milliseconds.
  if (typeof value === 'string' && value.length === 20 && isCloudTrailTime(value)) {
    if (cloudTrailFieldsInRange(value)) return `${value.slice(0, 19)}.000Z`;
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
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): integer arithmetic, cheaper than
 * Date.UTC. A day past the month's end rolls over into the next month, as Date does.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Epoch milliseconds of a timestamp in any format toIsoTimestamp reads, NaN when unreadable: the same instant as
 * `Date.parse(toIsoTimestamp(value))`. CloudTrail's own format is read from its digits, without building the ISO
 * string: every CloudTrail event that feeds a correlation needs its time, few need the string.
 */
export function timestampMillis(value: unknown): number {
  if (typeof value === 'string' && value.length === 20 && isCloudTrailTime(value) && cloudTrailFieldsInRange(value)) {
    const days = daysFromCivil(digitsAt(value, 0, 4), digitsAt(value, 5, 2), digitsAt(value, 8, 2));
    return ((days * 24 + digitsAt(value, 11, 2)) * 60 + digitsAt(value, 14, 2)) * 60_000 + digitsAt(value, 17, 2) * 1000;
  }
  const iso = toIsoTimestamp(value);
  return iso === undefined ? NaN : Date.parse(iso);
}
