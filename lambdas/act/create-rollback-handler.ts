import { rollbackIncident, type RollbackOutcome } from '../actions/rollback/rollback-incident.js';
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
    const outcome = await rollbackIncident({
      clients: deps.clients,
      repository: deps.repository,
      incident,
      actor: request.actor,
      dryRun: request.dryRun || deps.config.dryRun,
      ...(deps.now ? { now: deps.now } : {}),
      findAction: deps.findAction ?? findAction,
    });
    if (outcome.counts.failed > 0) {
      const failed = outcome.steps.filter((s) => s.result.status === 'failed').map((s) => `${s.actionId} on ${s.target}`);
      throw new ActionFailedError(`rollback of ${request.incidentId}: ${outcome.counts.failed} step(s) failed (${failed.join(', ')})`);
    }
    return outcome;
  };
}
