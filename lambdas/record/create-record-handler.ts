import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { ConflictError } from '../core/errors.js';
import type { IncidentStatus } from '../core/incidents/incident.js';
import { canTransition } from '../core/incidents/lifecycle.js';
import { stepErrorText } from '../core/notifications/step-error.js';
import { parseOrThrow } from '../core/zod-issues.js';
import { VersionConflictError, type IncidentRepository } from '../store/incident-repository.js';

/** Payload of the record Lambda (INTERFACES.md). `detail` is a Catch's `{Error, Cause}` or the step results. */
export const RecordRequestSchema = z.object({
  incidentId: z.string().min(1),
  event: z.enum(['contained', 'containment_failed', 'rejected', 'approval_timeout']),
  detail: z.unknown().optional(),
});
export type RecordRequest = z.infer<typeof RecordRequestSchema>;

export type RecordResult =
  | { status: 'done'; incidentId: string; event: RecordRequest['event']; incidentStatus: IncidentStatus }
  | { status: 'skipped'; incidentId: string; event: RecordRequest['event']; incidentStatus: IncidentStatus; reason: string };

export interface RecordHandlerDeps {
  readonly repository: IncidentRepository;
  readonly logger?: Logger;
}

export type RecordHandler = (event: unknown) => Promise<RecordResult>;

const TARGET: Partial<Record<RecordRequest['event'], IncidentStatus>> = { contained: 'contained', containment_failed: 'containment_failed' };
const MAX_ATTEMPTS = 5;

/**
 * The record Lambda: the playbook reports its outcome and the incident follows (status + timeline). Safe to retry: a status
 * already reached is 'skipped', and a lost optimistic-lock race is re-read and re-decided, never a lost update.
 */
export function createRecordHandler(deps: RecordHandlerDeps): RecordHandler {
  return async (event) => {
    const request = parseOrThrow(RecordRequestSchema, event, 'record request');
    deps.logger?.appendKeys({ incidentId: request.incidentId });
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await recordOnce(deps.repository, request);
        deps.logger?.info('record', { ...result });
        return result;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  };
}

async function recordOnce(repository: IncidentRepository, request: RecordRequest): Promise<RecordResult> {
  const { incidentId, event } = request;
  const incident = await repository.getOrThrow(incidentId);
  const detailText = stepErrorText(request.detail);
  const target = TARGET[event];
  if (!target) {
    // rejected / approval_timeout: the playbook stopped without containing; the status stays for a responder to decide.
    await repository.appendTimeline(incidentId, {
      actor: 'firebreak',
      kind: event === 'rejected' ? 'playbook_stopped' : 'approval_timeout',
      message:
        event === 'rejected'
          ? `containment rejected by the approver; playbook stopped${detailText ? ` (${detailText})` : ''}`
          : `no approval arrived in time; playbook stopped without containing${detailText ? ` (${detailText})` : ''}`,
      ...(request.detail !== undefined ? { data: { detail: request.detail as unknown } } : {}),
    });
    return { status: 'done', incidentId, event, incidentStatus: incident.status };
  }
  if (incident.status === target) {
    if (event === 'containment_failed') {
      await repository.appendTimeline(incidentId, {
        actor: 'firebreak',
        kind: 'containment_failed',
        message: `containment failed again${detailText ? `: ${detailText}` : ''}`,
        ...(request.detail !== undefined ? { data: { detail: request.detail as unknown } } : {}),
      });
    }
    return { status: 'skipped', incidentId, event, incidentStatus: incident.status, reason: `incident is already ${target}` };
  }
  if (!canTransition(incident.status, target)) {
    return {
      status: 'skipped',
      incidentId,
      event,
      incidentStatus: incident.status,
      reason: `incident is ${incident.status}; the playbook's ${event} no longer applies`,
    };
  }
  try {
    const updated = await repository.transition(incidentId, target, {
      actor: 'firebreak',
      reason: event === 'contained' ? `playbook ${incident.playbook} finished` : `containment failed${detailText ? `: ${detailText}` : ''}`,
    });
    return { status: 'done', incidentId, event, incidentStatus: updated.status };
  } catch (error) {
    if (error instanceof ConflictError && !(error instanceof VersionConflictError)) {
      return { status: 'skipped', incidentId, event, incidentStatus: incident.status, reason: error.message };
    }
    throw error;
  }
}
