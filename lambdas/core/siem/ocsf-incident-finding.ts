import { ATTACK_TACTICS } from '../findings/attack-tactics.js';
import type { Finding, SeverityLabel } from '../findings/finding.js';
import type { IncidentStatus } from '../incidents/incident.js';
import type { NotificationEvent } from '../notifications/notification-event.js';
import type { NotificationDocument } from '../notifications/render-notification.js';

/**
 * OCSF **1.1.0** Incident Finding (class_uid 2005, category Findings 2), attribute names, requirements and enum values as in the
 * 1.1.0 schema (docs.tenzir.com/reference/ocsf/1-1-0/classes/incident_finding; objects finding_info, attack, cloud, account,
 * metadata, product). Required there: activity_id, category_uid, class_uid, type_uid, severity_id, status_id, time, metadata
 * (product, version), finding_info_list (each uid + title). Firebreak facts without an OCSF attribute of this class (risk
 * score, playbook, affected resources, actions and their prior state, durations, root cause) go in `unmapped`, the base
 * event's place for source data.
 */
export const OCSF_VERSION = '1.1.0';
export const OCSF_INCIDENT_FINDING_CLASS_UID = 2005;
export const OCSF_FINDINGS_CATEGORY_UID = 2;

export interface OcsfIncidentFinding {
  readonly activity_id: 1 | 2 | 3;
  readonly activity_name: 'Create' | 'Update' | 'Close';
  readonly category_uid: 2;
  readonly category_name: 'Findings';
  readonly class_uid: 2005;
  readonly class_name: 'Incident Finding';
  readonly type_uid: number;
  readonly type_name: string;
  readonly severity_id: number;
  readonly severity: string;
  readonly status_id: number;
  readonly status: string;
  readonly priority_id: number;
  readonly priority: string;
  readonly time: number;
  readonly start_time: number;
  readonly end_time: number;
  readonly message: string;
  readonly desc: string;
  readonly src_url?: string;
  readonly comment?: string;
  readonly assignee?: { readonly uid: string; readonly name: string };
  readonly metadata: {
    readonly version: string;
    readonly uid: string;
    readonly correlation_uid: string;
    readonly product: { readonly name: 'Firebreak'; readonly vendor_name: string; readonly feature: { readonly name: string } };
    readonly profiles: readonly string[];
  };
  readonly finding_info_list: readonly OcsfFindingInfo[];
  readonly attacks?: readonly OcsfAttack[];
  readonly cloud: { readonly provider: 'AWS'; readonly region: string; readonly account: { readonly uid: string; readonly type: 'AWS Account'; readonly type_id: 10 } };
  readonly unmapped: Record<string, unknown>;
}

export interface OcsfFindingInfo {
  readonly uid: string;
  readonly title: string;
  readonly desc?: string;
  readonly types?: readonly string[];
  readonly data_sources?: readonly string[];
  readonly first_seen_time?: number;
  readonly last_seen_time?: number;
  readonly src_url?: string;
  readonly attacks?: readonly OcsfAttack[];
}

export interface OcsfAttack {
  readonly tactic?: { readonly uid: string; readonly name?: string };
  readonly technique?: { readonly uid: string };
  readonly sub_technique?: { readonly uid: string };
}

/** The vendor named in metadata.product: Firebreak is this project's own product, not AWS's. */
export const FIREBREAK_VENDOR_NAME = 'Firebreak';

/** activity_id: 1 Create, 2 Update, 3 Close. A notification about a resolved/closed incident reports its closure. */
const ACTIVITY: Readonly<Record<NotificationEvent, 1 | 2>> = {
  opened: 1,
  notify_only: 1,
  updated: 2,
  approval_requested: 2,
  contained: 2,
  dry_run_completed: 2,
  containment_failed: 2,
  rejected: 2,
  escalation: 2,
  approval_timeout: 2,
};
const ACTIVITY_NAME = { 1: 'Create', 2: 'Update', 3: 'Close' } as const;

/**
 * Close once the incident is resolved or closed; otherwise by event. Playbooks in approve mode announce a new incident with
 * their approval request (no separate `opened` message), so an approval request on an incident nobody has touched yet (open,
 * unacknowledged, no action recorded) is its Create; later gates of the same playbook come after actions and are Updates.
 */
export function ocsfActivity(document: Pick<NotificationDocument, 'event' | 'incident' | 'actions'>): 1 | 2 | 3 {
  const { incident } = document;
  if (incident.status === 'resolved' || incident.status === 'closed') return 3;
  if (document.event === 'approval_requested' && incident.status === 'open' && !incident.acknowledgedAt && document.actions.length === 0) return 1;
  return ACTIVITY[document.event];
}

/** severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical (6 Fatal is for events, never a Firebreak label). */
const SEVERITY: Readonly<Record<SeverityLabel, { id: number; name: string }>> = {
  INFORMATIONAL: { id: 1, name: 'Informational' },
  LOW: { id: 2, name: 'Low' },
  MEDIUM: { id: 3, name: 'Medium' },
  HIGH: { id: 4, name: 'High' },
  CRITICAL: { id: 5, name: 'Critical' },
};

/** priority_id (incident attribute, recommended): 1 Low, 2 Medium, 3 High, 4 Critical; informational findings rank Low. */
const PRIORITY: Readonly<Record<SeverityLabel, { id: number; name: string }>> = {
  INFORMATIONAL: { id: 1, name: 'Low' },
  LOW: { id: 1, name: 'Low' },
  MEDIUM: { id: 2, name: 'Medium' },
  HIGH: { id: 3, name: 'High' },
  CRITICAL: { id: 4, name: 'Critical' },
};

/**
 * status_id: 1 New, 2 In Progress, 3 On Hold, 4 Resolved, 5 Closed. Acknowledged, contained and failed containment all mean a
 * responder is still working it (In Progress); "On Hold" (waiting on a third party) has no Firebreak counterpart.
 */
const STATUS: Readonly<Record<IncidentStatus, { id: number; name: string }>> = {
  open: { id: 1, name: 'New' },
  acknowledged: { id: 2, name: 'In Progress' },
  contained: { id: 2, name: 'In Progress' },
  containment_failed: { id: 2, name: 'In Progress' },
  resolved: { id: 4, name: 'Resolved' },
  closed: { id: 5, name: 'Closed' },
};

const TACTIC_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ATTACK_TACTICS).map(([name, uid]) => [uid, name.split('_').map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ')]),
);

export function ocsfIncidentFinding(document: NotificationDocument): OcsfIncidentFinding {
  const { incident } = document;
  const finding = incident.primaryFinding;
  const activityId = ocsfActivity(document);
  const severity = SEVERITY[incident.severity];
  const priority = PRIORITY[incident.severity];
  const status = STATUS[incident.status];
  const attacks = ocsfAttacks(finding);
  const time = Date.parse(incident.updatedAt);
  return {
    activity_id: activityId,
    activity_name: ACTIVITY_NAME[activityId],
    category_uid: OCSF_FINDINGS_CATEGORY_UID,
    category_name: 'Findings',
    class_uid: OCSF_INCIDENT_FINDING_CLASS_UID,
    class_name: 'Incident Finding',
    type_uid: OCSF_INCIDENT_FINDING_CLASS_UID * 100 + activityId,
    type_name: `Incident Finding: ${ACTIVITY_NAME[activityId]}`,
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    priority_id: priority.id,
    priority: priority.name,
    time,
    start_time: Date.parse(finding.firstSeen),
    end_time: Date.parse(incident.lastSeenAt ?? finding.lastSeen),
    message: document.summary,
    desc: incident.title,
    ...(document.links.execution ? { src_url: document.links.execution } : {}),
    ...(incident.rootCause ? { comment: `Root cause: ${incident.rootCause}${incident.remediation ? ` Remediation: ${incident.remediation}` : ''}` } : {}),
    ...(incident.acknowledgedBy ? { assignee: { uid: incident.acknowledgedBy, name: incident.acknowledgedBy } } : {}),
    metadata: {
      version: OCSF_VERSION,
      // One OCSF event per incident change: the incident id and its optimistic-lock version identify it.
      uid: `${incident.incidentId}:${incident.version}:${document.event}`,
      correlation_uid: incident.incidentId,
      product: { name: 'Firebreak', vendor_name: FIREBREAK_VENDOR_NAME, feature: { name: incident.playbook } },
      profiles: ['cloud'],
    },
    finding_info_list: incident.findingKeys.map((key) => (key === finding.dedupKey ? primaryFindingInfo(finding, document, attacks) : correlatedFindingInfo(key))),
    ...(attacks.length > 0 ? { attacks } : {}),
    cloud: { provider: 'AWS', region: incident.region, account: { uid: incident.accountId, type: 'AWS Account', type_id: 10 } },
    unmapped: {
      firebreak_event: document.event,
      incident_id: incident.incidentId,
      risk_score: incident.riskScore,
      playbook: incident.playbook,
      mode: incident.mode,
      occurrences: incident.occurrences ?? 1,
      // Incident Finding extends base_event, not finding: it has no `resources` attribute, so the affected resources travel here.
      resources: finding.resources.map((resource) => ({ uid: resource.arn ?? resource.id, type: resource.type, ...(resource.region ? { region: resource.region } : {}) })),
      durations: document.durations,
      actions: document.actions,
      ...(incident.rootCause ? { root_cause: incident.rootCause } : {}),
      ...(incident.remediation ? { remediation: incident.remediation } : {}),
      ...(document.links.approval ? { approval_url: document.links.approval } : {}),
      ...(document.detail !== undefined ? { detail: document.detail } : {}),
      ...(document.compliance ? { compliance: document.compliance } : {}),
    },
  };
}

function primaryFindingInfo(finding: Finding, document: NotificationDocument, attacks: readonly OcsfAttack[]): OcsfFindingInfo {
  return {
    uid: finding.productRefs.asffId ?? finding.dedupKey,
    title: finding.title,
    ...(finding.description ? { desc: finding.description } : {}),
    types: [finding.type],
    data_sources: [finding.product],
    first_seen_time: Date.parse(finding.firstSeen),
    last_seen_time: Date.parse(finding.lastSeen),
    ...(document.links.finding ? { src_url: document.links.finding } : {}),
    ...(attacks.length > 0 ? { attacks } : {}),
  };
}

/** A correlated finding is known to the incident only by its dedup key (the notification carries the primary finding alone). */
function correlatedFindingInfo(key: string): OcsfFindingInfo {
  return { uid: key, title: `Correlated finding ${key}` };
}

/**
 * One attack object per technique (a sub-technique such as T1078.004 also names its parent technique). A tactic is attached to
 * the techniques only when the finding names exactly one (otherwise the pairing would be a guess); tactics not attached stand alone.
 */
export function ocsfAttacks(finding: Pick<Finding, 'attack'>): OcsfAttack[] {
  const tactic = (uid: string) => ({ uid, ...(TACTIC_NAMES[uid] ? { name: TACTIC_NAMES[uid] } : {}) });
  const { tactics, techniques } = finding.attack;
  const shared = tactics.length === 1 ? tactic(tactics[0]!) : undefined;
  const byTechnique = techniques.map((id): OcsfAttack => {
    const [parent] = id.split('.');
    return {
      ...(shared ? { tactic: shared } : {}),
      technique: { uid: parent! },
      ...(id.includes('.') ? { sub_technique: { uid: id } } : {}),
    };
  });
  const standalone = shared && techniques.length > 0 ? [] : tactics.map((uid): OcsfAttack => ({ tactic: tactic(uid) }));
  return [...byTechnique, ...standalone];
}
