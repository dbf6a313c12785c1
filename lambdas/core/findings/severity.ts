import type { SeverityLabel } from './finding.js';

export interface NormalizedSeverity {
  label: SeverityLabel;
  /** 0..100 on the ASFF Normalized scale. */
  normalized: number;
  original?: string | number;
}

export const SEVERITY_ORDER: readonly SeverityLabel[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function severityRank(label: SeverityLabel): number {
  return SEVERITY_ORDER.indexOf(label);
}

/**
 * GuardDuty's documented ranges: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
 * Boundaries are compared as `< 4` etc. so values such as 3.95 (which GuardDuty never emits but APIs allow) stay in the lower band.
 */
export function guardDutySeverity(value: number): NormalizedSeverity {
  const label: SeverityLabel = value < 4 ? 'LOW' : value < 7 ? 'MEDIUM' : value < 9 ? 'HIGH' : 'CRITICAL';
  return { label, normalized: Math.round(Math.min(100, Math.max(0, value * 10))), original: value };
}

/** ASFF Normalized → Label: 0 INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH, 90–100 CRITICAL. */
export function labelForNormalized(normalized: number): SeverityLabel {
  if (normalized <= 0) return 'INFORMATIONAL';
  if (normalized < 40) return 'LOW';
  if (normalized < 70) return 'MEDIUM';
  if (normalized < 90) return 'HIGH';
  return 'CRITICAL';
}

/** The midpoint-ish normalized value used when only a label is known (ASFF Label without Normalized, Sigma `level`). */
export const NORMALIZED_FOR_LABEL: Readonly<Record<SeverityLabel, number>> = {
  INFORMATIONAL: 0,
  LOW: 30,
  MEDIUM: 50,
  HIGH: 70,
  CRITICAL: 90,
};
