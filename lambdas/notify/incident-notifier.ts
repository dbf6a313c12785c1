import type { Logger } from '@aws-lambda-powertools/logger';
import type { SeverityLabel } from '../core/findings/finding.js';
import type { Incident } from '../core/incidents/incident.js';
import { isActive } from '../core/incidents/lifecycle.js';
import { consoleLinks } from '../core/notifications/console-links.js';
import type { NotificationEvent } from '../core/notifications/notification-event.js';
import { renderNotification, type NotificationLinks, type RenderedNotification } from '../core/notifications/render-notification.js';
import type { IncidentRepository } from '../store/incident-repository.js';
import type { NotificationDigestStore } from '../store/notification-digest-store.js';
import type { SecurityHubSyncResult, SecurityHubWorkflowSync } from '../securityhub-sync/securityhub-workflow.js';
import type { NotificationPublisher } from './notification-publisher.js';

export interface IncidentNotifierDeps {
  readonly repository: IncidentRepository;
  readonly publisher: NotificationPublisher;
  /** Burst aggregation; without it every notification is sent. */
  readonly digests?: NotificationDigestStore;
  /** Repeats of one event kind about one incident within this many seconds are counted, not sent. @default 300 */
  readonly digestWindowSeconds?: number;
  /** Marks the incident's Security Hub findings NOTIFIED with the first message sent. */
  readonly securityHub?: SecurityHubWorkflowSync;
  /** Seconds per severity (config `responseTimeTarget`), quoted in escalations. */
  readonly responseTimeTargets?: Partial<Record<Lowercase<SeverityLabel>, number>>;
  readonly logger?: Logger;
}

export interface NotifyOptions {
  readonly incidentId: string;
  readonly event: NotificationEvent;
  readonly detail?: unknown;
  readonly links?: NotificationLinks;
  readonly step?: string;
  readonly approvalValidUntil?: string;
  /** Approval requests each carry their own link: never aggregated. */
  readonly aggregate?: boolean;
}

export type NotifyResult =
  | { status: 'sent'; event: NotificationEvent; messageId: string; subject: string; securityHub?: SecurityHubSyncResult }
  | { status: 'skipped'; event: NotificationEvent; reason: string };

/** Loads the incident, renders the message, aggregates bursts, publishes, and notes it on the timeline. */
export class IncidentNotifier {
  constructor(private readonly deps: IncidentNotifierDeps) {}

  async notify(requested: NotifyOptions): Promise<NotifyResult> {
    const { repository } = this.deps;
    const incident = await repository.getOrThrow(requested.incidentId);
    const options: NotifyOptions = { ...requested, event: await this.truthfulEvent(incident, requested.event) };
    let suppressedSinceLast = 0;
    if (this.deps.digests && options.aggregate !== false) {
      const decision = await this.deps.digests.admit(incident.incidentId, options.event, this.deps.digestWindowSeconds ?? 300);
      if (!decision.send) {
        this.deps.logger?.info('notification aggregated', { incidentId: incident.incidentId, event: options.event, suppressedSoFar: decision.suppressedSoFar });
        return {
          status: 'skipped',
          event: options.event,
          reason: `aggregated: ${decision.suppressedSoFar} ${options.event} notification(s) about this incident held back within the digest window`,
        };
      }
      suppressedSinceLast = decision.suppressedSinceLast;
    }
    const actions = await repository.actions(incident.incidentId);
    const targetKey = incident.severity.toLowerCase() as Lowercase<SeverityLabel>;
    const rendered: RenderedNotification = renderNotification({
      incident,
      event: options.event,
      detail: options.detail,
      actions,
      links: { ...consoleLinks(incident), ...(options.links ?? {}) },
      step: options.step,
      approvalValidUntil: options.approvalValidUntil,
      suppressedSinceLast,
      responseTimeTargetSeconds: this.deps.responseTimeTargets?.[targetKey],
    });
    const { messageId } = await this.deps.publisher.publish(rendered);
    await repository.appendTimeline(incident.incidentId, {
      actor: 'firebreak',
      kind: 'notified',
      message: `notified (${options.event}): ${rendered.subject}`,
      data: { event: options.event, messageId, ...(suppressedSinceLast ? { aggregated: suppressedSinceLast } : {}) },
    });
    let securityHub: SecurityHubSyncResult | undefined;
    const flaggedAt = new Date().toISOString();
    if (this.deps.securityHub && isActive(incident.status) && (await repository.markOnce(incident.incidentId, 'securityHubNotifiedAt', flaggedAt))) {
      securityHub = await this.deps.securityHub.sync(incident, await repository.findingRefs(incident), 'NOTIFIED');
      if (securityHub.status === 'failed') {
        // The message went out; the sync did not: let the next notification about this incident try again.
        await repository.unmarkOnce(incident.incidentId, 'securityHubNotifiedAt', flaggedAt);
        this.deps.logger?.warn('Security Hub workflow sync failed', { incidentId: incident.incidentId, cause: securityHub.cause });
      }
    }
    return { status: 'sent', event: options.event, messageId, subject: rendered.subject, ...(securityHub ? { securityHub } : {}) };
  }

  /**
   * Never announces a containment that did not happen: an execution of the previous playbook definition (still waiting at a
   * gate when the new one was deployed) asks for `contained` after a dry run, which the record Lambda did not mark contained.
   */
  private async truthfulEvent(incident: Incident, event: NotificationEvent): Promise<NotificationEvent> {
    if (event !== 'contained' || incident.status === 'contained') return event;
    const done = (await this.deps.repository.actions(incident.incidentId)).filter((action) => action.status === 'done');
    return done.length > 0 && done.every((action) => action.dryRun) ? 'dry_run_completed' : event;
  }
}
