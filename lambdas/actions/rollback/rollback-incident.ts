import type { AwsClients } from '../../aws/clients.js';
import type { ActionRecord, Incident, TimelineEntry } from '../../core/incidents/incident.js';
import type { PlaybookDefinition } from '../../core/playbooks/playbook-definition.js';
import type { ActionContext, ActionResult, AnyAction } from '../action.js';
import { errorMessage, errorName } from '../aws-errors.js';
import { throughMemberRole } from '../member-role-calls.js';
import { findAction as registryFind } from '../registry.js';

export interface RollbackRepository {
  actions(incidentId: string): Promise<ActionRecord[]>;
  recordAction(incidentId: string, record: ActionRecord): Promise<void>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
}

export interface RollbackStep {
  readonly actionId: string;
  readonly target: string;
  readonly result: ActionResult;
}

export interface RollbackOutcome {
  readonly incidentId: string;
  readonly dryRun: boolean;
  readonly steps: RollbackStep[];
  readonly counts: { done: number; skipped: number; failed: number };
}

export interface RollbackOptions {
  readonly clients: AwsClients;
  readonly repository: RollbackRepository;
  readonly incident: Incident;
  /** The incident's playbook, to undo its steps in reverse order. */
  readonly playbook?: PlaybookDefinition;
  readonly actor: string;
  readonly dryRun: boolean;
  readonly now?: () => Date;
  readonly findAction?: (id: string) => AnyAction | undefined;
}

/**
 * Undoes what containment changed on an incident: every `done`, non-dry-run action record, last step first. Each action
 * first checks that the target is still as it left it (`appliedState`) and restores `priorState` only then; anything
 * changed since is left alone and reported. Restored records become `rolled_back`; every outcome goes on the timeline.
 */
export async function rollbackIncident(options: RollbackOptions): Promise<RollbackOutcome> {
  const clock = options.now ?? (() => new Date());
  const lookup = options.findAction ?? registryFind;
  const { incident, repository } = options;
  const stepIndex = (actionId: string) => options.playbook?.steps.findIndex((s) => s.actionId === actionId) ?? -1;
  const records = (await repository.actions(incident.incidentId))
    .filter((r) => r.status === 'done' && !r.dryRun)
    .sort((a, b) => stepIndex(b.actionId) - stepIndex(a.actionId) || b.at.localeCompare(a.at));

  const steps: RollbackStep[] = [];
  for (const record of records) {
    const action = lookup(record.actionId);
    const now = clock();
    const ctx: ActionContext = {
      clients: options.clients,
      target: { accountId: incident.accountId, region: incident.region, session: incident.incidentId },
      dryRun: options.dryRun,
      incidentId: incident.incidentId,
      // Rollback restores; allowlists only ever stop containment.
      allowlists: { principals: [], cidrs: [], resourceTags: [] },
      now,
    };
    let result: ActionResult;
    const access = options.clients.access(ctx.target);
    if (!action) {
      result = { status: 'failed', cause: `no action '${record.actionId}' in this version of Firebreak`, errorName: 'NotFoundError', calls: [] };
    } else if (access.via === 'refused') {
      // As in containment: never with the home credentials in another account, dry run or not. Left, not failed.
      result = {
        status: 'skipped',
        reason: access.reason,
        refused: true,
        escalation: `undo it in account ${incident.accountId} by hand, or configure memberAccounts and deploy the member role there`,
        calls: [],
      };
    } else {
      try {
        result = throughMemberRole(await action.rollback(record, ctx), access, options.dryRun);
      } catch (error) {
        // Throttling propagates from actions so Step Functions can retry; here it is one failed step among others.
        result = { status: 'failed', cause: errorMessage(error), errorName: errorName(error), calls: [] };
      }
    }
    steps.push({ actionId: record.actionId, target: record.target, result });
    if (options.dryRun) continue;
    if (result.status === 'done') {
      await repository.recordAction(incident.incidentId, { ...record, status: 'rolled_back', at: now.toISOString(), reason: `rolled back by ${options.actor}: ${result.summary}` });
    }
    await repository.appendTimeline(incident.incidentId, {
      actor: options.actor,
      kind: result.status === 'done' ? 'rolled_back' : result.status === 'skipped' ? 'rollback_skipped' : 'rollback_failed',
      message:
        result.status === 'done'
          ? `rolled back ${record.actionId} on ${record.target}: ${result.summary}`
          : result.status === 'skipped'
            ? `did not roll back ${record.actionId} on ${record.target}: ${result.reason}`
            : `rollback of ${record.actionId} on ${record.target} failed: ${result.errorName}: ${result.cause}`,
      data: { actionId: record.actionId, target: record.target, calls: result.calls, ...(result.status === 'skipped' && result.escalation ? { escalation: result.escalation } : {}) },
    });
  }
  const count = (status: ActionResult['status']) => steps.filter((s) => s.result.status === status).length;
  return { incidentId: incident.incidentId, dryRun: options.dryRun, steps, counts: { done: count('done'), skipped: count('skipped'), failed: count('failed') } };
}
