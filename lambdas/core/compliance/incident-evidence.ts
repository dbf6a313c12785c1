import type { ActionRecord, Incident, TimelineEntry } from '../incidents/incident.js';
import { incidentDurations } from '../incidents/lifecycle.js';

/**
 * What an incident's own record proves, grouped by the aspect of incident handling it documents. Each framework requirement
 * (compliance-requirements.ts) is a set of aspects, so one incident gives the same facts whichever framework reads them.
 * `missing` names what the record does not show yet; `applicable: false` says the aspect has nothing to prove for this incident.
 */
export interface AspectEvidence {
  readonly evidence: readonly string[];
  readonly missing: readonly string[];
  readonly applicable: boolean;
}

export const EVIDENCE_ASPECTS = [
  'response-procedure',
  'detection',
  'triage',
  'communication',
  'containment',
  'recovery',
  'lessons-learned',
  'response-metrics',
  'audit-trail',
  'retention',
  'retention-12-months',
  'security-control-failure',
] as const;
export type EvidenceAspect = (typeof EVIDENCE_ASPECTS)[number];

export interface IncidentRecord {
  readonly incident: Incident;
  readonly actions: readonly ActionRecord[];
  readonly timeline: readonly TimelineEntry[];
}

const present = (evidence: string[], missing: string[] = []): AspectEvidence => ({ evidence, missing, applicable: true });

export function aspectEvidence(aspect: EvidenceAspect, record: IncidentRecord): AspectEvidence {
  return ASPECTS[aspect](record);
}

const ASPECTS: Readonly<Record<EvidenceAspect, (record: IncidentRecord) => AspectEvidence>> = {
  'response-procedure': ({ incident, timeline }) => {
    const started = timeline.find((entry) => entry.kind === 'playbook_started');
    const evidence = [
      `predefined playbook ${incident.playbook} (mode ${incident.mode})`,
      ...(started ? [`playbook started ${started.at} (${started.actor})`] : []),
    ];
    if (incident.playbook === 'notify-only') return present(evidence, ['no containment playbook covers this finding type: the response is manual']);
    return present(evidence, started || incident.mode === 'notify' || incident.mode === 'off' ? [] : ['no playbook start on the timeline']);
  },

  detection: ({ incident, timeline }) => {
    const finding = incident.primaryFinding;
    const opened = timeline.find((entry) => entry.kind === 'opened');
    return present([
      `${finding.product} reported ${finding.type} (first seen ${finding.firstSeen})`,
      `incident opened ${incident.createdAt}${opened ? ` by ${opened.actor}` : ''}: severity ${incident.severity}, risk score ${incident.riskScore}`,
      `${incident.findingKeys.length} finding(s) correlated, seen ${incident.occurrences ?? 1} time(s)`,
    ]);
  },

  triage: ({ incident, timeline }) => {
    const durations = incidentDurations(incident);
    const escalations = timeline.filter((entry) => entry.kind === 'escalated');
    const evidence = [
      ...(incident.acknowledgedAt
        ? [`acknowledged ${incident.acknowledgedAt}${incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : ''} (time to acknowledge ${humanDuration(durations.timeToAcknowledge!)})`]
        : []),
      ...(escalations.length > 0
        ? escalations.map((entry) => `escalated ${entry.at}: ${entry.message}`)
        : incident.escalatedAt
          ? [`escalated ${incident.escalatedAt}: response-time target missed`]
          : []),
    ];
    return present(evidence, incident.acknowledgedAt ? [] : ['not acknowledged by a responder yet']);
  },

  communication: ({ timeline }) => {
    const notified = timeline.filter((entry) => entry.kind === 'notified');
    const decisions = timeline.filter((entry) => entry.kind === 'approved' || entry.kind === 'rejected');
    return present(
      [
        ...notified.map((entry) => `${entry.at}: ${entry.message}`),
        ...decisions.map((entry) => `${entry.at}: containment ${entry.kind} by ${entry.actor}${entry.message ? ` (${entry.message})` : ''}`),
      ],
      notified.length > 0 ? [] : ['no notification on the timeline'],
    );
  },

  containment: ({ incident, actions }) => {
    const durations = incidentDurations(incident);
    const evidence = actions.map((action) => `${action.at}: ${action.actionId} on ${action.target}: ${action.status}${action.dryRun ? ' (dry run: nothing changed)' : ''}${action.priorState !== undefined ? ', prior state recorded' : ''}${action.reason ? ` (${action.reason})` : ''}`);
    if (incident.containedAt) evidence.push(`contained ${incident.containedAt} (time to contain ${humanDuration(durations.timeToContain!)})`);
    const done = actions.filter((action) => action.status === 'done' || action.status === 'rolled_back');
    const missing = [
      ...(done.length === 0 ? ['no containment action was carried out'] : []),
      ...(done.length > 0 && done.every((action) => action.dryRun) ? ['every containment action ran in dry run: nothing was changed'] : []),
      ...actions.filter((action) => action.status === 'failed').map((action) => `${action.actionId} on ${action.target} failed${action.reason ? `: ${action.reason}` : ''}`),
      ...done
        .filter((action) => !action.dryRun && action.priorState === undefined)
        .map((action) => `${action.actionId} on ${action.target}: no prior state recorded (cannot be rolled back)`),
      ...(incident.status === 'containment_failed' ? ['incident is in containment_failed'] : []),
      ...(!incident.containedAt && incident.status !== 'containment_failed' ? ['incident not marked contained'] : []),
    ];
    return present(evidence, missing);
  },

  recovery: ({ incident }) => {
    const durations = incidentDurations(incident);
    return present(
      [
        ...(incident.remediation ? [`remediation: ${incident.remediation}`] : []),
        ...(incident.resolvedAt ? [`resolved ${incident.resolvedAt} (time to resolve ${humanDuration(durations.timeToResolve!)})`] : []),
      ],
      [...(incident.remediation ? [] : ['no remediation recorded']), ...(incident.resolvedAt ? [] : ['not resolved yet'])],
    );
  },

  'lessons-learned': ({ incident }) =>
    present(
      [
        ...(incident.rootCause ? [`root cause: ${incident.rootCause}`] : []),
        ...(incident.closedAt ? [`closed ${incident.closedAt}${incident.closedBy ? ` by ${incident.closedBy}` : ''}`] : []),
      ],
      [...(incident.rootCause ? [] : ['no root cause recorded: post-incident review not done']), ...(incident.closedAt ? [] : ['not closed yet'])],
    ),

  'response-metrics': ({ incident }) => {
    const durations = incidentDurations(incident);
    const show = (seconds: number | undefined) => (seconds === undefined ? 'not reached' : humanDuration(seconds));
    return present([
      `time to acknowledge ${show(durations.timeToAcknowledge)}, to contain ${show(durations.timeToContain)}, to resolve ${show(durations.timeToResolve)}`,
    ]);
  },

  'audit-trail': ({ timeline, actions }) => {
    if (timeline.length === 0) return present([], ['the incident timeline is empty']);
    const actors = [...new Set(timeline.map((entry) => entry.actor))];
    const withoutActor = timeline.filter((entry) => entry.actor.trim() === '');
    return present(
      [
        `${timeline.length} timeline entries from ${timeline[0]!.at} to ${timeline[timeline.length - 1]!.at}, each with time, actor and event type`,
        `actors: ${actors.join(', ')}`,
        `${actions.length} action record(s) with target, outcome and time`,
      ],
      withoutActor.length > 0 ? [`${withoutActor.length} timeline entries without an actor`] : [],
    );
  },

  retention: ({ incident }) => present([`incident record kept until ${retainedUntil(incident)} (${retentionDays(incident)} days after opening)`]),

  'retention-12-months': ({ incident }) => {
    const days = retentionDays(incident);
    return present(
      [`incident record kept until ${retainedUntil(incident)} (${days} days after opening)`],
      days < 365 ? [`kept ${days} days: less than the 12 months required (raise retentionDays to 365 or more)`] : [],
    );
  },

  'security-control-failure': ({ incident }) => {
    const finding = incident.primaryFinding;
    if (finding.resourceClass !== 'Logging') return { evidence: [], missing: [], applicable: false };
    const durations = incidentDurations(incident);
    return present(
      [
        `failure of a security control detected: ${finding.type} at ${finding.firstSeen}`,
        ...(incident.containedAt ? [`security function restored (contained) after ${humanDuration(durations.timeToContain!)}`] : []),
        ...(incident.rootCause ? [`cause documented: ${incident.rootCause}`] : []),
      ],
      [
        ...(incident.containedAt ? [] : ['security function not restored (incident not contained)']),
        ...(incident.rootCause ? [] : ['cause of the failure not documented']),
      ],
    );
  },
};

function retentionDays(incident: Incident): number {
  return Math.floor((incident.expiresAt * 1000 - Date.parse(incident.createdAt)) / 86_400_000);
}

function retainedUntil(incident: Incident): string {
  return new Date(incident.expiresAt * 1000).toISOString();
}

export function humanDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', rest || seconds === 0 ? `${rest}s` : ''];
  return parts.filter(Boolean).join(' ');
}
