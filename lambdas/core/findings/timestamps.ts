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
