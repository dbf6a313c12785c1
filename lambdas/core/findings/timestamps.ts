/**
 * Products disagree on timestamp formats: ISO 8601, `2025-02-25 20:40:06.721` (no zone, UTC), nanosecond fractions,
 * epoch milliseconds or seconds. Everything leaves normalization as ISO 8601 UTC, or undefined when unreadable.
 */
export function toIsoTimestamp(value: unknown): string | undefined {
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
