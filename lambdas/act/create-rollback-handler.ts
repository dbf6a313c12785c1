import { rollbackIncident, type RollbackOutcome, type RollbackStep } from '../actions/rollback/rollback-incident.js';
import type { AnyAction } from '../actions/action.js';
import { findAction } from '../actions/registry.js';
import type { AwsClients } from '../aws/clients.js';
import type { FirebreakConfig } from '../core/config/firebreak-config.js';
import type { ActionRecord, Incident, TimelineEntry } from '../core/incidents/incident.js';
import { parseOrThrow } from '../core/zod-issues.js';
import { ActionFailedError } from './act-errors.js';
import { RollbackPayloadSchema } from './act-payload.js';

export interface RollbackHandlerRepository {
  getOrThrow(incidentId: string): Promise<Incident>;
  actions(incidentId: string): Promise<ActionRecord[]>;
  recordAction(incidentId: string, record: ActionRecord): Promise<void>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
}

export interface RollbackHandlerDeps {
  readonly clients: AwsClients;
  readonly repository: RollbackHandlerRepository;
  readonly config: FirebreakConfig;
  readonly now?: () => Date;
  readonly findAction?: (id: string) => AnyAction | undefined;
}

export type RollbackHandler = (payload: unknown) => Promise<RollbackOutcome>;

/**
 * The act Lambda's rollback operation (the rollback state machine's task): undo the incident's containment, last step first,
 * each only where nobody changed it since. The global dryRun still wins. A failed step throws Firebreak.ActionFailed after
 * every step has been tried and recorded, so the state machine escalates.
 */
export function createRollbackHandler(deps: RollbackHandlerDeps): RollbackHandler {
  return async (input) => {
    const request = parseOrThrow(RollbackPayloadSchema, input, 'rollback request');
    const incident = await deps.repository.getOrThrow(request.incidentId);
    const dryRun = request.dryRun || deps.config.dryRun;
    // Read before the rollback: rolled-back records are rewritten, dry-run ones never are (rollbackIncident leaves them out).
    const rehearsed = (await deps.repository.actions(request.incidentId)).filter((record) => record.status === 'done' && record.dryRun);
    const undone = await rollbackIncident({
      clients: deps.clients,
      repository: deps.repository,
      incident,
      actor: request.actor,
      dryRun,
      ...(deps.now ? { now: deps.now } : {}),
      findAction: deps.findAction ?? findAction,
    });
    const outcome = await reportDryRunRecords(deps.repository, undone, rehearsed, request.actor, dryRun);
    if (outcome.counts.failed > 0) {
      const failed = outcome.steps.filter((s) => s.result.status === 'failed').map((s) => `${s.actionId} on ${s.target}`);
      throw new ActionFailedError(`rollback of ${request.incidentId}: ${outcome.counts.failed} step(s) failed (${failed.join(', ')})`);
    }
    return outcome;
  };
}

const DRY_RUN_REASON = 'the action ran in dry run: nothing was changed, nothing to undo';

/**
 * Actions that only ran in dry run changed nothing, so rollback must not touch their targets (their "prior state" was never
 * read, and restoring it could undo a change someone else made). They are listed as skipped steps with the reason, and the
 * timeline says so, so "nothing rolled back" is never a silent answer.
 */
async function reportDryRunRecords(
  repository: RollbackHandlerRepository,
  outcome: RollbackOutcome,
  rehearsed: readonly ActionRecord[],
  actor: string,
  dryRun: boolean,
): Promise<RollbackOutcome> {
  if (rehearsed.length === 0) return outcome;
  const skipped: RollbackStep[] = rehearsed.map((record) => ({
    actionId: record.actionId,
    target: record.target,
    result: { status: 'skipped', reason: DRY_RUN_REASON, calls: [] },
  }));
  if (!dryRun) {
    await repository.appendTimeline(outcome.incidentId, {
      actor,
      kind: 'rollback_skipped',
      message: `did not roll back ${rehearsed.map((record) => `${record.actionId} on ${record.target}`).join('; ')}: ${rehearsed.length === 1 ? 'it' : 'they'} ran in dry run and changed nothing`,
      data: { dryRunOnly: rehearsed.map(({ actionId, target, at }) => ({ actionId, target, at })) },
    });
  }
  return {
    ...outcome,
    steps: [...outcome.steps, ...skipped],
    counts: { ...outcome.counts, skipped: outcome.counts.skipped + skipped.length },
  };
}
