import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { ConflictError } from '../core/errors.js';
import type { IncidentStatus } from '../core/incidents/incident.js';
import { canTransition } from '../core/incidents/lifecycle.js';
import { decidePlaybookOutcome, describeStep, stepReports, type PlaybookOutcome } from '../core/incidents/playbook-outcome.js';
import { stepErrorText } from '../core/notifications/step-error.js';
import { parseOrThrow } from '../core/zod-issues.js';
import { VersionConflictError, type IncidentRepository } from '../store/incident-repository.js';

/**
 * Payload of the record Lambda (INTERFACES.md). `detail` is a Catch's `{Error, Cause}` or the step results.
 * `completed`: the playbook's steps ran to the end; this Lambda decides whether that contained anything or was a dry run.
 * `contained` is what executions of an earlier definition send for the same thing (a run may wait hours at a gate across a
 * deploy): it is decided the same way, never taken at its word.
 */
export const RecordRequestSchema = z.object({
  incidentId: z.string().min(1),
  event: z.enum(['completed', 'contained', 'containment_failed', 'rejected', 'approval_timeout']),
  detail: z.unknown().optional(),
});
export type RecordRequest = z.infer<typeof RecordRequestSchema>;

/** What was recorded; the playbook branches on it (`dry_run_completed` → the dry-run notification, not "contained"). */
export type RecordOutcome = 'contained' | 'dry_run_completed' | 'containment_failed' | 'rejected' | 'approval_timeout';

export type RecordResult =
  | { status: 'done'; incidentId: string; event: RecordRequest['event']; outcome: RecordOutcome; incidentStatus: IncidentStatus }
  | { status: 'skipped'; incidentId: string; event: RecordRequest['event']; outcome: RecordOutcome; incidentStatus: IncidentStatus; reason: string };

export interface RecordHandlerDeps {
  readonly repository: IncidentRepository;
  readonly logger?: Logger;
}

export type RecordHandler = (event: unknown) => Promise<RecordResult>;

const TARGET: Partial<Record<RecordRequest['event'], IncidentStatus>> = { containment_failed: 'containment_failed' };
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
  if (request.event === 'completed' || request.event === 'contained') return recordCompletion(repository, request);
  const { incidentId, event } = request;
  const outcome: RecordOutcome = event as Exclude<RecordRequest['event'], 'completed' | 'contained'>;
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
    return { status: 'done', incidentId, event, outcome, incidentStatus: incident.status };
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
    return { status: 'skipped', incidentId, event, outcome, incidentStatus: incident.status, reason: `incident is already ${target}` };
  }
  if (!canTransition(incident.status, target)) {
    return {
      status: 'skipped',
      incidentId,
      event,
      outcome,
      incidentStatus: incident.status,
      reason: `incident is ${incident.status}; the playbook's ${event} no longer applies`,
    };
  }
  try {
    const updated = await repository.transition(incidentId, target, {
      actor: 'firebreak',
      reason: `containment failed${detailText ? `: ${detailText}` : ''}`,
    });
    return { status: 'done', incidentId, event, outcome, incidentStatus: updated.status };
  } catch (error) {
    if (error instanceof ConflictError && !(error instanceof VersionConflictError)) {
      return { status: 'skipped', incidentId, event, outcome, incidentStatus: incident.status, reason: error.message };
    }
    throw error;
  }
}

/**
 * The steps ran to the end. Contained only when a step changed something for real (lambdas/core/incidents/playbook-outcome.ts);
 * a dry run leaves the status where it was (the SLA clock keeps running: nothing is contained) and says on the timeline what
 * a real run would have done.
 */
async function recordCompletion(repository: IncidentRepository, request: RecordRequest): Promise<RecordResult> {
  const { incidentId, event } = request;
  const incident = await repository.getOrThrow(incidentId);
  const steps = stepReports((request.detail as { results?: unknown } | undefined)?.results);
  const decided = decidePlaybookOutcome(steps, await repository.actions(incidentId));

  if (decided.kind === 'dry_run') {
    const wouldHave = decided.wouldHave.map(describeStep);
    const skipped = decided.skipped.map((step) => `${step.actionId}${step.detail ? ` (${step.detail})` : ''}`);
    await repository.appendTimeline(incidentId, {
      actor: 'firebreak',
      kind: 'dry_run_completed',
      message:
        `dry run of playbook ${incident.playbook} finished: nothing changed, the incident stays ${incident.status}` +
        (wouldHave.length > 0 ? `; a real run would have: ${wouldHave.join('; ')}` : '; no step would have changed anything') +
        (skipped.length > 0 ? `; skipped: ${skipped.join('; ')}` : ''),
      data: {
        dryRun: true,
        wouldHave: decided.wouldHave.map(({ step, actionId, target, calls }) => ({ step, actionId, target, calls })),
        skipped: decided.skipped.map(({ step, actionId, target, detail }) => ({ step, actionId, target, ...(detail ? { reason: detail } : {}) })),
      },
    });
    return { status: 'done', incidentId, event, outcome: 'dry_run_completed', incidentStatus: incident.status };
  }

  const reason =
    decided.kind === 'nothing_to_change'
      ? `playbook ${incident.playbook} finished (no step needed a change)`
      : `playbook ${incident.playbook} finished` + (decided.dryRunOnly.length > 0 ? ` (${decided.dryRunOnly.length} step(s) ran in dry run only)` : '');
  if (incident.status === 'contained') {
    await noteMixedRun(repository, incidentId, incident.playbook, decided);
    return { status: 'skipped', incidentId, event, outcome: 'contained', incidentStatus: incident.status, reason: 'incident is already contained' };
  }
  if (!canTransition(incident.status, 'contained')) {
    return {
      status: 'skipped',
      incidentId,
      event,
      outcome: 'contained',
      incidentStatus: incident.status,
      reason: `incident is ${incident.status}; the playbook's ${event} no longer applies`,
    };
  }
  try {
    const updated = await repository.transition(incidentId, 'contained', { actor: 'firebreak', reason });
    await noteMixedRun(repository, incidentId, incident.playbook, decided);
    return { status: 'done', incidentId, event, outcome: 'contained', incidentStatus: updated.status };
  } catch (error) {
    if (error instanceof ConflictError && !(error instanceof VersionConflictError)) {
      return { status: 'skipped', incidentId, event, outcome: 'contained', incidentStatus: incident.status, reason: error.message };
    }
    throw error;
  }
}

/**
 * A run where some steps changed things and others only rehearsed (e.g. dryRun was switched off while the run waited at an
 * approval gate), or where a change has no action record: the timeline says which step did what.
 */
async function noteMixedRun(repository: IncidentRepository, incidentId: string, playbook: string, decided: PlaybookOutcome): Promise<void> {
  if (decided.kind !== 'contained' || (decided.dryRunOnly.length === 0 && decided.unconfirmed.length === 0)) return;
  const changed = [...decided.real, ...decided.unconfirmed];
  const parts = [
    `playbook ${playbook} finished${decided.dryRunOnly.length > 0 ? ' as a mixed run' : ''}: changed ${changed.map(describeStep).join('; ')}`,
    decided.dryRunOnly.length > 0 ? `ran in dry run only, nothing changed: ${decided.dryRunOnly.map(describeStep).join('; ')}` : undefined,
    decided.unconfirmed.length > 0
      ? `no action record shows ${decided.unconfirmed.map(describeStep).join('; ')}: a rollback will not restore ${decided.unconfirmed.length === 1 ? 'it' : 'them'}`
      : undefined,
  ];
  await repository.appendTimeline(incidentId, {
    actor: 'firebreak',
    kind: decided.dryRunOnly.length > 0 ? 'partly_dry_run' : 'action_record_missing',
    message: parts.filter(Boolean).join('; '),
    data: {
      changed: changed.map(({ step, actionId, target }) => ({ step, actionId, target })),
      dryRunOnly: decided.dryRunOnly.map(({ step, actionId, target, calls }) => ({ step, actionId, target, calls })),
      ...(decided.unconfirmed.length > 0 ? { unconfirmed: decided.unconfirmed.map(({ step, actionId, target }) => ({ step, actionId, target })) } : {}),
    },
  });
}
