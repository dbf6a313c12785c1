import type { SeverityLabel } from '../findings/finding.js';
import type { Incident } from './incident.js';

/** Seconds to acknowledge, per severity (config `responseTimeTarget`, already in seconds). */
export interface ResponseTimeTargets {
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
}

/** INFORMATIONAL incidents (rare: below every sane threshold) get the LOW target. */
export function targetFor(targets: ResponseTimeTargets, severity: SeverityLabel): number {
  switch (severity) {
    case 'CRITICAL':
      return targets.critical;
    case 'HIGH':
      return targets.high;
    case 'MEDIUM':
      return targets.medium;
    default:
      return targets.low;
  }
}

export interface SlaBreach {
  readonly incident: Incident;
  readonly targetSeconds: number;
  /** How long past the target, in seconds (>= 0). */
  readonly overdueSeconds: number;
}

/** An incident breaches its SLA when nobody acknowledged it within its severity's target and it is still being worked. */
export function slaBreach(incident: Incident, targets: ResponseTimeTargets, now: Date): SlaBreach | undefined {
  if (incident.acknowledgedAt || incident.status === 'resolved' || incident.status === 'closed') return undefined;
  const targetSeconds = targetFor(targets, incident.severity);
  const overdueSeconds = Math.floor((now.getTime() - Date.parse(incident.createdAt)) / 1000) - targetSeconds;
  return overdueSeconds >= 0 ? { incident, targetSeconds, overdueSeconds } : undefined;
}
