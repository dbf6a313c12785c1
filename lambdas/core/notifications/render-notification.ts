import type { NotificationComplianceReferences } from '../compliance/notification-references.js';
import type { ActionRecord, Incident, TimelineEntry } from '../incidents/incident.js';
import { incidentDurations } from '../incidents/lifecycle.js';
import type { NotificationEvent } from './notification-event.js';
import { stepErrorText } from './step-error.js';

/**
 * `updated` detail from the detect Lambda when a joining finding's playbook took over a notify-only incident
 * (lambdas/detect/create-detect-handler.ts): the message must not say "the playbook is not started again".
 */
function playbookStartedOf(detail: unknown): { playbook: string; mode: string; dryRun: boolean } | undefined {
  const started = (detail as { playbookStarted?: { playbook?: unknown; mode?: unknown; dryRun?: unknown } } | null | undefined)?.playbookStarted;
  if (typeof started?.playbook !== 'string' || typeof started.mode !== 'string') return undefined;
  return { playbook: started.playbook, mode: started.mode, dryRun: started.dryRun === true };
}

/** Links a message can carry; each is optional (the local runtime has no console). */
export interface NotificationLinks {
  /** Opaque one-time approval page (never the task token). */
  readonly approval?: string;
  /** AWS console page of the source finding. */
  readonly finding?: string;
  /** Step Functions execution of the playbook. */
  readonly execution?: string;
}

export interface NotificationContext {
  readonly incident: Incident;
  readonly event: NotificationEvent;
  readonly detail?: unknown;
  readonly actions?: readonly ActionRecord[];
  readonly timeline?: readonly TimelineEntry[];
  readonly links?: NotificationLinks;
  /** Approval step name, for approval_requested. */
  readonly step?: string;
  /** Approval deadline (ISO), for approval_requested. */
  readonly approvalValidUntil?: string;
  /** Same-kind notifications about this incident held back since the last one was sent (burst aggregation). */
  readonly suppressedSinceLast?: number;
  /** Response-time target in seconds for the incident's severity (escalation). */
  readonly responseTimeTargetSeconds?: number;
}

export interface RenderedNotification {
  /** SNS subject: at most 100 printable ASCII characters. */
  readonly subject: string;
  /** Human summary: what happened, where, what Firebreak did, what it needs from you, the links. */
  readonly text: string;
  /** The structured part machine subscribers read. */
  readonly json: NotificationDocument;
  /** SNS message attributes for subscription filter policies. */
  readonly attributes: { readonly severity: string; readonly playbook: string; readonly event: NotificationEvent };
}

export interface NotificationDocument {
  readonly version: 1;
  readonly event: NotificationEvent;
  readonly summary: string;
  readonly incident: Incident;
  readonly actions: readonly ActionRecord[];
  readonly durations: ReturnType<typeof incidentDurations>;
  readonly links: NotificationLinks;
  readonly detail?: unknown;
  readonly suppressedSinceLast?: number;
  /** The compliance requirements this message evidences (config `complianceFramework`; added by the SNS publisher). */
  readonly compliance?: NotificationComplianceReferences;
}

/** One line per playbook: what it does when it runs, for the "what Firebreak did / will do" part. */
const PLAYBOOK_PURPOSE: Readonly<Record<string, string>> = {
  'credential-compromise': "deactivates the exposed access key and revokes the role's sessions issued before now",
  'compromised-instance':
    'protects the instance from termination, snapshots its volumes, takes it out of Auto Scaling and load balancers, isolates its network interfaces and removes its instance profile (stopping it needs its own approval)',
  'data-exposure': "blocks public access to the bucket and removes its public policy statements (the account-wide block needs its own approval)",
  'network-exposure': 'revokes the security group rules open to the internet',
  'notify-only': 'only notifies; no containment is configured for this kind of finding',
};

const EVENT_HEADLINE: Readonly<Record<NotificationEvent, string>> = {
  opened: 'New incident',
  notify_only: 'New incident (notify only)',
  updated: 'More activity',
  approval_requested: 'Approval needed',
  contained: 'Contained',
  dry_run_completed: 'Dry run, nothing changed',
  containment_failed: 'CONTAINMENT FAILED',
  rejected: 'Containment rejected',
  escalation: 'ESCALATION: not acknowledged in time',
  approval_timeout: 'Approval timed out',
};

export function playbookPurpose(playbook: string): string {
  return PLAYBOOK_PURPOSE[playbook] ?? `runs the ${playbook} playbook`;
}

/** Renders one notification. Pure: the same context always gives the same message (tested per playbook and event). */
export function renderNotification(context: NotificationContext): RenderedNotification {
  const { incident, event } = context;
  const finding = incident.primaryFinding;
  const actions = context.actions ?? [];
  const links = context.links ?? {};
  const subject = toSubject(`[Firebreak ${incident.severity}] ${EVENT_HEADLINE[event]}: ${incident.title}`);

  const where = [
    `account ${incident.accountId}, ${incident.region}`,
    finding.principal?.arn ? `principal ${finding.principal.arn}` : undefined,
    finding.resources.length > 0 ? `resources ${finding.resources.map((resource) => resource.id).join(', ')}` : undefined,
    finding.network?.remoteIp ? `from ${finding.network.remoteIp}${finding.network.remoteCountry ? ` (${finding.network.remoteCountry})` : ''}` : undefined,
  ].filter(Boolean);

  const lines: string[] = [
    `${EVENT_HEADLINE[event]} — incident ${incident.incidentId} (${incident.severity}, risk ${incident.riskScore}, status ${incident.status})`,
    '',
    `What happened: ${finding.product} reported ${finding.type}: ${finding.title}` +
      (incident.findingKeys.length > 1 ? ` (+${incident.findingKeys.length - 1} correlated finding(s))` : '') +
      ((incident.occurrences ?? 1) > 1 ? `, seen ${incident.occurrences} times` : '') +
      '.',
    `Where: ${where.join('; ')}.`,
    `What Firebreak did: ${whatFirebreakDid(context, actions)}`,
    `What it needs from you: ${whatItNeeds(context)}`,
  ];
  if (context.suppressedSinceLast && context.suppressedSinceLast > 0) {
    lines.push(`(${context.suppressedSinceLast} similar notification(s) about this incident were aggregated into this one.)`);
  }
  const linkLines = [
    links.approval ? `Approve or reject: ${links.approval}` : undefined,
    links.finding ? `Finding: ${links.finding}` : undefined,
    links.execution ? `Playbook run: ${links.execution}` : undefined,
  ].filter((line): line is string => line !== undefined);
  if (linkLines.length > 0) lines.push('', 'Links:', ...linkLines.map((line) => `  ${line}`));
  lines.push('', `CLI: firebreak incidents show ${incident.incidentId}`);

  const text = lines.join('\n');
  return {
    subject,
    text,
    attributes: { severity: incident.severity, playbook: incident.playbook, event },
    json: {
      version: 1,
      event,
      summary: lines[0]!,
      incident,
      actions,
      durations: incidentDurations(incident),
      links,
      ...(context.detail !== undefined ? { detail: context.detail } : {}),
      ...(context.suppressedSinceLast ? { suppressedSinceLast: context.suppressedSinceLast } : {}),
    },
  };
}

function whatFirebreakDid(context: NotificationContext, actions: readonly ActionRecord[]): string {
  const { incident, event } = context;
  const done = actions.filter((action) => action.status === 'done');
  const failed = actions.filter((action) => action.status === 'failed');
  const describe = (list: readonly ActionRecord[]) =>
    list.map((action) => `${action.actionId} on ${action.target}${action.dryRun ? ' (dry run: nothing changed)' : ''}`).join('; ');
  switch (event) {
    case 'opened':
      return incident.mode === 'auto'
        ? `opened the incident and is running the ${incident.playbook} playbook, which ${playbookPurpose(incident.playbook)}.`
        : `opened the incident; the ${incident.playbook} playbook (${playbookPurpose(incident.playbook)}) runs in ${incident.mode} mode.`;
    case 'notify_only':
      return `opened the incident and changed nothing (playbook ${incident.playbook} is in notify mode).`;
    case 'updated': {
      const started = playbookStartedOf(context.detail);
      if (started) {
        return `a correlated finding routed to the ${started.playbook} playbook joined this incident, which had no containment playbook: started ${started.playbook} in ${started.mode} mode${started.dryRun ? ' (dry run: nothing will be changed)' : ''}, which ${playbookPurpose(started.playbook)}.`;
      }
      return `added the new activity to this incident (${incident.findingKeys.length} finding(s), seen ${incident.occurrences ?? 1} times in all, last at ${incident.lastSeenAt ?? incident.primaryFinding.lastSeen}); the playbook is not started again.`;
    }
    case 'approval_requested':
      return `paused the ${incident.playbook} playbook before step ${context.step ?? '?'}; it ${playbookPurpose(incident.playbook)} once approved.`;
    case 'contained':
      return done.length > 0 ? `contained it: ${describe(done)}.` : `finished the ${incident.playbook} playbook (no action needed a change).`;
    case 'dry_run_completed': {
      const rehearsed = done.filter((action) => action.dryRun);
      const inEffect = done.filter((action) => !action.dryRun);
      return (
        `dry run: nothing changed. The ${incident.playbook} playbook ran in dry run` +
        (rehearsed.length > 0 ? ` and would have: ${rehearsed.map((action) => `${action.actionId} on ${action.target}`).join('; ')}.` : '; no step would have changed anything.') +
        (inEffect.length > 0 ? ` Still in effect from an earlier real run: ${describe(inEffect)}.` : '')
      );
    }
    case 'containment_failed':
      return `tried to contain it and failed${failed.length > 0 ? ` at ${describe(failed)}` : ''}${errorOf(context.detail)}.${done.length > 0 ? ` Already done: ${describe(done)}.` : ''}`;
    case 'rejected':
      return `stopped the ${incident.playbook} playbook: the containment was rejected; nothing was changed by it.`;
    case 'approval_timeout':
      return `waited for an approval that did not come; the ${incident.playbook} playbook stopped without containing.`;
    case 'escalation':
      return `notified when the incident opened${done.length > 0 ? ` and ran: ${describe(done)}` : ''}; nobody has acknowledged it yet.`;
  }
}

function whatItNeeds(context: NotificationContext): string {
  const { incident, event } = context;
  const id = incident.incidentId;
  switch (event) {
    case 'opened':
    case 'notify_only':
      return `review it and acknowledge (firebreak incidents ack ${id})${withinTarget(context)}; contain by hand if the finding is real.`;
    case 'approval_requested':
      return `approve or reject step ${context.step ?? '?'} before ${context.approvalValidUntil ?? 'the approval expires'} — open the approval link (it asks again before doing anything) or run firebreak approve|reject ${id}${context.step ? ` --step ${context.step}` : ''} --reason "...".`;
    case 'contained':
      return `verify the containment, find the root cause, then resolve and close it (firebreak incidents close ${id} --root-cause ... --remediation ...).`;
    case 'dry_run_completed':
      return `the incident is NOT contained (status ${incident.status}): contain it by hand, or turn dry run off (config dryRun: false) and run the playbook again; acknowledge it (firebreak incidents ack ${id})${withinTarget(context)}.`;
    case 'containment_failed':
      return `contain it by hand now and acknowledge (firebreak incidents ack ${id}); the error above says what failed.`;
    case 'rejected':
      return `decide the manual follow-up; resolve it if it was a false positive.`;
    case 'updated':
      return `review the new activity (firebreak incidents show ${id}); it may widen what needs containing.`;
    case 'approval_timeout':
      return `decide now: contain by hand or resolve it as a false positive; acknowledge it (firebreak incidents ack ${id}).`;
    case 'escalation': {
      const target = context.responseTimeTargetSeconds;
      return `acknowledge it now (firebreak incidents ack ${id})${target ? `: the ${incident.severity} response-time target is ${formatDuration(target)}` : ''}.`;
    }
  }
}

/** ` within 1h (the HIGH response-time target)` while the incident is unacknowledged and a target is known. */
function withinTarget(context: NotificationContext): string {
  const target = context.responseTimeTargetSeconds;
  if (!target || context.incident.acknowledgedAt) return '';
  return ` within ${formatDuration(target)} (the ${context.incident.severity} response-time target)`;
}

function errorOf(detail: unknown): string {
  const text = stepErrorText(detail);
  return text ? ` (${text})` : '';
}

export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** SNS subjects: ASCII, no line breaks, at most 100 characters. */
function toSubject(text: string): string {
  const ascii = text.replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}
