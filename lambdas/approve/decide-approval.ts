import type { Logger } from '@aws-lambda-powertools/logger';
import { ConflictError } from '../core/errors.js';
import { ApprovalRefusedError, type ApprovalRecord, type ApprovalRefusal, type ApprovalStore } from '../store/approval-store.js';
import type { IncidentRepository } from '../store/incident-repository.js';
import { APPROVAL_REJECTED_ERROR, TaskNoLongerWaitingError, type TaskResponder } from './task-responder.js';

export interface ApprovalDecisionDeps {
  readonly repository: IncidentRepository;
  readonly approvals: ApprovalStore;
  readonly responder: TaskResponder;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface ApprovalDecision {
  readonly approvalKey: string;
  readonly decision: 'approve' | 'reject';
  /** Who decided: the name the approver gave on the page, or the caller's IAM ARN on the CLI. */
  readonly approver: string;
  readonly reason?: string;
  /** web = the signed link; cli = IAM credentials. */
  readonly channel: 'web' | 'cli';
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
}

export interface ApprovalDecided {
  readonly incidentId: string;
  readonly step: string;
  readonly decision: 'approved' | 'rejected';
  readonly approver: string;
  readonly decidedAt: string;
}

/**
 * Applies one approval decision, once: the conditional write in the store is the single-use guard; then the waiting playbook
 * is answered (SendTaskSuccess, or SendTaskFailure with Firebreak.ApprovalRejected) and the approver and reason go on the
 * timeline. A transient delivery failure puts the approval back to pending so it can be retried.
 */
export async function decideApproval(deps: ApprovalDecisionDeps, request: ApprovalDecision): Promise<ApprovalDecided> {
  const status = request.decision === 'approve' ? 'approved' : 'rejected';
  let record: ApprovalRecord;
  try {
    record = await deps.approvals.decide(request.approvalKey, {
      status,
      by: request.approver,
      reason: request.reason,
      channel: request.channel,
    });
  } catch (error) {
    if (error instanceof ApprovalRefusedError) await recordRefusal(deps, error.refusal, error.message, request, error.record);
    throw error;
  }
  const decidedAt = record.decidedAt!;
  try {
    if (status === 'approved') {
      await deps.responder.succeed(record.taskToken, {
        approved: true,
        step: record.step,
        approver: request.approver,
        ...(request.reason ? { reason: request.reason } : {}),
        decidedAt,
      });
    } else {
      await deps.responder.fail(
        record.taskToken,
        APPROVAL_REJECTED_ERROR,
        `rejected by ${request.approver}${request.reason ? `: ${request.reason}` : ''}`,
      );
    }
  } catch (error) {
    if (error instanceof TaskNoLongerWaitingError) {
      await deps.approvals.markFailed(request.approvalKey, error.message);
      await deps.repository.appendTimeline(record.incidentId, {
        actor: request.approver,
        kind: 'approval_failed',
        message: `${status} step ${record.step}, but ${error.message}`,
        data: { step: record.step, channel: request.channel, approvalRef: request.approvalKey.slice(0, 12) },
      });
      throw new ApprovalRefusedError('expired', error.message, record);
    }
    await deps.approvals.revert(request.approvalKey, decidedAt);
    throw error;
  }
  await deps.repository.appendTimeline(record.incidentId, {
    actor: request.approver,
    kind: status,
    message: `step ${record.step} ${status} by ${request.approver}${request.reason ? `: ${request.reason}` : ''}`,
    data: {
      step: record.step,
      channel: request.channel,
      approvalRef: request.approvalKey.slice(0, 12),
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.source?.ip ? { sourceIp: request.source.ip } : {}),
      ...(request.source?.userAgent ? { userAgent: request.source.userAgent.slice(0, 200) } : {}),
    },
  });
  // A decision is a response: it stops the SLA clock if nobody had acknowledged yet.
  try {
    const incident = await deps.repository.getOrThrow(record.incidentId);
    if (!incident.acknowledgedAt) await deps.repository.acknowledge(record.incidentId, { actor: request.approver, reason: `${status} step ${record.step}` });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  deps.logger?.info('approval decided', { incidentId: record.incidentId, step: record.step, decision: status, approver: request.approver, channel: request.channel });
  return { incidentId: record.incidentId, step: record.step, decision: status, approver: request.approver, decidedAt };
}

/** Every refused attempt is logged; when the approval is known, it is also on the incident's timeline. */
export async function recordRefusal(
  deps: Pick<ApprovalDecisionDeps, 'repository' | 'logger'>,
  refusal: ApprovalRefusal,
  message: string,
  request: Partial<Pick<ApprovalDecision, 'approvalKey' | 'approver' | 'decision' | 'channel' | 'source'>>,
  record?: ApprovalRecord,
): Promise<void> {
  deps.logger?.warn('approval refused', {
    refusal,
    reason: message,
    approvalRef: request.approvalKey?.slice(0, 12),
    incidentId: record?.incidentId,
    claimedApprover: request.approver,
    decision: request.decision,
    channel: request.channel,
    sourceIp: request.source?.ip,
  });
  if (!record) return;
  await deps.repository.appendTimeline(record.incidentId, {
    actor: request.approver ?? 'unknown',
    kind: 'approval_refused',
    message: `refused ${request.decision ?? 'decision'} on step ${record.step}: ${message}`,
    data: { refusal, step: record.step, ...(request.channel ? { channel: request.channel } : {}), ...(request.source?.ip ? { sourceIp: request.source.ip } : {}) },
  });
}
