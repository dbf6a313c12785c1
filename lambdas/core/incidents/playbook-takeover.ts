import type { PlaybookMode } from '../config/firebreak-config.js';
import type { Finding, SeverityLabel } from '../findings/finding.js';
import { severityRank } from '../findings/severity.js';
import type { Incident } from './incident.js';
import { isActive } from './lifecycle.js';

/**
 * A notify-only incident (opened by a finding whose route has no containment playbook) is joined by a finding whose route
 * does have one — e.g. GuardDuty InstanceCredentialExfiltration about an access key a notify-only CloudTrail rule already
 * reported. The stronger route takes over: its playbook starts for the incident, once, with the joining finding as the
 * playbook's finding (the one its actions derive their targets from).
 */
export const NOTIFY_ONLY_PLAYBOOK = 'notify-only';

/** What the joining finding's route asks for. */
export interface PlaybookTakeover {
  /** The joining finding as routed (escalated when its route says so): it becomes the incident's primary finding. */
  readonly finding: Finding;
  readonly playbook: string;
  /** The mode it starts in (config, sample findings and the circuit breaker already applied). */
  readonly mode: PlaybookMode;
  readonly riskScore: number;
  /** The route's reason (why this finding calls for containment). */
  readonly routeReason: string;
}

/** Why an incident cannot be taken over, or undefined when it can. */
export function takeoverRefusal(incident: Pick<Incident, 'status' | 'playbook' | 'mode' | 'executionArn'>): string | undefined {
  if (!isActive(incident.status)) return `the incident is ${incident.status}`;
  if (incident.executionArn) return `the incident already has a playbook run (${incident.playbook}, ${incident.executionArn})`;
  if (incident.playbook !== NOTIFY_ONLY_PLAYBOOK) return `the incident already has playbook ${incident.playbook} (${incident.mode} mode)`;
  return undefined;
}

export function maxSeverity(a: SeverityLabel, b: SeverityLabel): SeverityLabel {
  return severityRank(b) > severityRank(a) ? b : a;
}

export interface TakeoverPlan {
  /** Incident fields to set (besides updatedAt and version). */
  readonly set: Pick<Incident, 'playbook' | 'mode' | 'primaryFinding' | 'accountId' | 'region' | 'severity' | 'riskScore'>;
  /** The timeline entry saying why containment starts late. */
  readonly message: string;
  readonly data: Record<string, unknown>;
}

export function planTakeover(incident: Incident, takeover: PlaybookTakeover): TakeoverPlan {
  const { finding } = takeover;
  const severity = maxSeverity(incident.severity, finding.severity.label);
  const riskScore = Math.max(incident.riskScore, Math.max(0, Math.min(100, takeover.riskScore)));
  const opener = incident.primaryFinding;
  const message =
    `containment starts late: ${finding.product} ${finding.type} (${finding.severity.label}) joined this incident, which ` +
    `${opener.product} ${opener.type} had opened with no containment playbook (notify only); ` +
    `its route takes over: ${takeover.routeReason} — playbook ${takeover.playbook} in ${takeover.mode} mode` +
    (severity !== incident.severity ? `; severity ${incident.severity} → ${severity}` : '');
  return {
    // The playbook acts where the joining finding points (same key or principal, so the same account in practice).
    set: { playbook: takeover.playbook, mode: takeover.mode, primaryFinding: finding, accountId: finding.accountId, region: finding.region, severity, riskScore },
    message,
    data: {
      from: { playbook: incident.playbook, mode: incident.mode, dedupKey: opener.dedupKey, type: opener.type },
      to: { playbook: takeover.playbook, mode: takeover.mode, dedupKey: finding.dedupKey, type: finding.type },
      severity: { from: incident.severity, to: severity },
      riskScore: { from: incident.riskScore, to: riskScore },
    },
  };
}
