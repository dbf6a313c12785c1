import type { NotificationEvent } from '../notifications/notification-event.js';
import { FRAMEWORK_MAPPINGS, type MappedFramework } from './compliance-framework.js';
import type { EvidenceAspect } from './incident-evidence.js';

/** The requirements a notification is evidence for, carried in its JSON so a SIEM or ticket system can file it under them. */
export interface NotificationComplianceReferences {
  readonly framework: MappedFramework;
  readonly name: string;
  readonly references: readonly { readonly ref: string; readonly title: string }[];
}

/** What each notification documents: every message is itself communication; the event says what else it shows. */
const EVENT_ASPECTS: Readonly<Record<NotificationEvent, readonly EvidenceAspect[]>> = {
  opened: ['detection', 'communication'],
  notify_only: ['detection', 'communication'],
  updated: ['detection', 'communication'],
  approval_requested: ['response-procedure', 'communication'],
  contained: ['containment', 'communication'],
  // A rehearsal documents the response procedure, never a containment.
  dry_run_completed: ['response-procedure', 'communication'],
  containment_failed: ['containment', 'communication'],
  rejected: ['containment', 'communication'],
  escalation: ['triage', 'communication'],
  approval_timeout: ['triage', 'communication'],
};

export function notificationComplianceReferences(framework: MappedFramework, event: NotificationEvent): NotificationComplianceReferences {
  const mapping = FRAMEWORK_MAPPINGS[framework];
  const aspects = EVENT_ASPECTS[event];
  return {
    framework,
    name: mapping.name,
    references: mapping.requirements
      .filter((requirement) => requirement.aspects.some((aspect) => aspects.includes(aspect)))
      .map((requirement) => ({ ref: requirement.ref, title: requirement.title })),
  };
}
