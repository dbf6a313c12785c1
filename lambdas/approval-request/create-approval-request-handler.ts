import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { approvalUrl, signApprovalLink } from '../core/incidents/approval-link.js';
import { parseOrThrow } from '../core/zod-issues.js';
import type { SigningKeyProvider } from '../approve/signing-key.js';
import type { IncidentNotifier, NotifyResult } from '../notify/incident-notifier.js';
import type { ApprovalStore } from '../store/approval-store.js';
import type { IncidentRepository } from '../store/incident-repository.js';

/** Payload of the approval gate's waitForTaskToken Task (INTERFACES.md). */
export const ApprovalRequestSchema = z.object({
  incidentId: z.string().min(1),
  step: z.string().min(1),
  taskToken: z.string().min(1),
  summary: z.unknown().optional(),
  /** The gate's TimeoutSeconds, when the state machine passes it; the link expires with it. */
  timeoutSeconds: z.number().int().positive().optional(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

export interface ApprovalRequestHandlerDeps {
  readonly repository: IncidentRepository;
  readonly approvals: ApprovalStore;
  readonly notifier: IncidentNotifier;
  readonly signingKey: SigningKeyProvider;
  /** HTTPS approval endpoint; without one (local runtime) the message points at the CLI only. */
  readonly approvalBaseUrl?: string;
  /** Link lifetime when the payload carries no timeout. */
  readonly defaultTimeoutSeconds: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

export interface ApprovalRequestResult {
  readonly incidentId: string;
  readonly step: string;
  /** First characters of the approval key: enough to find it in logs, useless as a link. */
  readonly approvalRef: string;
  readonly validUntil: string;
  readonly notification: NotifyResult;
}

export type ApprovalRequestHandler = (event: unknown) => Promise<ApprovalRequestResult>;

/**
 * The approval gate: keeps the task token server-side behind an opaque one-time id with an expiry, puts the request on the
 * timeline and notifies with a signed link to the approval page. The token itself never leaves DynamoDB (no URL, log or mail).
 */
export function createApprovalRequestHandler(deps: ApprovalRequestHandlerDeps): ApprovalRequestHandler {
  const clock = deps.clock ?? (() => new Date());
  return async (event) => {
    const request = parseOrThrow(ApprovalRequestSchema, event, 'approval request');
    deps.logger?.appendKeys({ incidentId: request.incidentId });
    await deps.repository.getOrThrow(request.incidentId);
    const nowSeconds = Math.floor(clock().getTime() / 1000);
    const validUntil = nowSeconds + (request.timeoutSeconds ?? deps.defaultTimeoutSeconds);
    const { approvalId, record } = await deps.approvals.create({
      incidentId: request.incidentId,
      step: request.step,
      taskToken: request.taskToken,
      validUntil,
    });
    const approvalRef = record.approvalKey.slice(0, 12);
    // A retried gate (the Lambda failed after storing its request, or Step Functions retried the task) carries a new task
    // token: the earlier request's token is dead, so its link must not look usable. Retired after the new one exists, so
    // there is never a moment without a live request.
    let superseded = 0;
    for (const earlier of await deps.approvals.pendingForIncident(request.incidentId, request.step)) {
      if (earlier.approvalKey !== record.approvalKey && (await deps.approvals.supersede(earlier.approvalKey, approvalRef))) superseded++;
    }
    const validUntilIso = new Date(validUntil * 1000).toISOString();
    const link = deps.approvalBaseUrl
      ? approvalUrl(deps.approvalBaseUrl, { approvalId, validUntil }, signApprovalLink(await deps.signingKey(), { approvalId, validUntil }))
      : undefined;
    await deps.repository.appendTimeline(request.incidentId, {
      actor: 'firebreak',
      kind: 'approval_requested',
      message: `approval requested for step ${request.step}, valid until ${validUntilIso}${superseded > 0 ? ` (replaces ${superseded} earlier request${superseded === 1 ? '' : 's'} for this step, whose links no longer work)` : ''}`,
      data: { step: request.step, approvalRef, validUntil: validUntilIso, ...(superseded > 0 ? { superseded } : {}) },
    });
    const notification = await deps.notifier.notify({
      incidentId: request.incidentId,
      event: 'approval_requested',
      step: request.step,
      approvalValidUntil: validUntilIso,
      links: link ? { approval: link } : {},
      aggregate: false,
      detail: request.summary,
    });
    deps.logger?.info('approval requested', { step: request.step, approvalRef, validUntil: validUntilIso });
    return { incidentId: request.incidentId, step: request.step, approvalRef, validUntil: validUntilIso, notification };
  };
}
