import type { Logger } from '@aws-lambda-powertools/logger';
import type { IncidentStatus } from '../core/incidents/incident.js';
import { slaBreach, type ResponseTimeTargets } from '../core/incidents/response-time.js';
import { formatDuration } from '../core/notifications/render-notification.js';
import type { IncidentNotifier, NotifyResult } from '../notify/incident-notifier.js';
import type { IncidentRepository } from '../store/incident-repository.js';
import type { SlaMetrics } from './sla-metrics.js';

export interface SlaHandlerDeps {
  readonly repository: IncidentRepository;
  readonly notifier: IncidentNotifier;
  readonly metrics: SlaMetrics;
  readonly targets: ResponseTimeTargets;
  readonly clock?: () => Date;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  /** Upper bound of incidents read per status and sweep. @default 500 */
  readonly pageLimit?: number;
}

export interface SlaSweepResult {
  readonly checked: number;
  readonly unacknowledged: number;
  readonly escalated: { incidentId: string; severity: string; overdueSeconds: number; notification: NotifyResult['status'] }[];
}

export type SlaHandler = (event?: unknown) => Promise<SlaSweepResult>;

/** Statuses in which nobody has necessarily taken the incident yet (an automated containment is no acknowledgement). */
const UNOWNED_STATUSES: readonly IncidentStatus[] = ['open', 'containment_failed', 'contained'];

/**
 * The scheduled SLA sweep: incidents nobody acknowledged within their severity's response-time target get one escalation
 * notification (a conditional flag makes it once, however many sweeps overlap) and a CloudWatch metric. Reads the byStatus
 * index, only incidents old enough to have breached the shortest target: never a scan.
 */
export function createSlaHandler(deps: SlaHandlerDeps): SlaHandler {
  const clock = deps.clock ?? (() => new Date());
  return async () => {
    const now = clock();
    const shortest = Math.min(deps.targets.critical, deps.targets.high, deps.targets.medium, deps.targets.low);
    const before = new Date(now.getTime() - shortest * 1000).toISOString();
    const candidates = (
      await Promise.all(UNOWNED_STATUSES.map((status) => deps.repository.list({ status, before, limit: deps.pageLimit ?? 500 })))
    ).flat();
    const unacknowledged = candidates.filter((incident) => !incident.acknowledgedAt);
    const escalated: SlaSweepResult['escalated'][number][] = [];
    for (const incident of unacknowledged) {
      const breach = slaBreach(incident, deps.targets, now);
      if (!breach || incident.escalatedAt) continue;
      if (!(await deps.repository.markEscalated(incident.incidentId, now.toISOString()))) continue;
      await deps.repository.appendTimeline(incident.incidentId, {
        at: now.toISOString(),
        actor: 'firebreak',
        kind: 'escalated',
        message: `not acknowledged within the ${incident.severity} response-time target of ${formatDuration(breach.targetSeconds)} (${formatDuration(
          breach.overdueSeconds,
        )} over)`,
        data: { targetSeconds: breach.targetSeconds, overdueSeconds: breach.overdueSeconds },
      });
      const notification = await deps.notifier.notify({ incidentId: incident.incidentId, event: 'escalation', aggregate: false });
      deps.metrics.breach(incident.severity, breach.overdueSeconds);
      deps.logger?.warn('SLA breached: escalated', { incidentId: incident.incidentId, severity: incident.severity, overdueSeconds: breach.overdueSeconds });
      escalated.push({ incidentId: incident.incidentId, severity: incident.severity, overdueSeconds: breach.overdueSeconds, notification: notification.status });
    }
    deps.metrics.unacknowledged(unacknowledged.length);
    const result = { checked: candidates.length, unacknowledged: unacknowledged.length, escalated };
    deps.logger?.info('SLA sweep', { checked: result.checked, unacknowledged: result.unacknowledged, escalated: escalated.length });
    return result;
  };
}
