import { z } from 'zod';
import { FindingSchema, SeverityLabelSchema } from '../findings/finding.js';

/** open → acknowledged → contained → resolved → closed, plus containment_failed (see lifecycle.ts for the allowed moves). */
export const IncidentStatusSchema = z.enum(['open', 'acknowledged', 'contained', 'containment_failed', 'resolved', 'closed']);
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>;

/** One line of the incident's history: who did what, when. */
export const TimelineEntrySchema = z.object({
  at: z.string(),
  /** `firebreak` for automation, otherwise the responder's identity (IAM ARN, approver id). */
  actor: z.string(),
  /** Machine-readable kind: opened, finding_added, action_planned, action_done, action_skipped, action_failed,
   * approval_requested, approved, rejected, notified, status_changed, escalated, rolled_back, rollback_skipped,
   * dry_run_completed (a run that only rehearsed: the status stays), partly_dry_run (a contained run with dry-run steps),
   * action_record_kept (a later skipped/failed attempt did not replace the record of a real change), playbook_takeover (a
   * joining finding's containment playbook took over a notify-only incident), playbook_not_started (a joining finding's
   * playbook did not start, with the reason), severity_raised (a joining finding more severe than the incident) ... */
  kind: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** What an action changed, recorded before it changes it, so rollback can restore it and check nobody changed it since. */
export const ActionRecordSchema = z.object({
  actionId: z.string(),
  target: z.string(),
  status: z.enum(['done', 'skipped', 'failed', 'rolled_back']),
  dryRun: z.boolean(),
  at: z.string(),
  priorState: z.unknown().optional(),
  /** The state right after the action, for the "changed since?" check before a rollback. */
  appliedState: z.unknown().optional(),
  reason: z.string().optional(),
});
export type ActionRecord = z.infer<typeof ActionRecordSchema>;

export const IncidentSchema = z.object({
  incidentId: z.string(),
  accountId: z.string(),
  region: z.string(),
  status: IncidentStatusSchema,
  severity: SeverityLabelSchema,
  riskScore: z.number().min(0).max(100),
  title: z.string(),
  playbook: z.string(),
  mode: z.enum(['auto', 'approve', 'notify', 'off']),
  /** The principal or resource that findings correlate on (e.g. `principal:arn:aws:iam::1:user/alice`). */
  correlationKey: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  containedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  closedAt: z.string().optional(),
  rootCause: z.string().optional(),
  remediation: z.string().optional(),
  /** Dedup keys of every contributing finding. */
  findingKeys: z.array(z.string()),
  /**
   * The finding the response is about (playbook input): the one that opened it, or the joining finding whose containment
   * playbook took over a notify-only incident (core/incidents/playbook-takeover.ts; the opener stays in findingKeys).
   */
  primaryFinding: FindingSchema,
  executionArn: z.string().optional(),
  /** Latest time any contributing finding was seen (re-deliveries with a higher count move it). */
  lastSeenAt: z.string().optional(),
  /** Sum of the contributing findings' counts (GuardDuty `service.count`). */
  occurrences: z.number().int().min(1).optional(),
  /** Set once when the response-time target was missed and the escalation was sent (SLA). */
  escalatedAt: z.string().optional(),
  /** Who acknowledged / closed it (IAM ARN or approver identity). */
  acknowledgedBy: z.string().optional(),
  closedBy: z.string().optional(),
  /** Optimistic-lock counter: every update is conditional on it. */
  version: z.number().int().min(1),
  /** Epoch seconds: DynamoDB TTL from `retentionDays`. */
  expiresAt: z.number().int(),
});
export type Incident = z.infer<typeof IncidentSchema>;
