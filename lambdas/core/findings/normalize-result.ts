import type { Finding } from './finding.js';

/**
 * What every normalizer returns. A rejection carries a precise, human-readable reason (which field, what was wrong);
 * normalizers never throw on bad input.
 */
export type NormalizeResult = { ok: true; findings: Finding[] } | { ok: false; reason: string };

export function rejected(reason: string): NormalizeResult {
  return { ok: false, reason };
}
