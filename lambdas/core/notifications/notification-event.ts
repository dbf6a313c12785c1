import { z } from 'zod';

/** What a notification is about (payload `event` of the notify Lambda, INTERFACES.md), plus the approval request it sends itself. */
export const NotificationEventSchema = z.enum([
  'opened',
  'contained',
  /** The playbook finished in dry run: nothing changed, the incident is not contained (its status stays). */
  'dry_run_completed',
  'containment_failed',
  'rejected',
  'escalation',
  'approval_timeout',
  'notify_only',
  /** More activity on an open incident (a correlated finding joined, or a finding recurred): aggregated per digest window. */
  'updated',
  'approval_requested',
]);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

/** Payload of the notify Lambda. `detail` is whatever the state machine passes (a Catch's {Error, Cause}, step results ...). */
export const NotifyRequestSchema = z.object({
  incidentId: z.string().min(1),
  event: NotificationEventSchema.exclude(['approval_requested']),
  detail: z.unknown().optional(),
  /** `false`: send at once, even within the incident's digest window (e.g. a late takeover that starts containment). */
  aggregate: z.boolean().optional(),
});
export type NotifyRequest = z.infer<typeof NotifyRequestSchema>;
