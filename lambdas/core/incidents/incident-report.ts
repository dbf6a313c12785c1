import type { ActionRecord, Incident, TimelineEntry } from './incident.js';
import { incidentDurations } from './lifecycle.js';
import { assessCompliance } from '../compliance/compliance-assessment.js';
import type { ComplianceFramework } from '../compliance/compliance-framework.js';
import { complianceReportSection } from '../compliance/compliance-report-section.js';

export interface IncidentReportOptions {
  /** Adds a "Compliance (<framework>)" section mapping this incident's evidence to the framework (config `complianceFramework`). */
  readonly complianceFramework?: ComplianceFramework;
}

/**
 * The incident report (Markdown) a team files after an incident: what, how bad, what was done and when, why it happened.
 * Pure, so the CLI and anything else (a ticket integration) render the same document.
 */
export function incidentReport(
  incident: Incident,
  actions: readonly ActionRecord[],
  timeline: readonly TimelineEntry[],
  options: IncidentReportOptions = {},
): string {
  const finding = incident.primaryFinding;
  const durations = incidentDurations(incident);
  const duration = (seconds: number | undefined) => (seconds === undefined ? 'not reached' : humanDuration(seconds));
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# Incident ${incident.incidentId}: ${incident.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Severity | ${incident.severity} (risk score ${incident.riskScore}) |`,
    `| Status | ${incident.status} |`,
    `| Account / region | ${incident.accountId} / ${incident.region} |`,
    `| Detected by | ${finding.product}: ${cell(finding.type)} |`,
    ...(finding.principal?.arn ? [`| Principal | ${finding.principal.arn} |`] : []),
    ...(finding.network?.remoteIp ? [`| Source | ${finding.network.remoteIp}${finding.network.remoteCountry ? ` (${finding.network.remoteCountry})` : ''} |`] : []),
    `| Findings | ${incident.findingKeys.length} (seen ${incident.occurrences ?? 1} time${(incident.occurrences ?? 1) === 1 ? '' : 's'}) |`,
    `| Playbook | ${incident.playbook} (mode ${incident.mode}) |`,
    `| Opened | ${incident.createdAt} |`,
    `| Time to acknowledge | ${duration(durations.timeToAcknowledge)}${incident.acknowledgedBy ? ` (${incident.acknowledgedBy})` : ''} |`,
    `| Time to contain | ${duration(durations.timeToContain)} |`,
    `| Time to resolve | ${duration(durations.timeToResolve)} |`,
    ...(incident.closedAt ? [`| Closed | ${incident.closedAt}${incident.closedBy ? ` by ${incident.closedBy}` : ''} |`] : []),
    '',
    '## What happened',
    '',
    finding.description || finding.title,
    '',
    '## Actions',
    '',
    ...(actions.length === 0
      ? ['No containment action was taken.']
      : [
          '| Action | Target | Status | Dry run | At |',
          '|---|---|---|---|---|',
          ...actions.map((action) => `| ${action.actionId} | ${cell(action.target)} | ${action.status}${action.reason ? `: ${cell(action.reason)}` : ''} | ${action.dryRun ? 'yes' : 'no'} | ${action.at} |`),
          ...(actions.some((action) => action.status === 'done') && actions.filter((action) => action.status === 'done').every((action) => action.dryRun)
            ? ['', '_Every action that ran was a dry run: nothing was changed, Firebreak did not contain this incident._']
            : []),
        ]),
    '',
    '## Root cause',
    '',
    incident.rootCause ?? '_Not recorded yet (set when the incident is closed)._',
    '',
    '## Remediation',
    '',
    incident.remediation ?? '_Not recorded yet._',
    '',
    '## Timeline',
    '',
    '| Time | Actor | Event |',
    '|---|---|---|',
    ...timeline.map((entry) => `| ${entry.at} | ${cell(entry.actor)} | ${entry.kind}: ${cell(entry.message)} |`),
    '',
    ...(options.complianceFramework && options.complianceFramework !== 'none'
      ? complianceReportSection(assessCompliance(options.complianceFramework, incident, actions, timeline))
      : []),
  ];
  return lines.join('\n');
}

function humanDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', rest || seconds === 0 ? `${rest}s` : ''];
  return parts.filter(Boolean).join(' ');
}
