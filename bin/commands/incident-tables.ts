import type { ActionRecord, Incident, TimelineEntry } from '../../lambdas/core/incidents/incident.js';
import { incidentDurations } from '../../lambdas/core/incidents/lifecycle.js';
import { formatDuration } from '../../lambdas/core/notifications/render-notification.js';
import type { ApprovalRecord } from '../../lambdas/store/approval-store.js';

/** Plain-text tables for the workflow commands (no colours: output goes to terminals, files and tickets alike). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function since(seconds: number | undefined): string {
  return seconds === undefined ? '-' : formatDuration(roundForDisplay(seconds));
}

/** 7h23m47s reads worse than 7h24m in a table: round to a unit that keeps it short. */
function roundForDisplay(seconds: number): number {
  if (seconds >= 86_400) return Math.round(seconds / 3600) * 3600;
  if (seconds >= 3600) return Math.round(seconds / 60) * 60;
  return seconds;
}

export function incidentsTable(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return 'no incidents';
  return table(
    ['INCIDENT', 'SEVERITY', 'STATUS', 'CREATED', 'PLAYBOOK', 'TITLE'],
    incidents.map((incident) => [
      incident.incidentId,
      incident.severity,
      incident.status,
      incident.createdAt.replace(/\.\d{3}Z$/, 'Z'),
      `${incident.playbook} (${incident.mode})`,
      incident.title.length > 70 ? `${incident.title.slice(0, 67)}...` : incident.title,
    ]),
  );
}

export function timelineTable(timeline: readonly TimelineEntry[]): string {
  if (timeline.length === 0) return 'no timeline entries';
  return table(
    ['TIME', 'ACTOR', 'KIND', 'WHAT'],
    timeline.map((entry) => [entry.at.replace(/\.\d{3}Z$/, 'Z'), entry.actor, entry.kind, entry.message]),
  );
}

export function actionsTable(actions: readonly ActionRecord[]): string {
  if (actions.length === 0) return 'no containment actions';
  return table(
    ['ACTION', 'TARGET', 'STATUS', 'DRY RUN', 'AT', 'NOTE'],
    actions.map((action) => [action.actionId, action.target, action.status, action.dryRun ? 'yes' : 'no', action.at.replace(/\.\d{3}Z$/, 'Z'), action.reason ?? '']),
  );
}

export function approvalsTable(approvals: readonly ApprovalRecord[]): string {
  if (approvals.length === 0) return 'no approvals requested';
  return table(
    ['STEP', 'STATUS', 'REQUESTED', 'VALID UNTIL', 'DECIDED BY', 'REASON'],
    approvals.map((approval) => [
      approval.step,
      approval.status,
      approval.requestedAt.replace(/\.\d{3}Z$/, 'Z'),
      new Date(approval.validUntil * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      approval.decidedBy ?? '-',
      approval.reason ?? approval.failure ?? '',
    ]),
  );
}

/** The incident header: what, where, state, and the three response times. */
export function incidentSummary(incident: Incident): string {
  const finding = incident.primaryFinding;
  const durations = incidentDurations(incident);
  const rows: [string, string][] = [
    ['Incident', incident.incidentId],
    ['Title', incident.title],
    ['Severity', `${incident.severity} (risk ${incident.riskScore})`],
    ['Status', incident.status],
    ['Playbook', `${incident.playbook} (${incident.mode})`],
    ['Account/region', `${incident.accountId} / ${incident.region}`],
    ['Finding', `${finding.product} ${finding.type}${incident.findingKeys.length > 1 ? ` (+${incident.findingKeys.length - 1} correlated)` : ''}`],
    ...(finding.principal?.arn ? ([['Principal', finding.principal.arn]] as [string, string][]) : []),
    ['Created', incident.createdAt],
    ['Time to acknowledge', `${since(durations.timeToAcknowledge)}${incident.acknowledgedBy ? ` (by ${incident.acknowledgedBy})` : ''}`],
    ['Time to contain', since(durations.timeToContain)],
    ['Time to resolve', since(durations.timeToResolve)],
    ...(incident.escalatedAt ? ([['Escalated', incident.escalatedAt]] as [string, string][]) : []),
    ...(incident.rootCause ? ([['Root cause', incident.rootCause]] as [string, string][]) : []),
    ...(incident.remediation ? ([['Remediation', incident.remediation]] as [string, string][]) : []),
    ...(incident.executionArn ? ([['Execution', incident.executionArn]] as [string, string][]) : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 1)} ${value}`).join('\n');
}
