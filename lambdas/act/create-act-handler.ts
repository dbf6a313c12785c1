import type { AwsClients } from '../aws/clients.js';
import type { FirebreakConfig } from '../core/config/firebreak-config.js';
import { ValidationError } from '../core/errors.js';
import type { ActionRecord, TimelineEntry } from '../core/incidents/incident.js';
import { parseOrThrow } from '../core/zod-issues.js';
import type { ActionRecordWrite } from '../store/incident-repository.js';
import type { ActionContext, ActionLogger, ActionResult, AnyAction } from '../actions/action.js';
import { isThrottlingError, errorMessage } from '../actions/aws-errors.js';
import { throughMemberRole } from '../actions/member-role-calls.js';
import { findAction } from '../actions/registry.js';
import { ActionFailedError, ActionThrottledError } from './act-errors.js';
import { ActPayloadSchema } from './act-payload.js';

/** The part of IncidentRepository the act handler uses (structural, so tests and the local runtime can pass the real one). */
export interface ActRepository {
  /** Refuses to hide a real `done` (its prior state is what rollback restores) and says so. */
  writeActionRecord(incidentId: string, record: ActionRecord): Promise<ActionRecordWrite>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
}

export interface ActHandlerDeps {
  readonly clients: AwsClients;
  readonly repository: ActRepository;
  readonly config: FirebreakConfig;
  readonly now?: () => Date;
  readonly logger?: ActionLogger;
  /** Defaults to the registry; tests may inject a single action. */
  readonly findAction?: (id: string) => AnyAction | undefined;
}

/**
 * The action's result plus what the record Lambda needs to judge the execution: which action, on what, and whether it ran
 * in dry run (the payload's flag OR the global config's, which the execution input does not know about).
 */
export type ActOutcome = ActionResult & {
  readonly actionId: string;
  readonly target: string;
  readonly dryRun: boolean;
  /**
   * A skipped run of an action that an earlier run already carried out for real: that run's change is still in effect and
   * its record (the prior state rollback restores) is kept. This run's result is still what happened in this run.
   */
  readonly earlierChange?: { readonly at: string };
};

export type ActHandler = (payload: unknown) => Promise<ActOutcome>;

function timelineKind(result: ActionResult): string {
  if (result.status === 'skipped') return result.refused ? 'action_refused' : 'action_skipped';
  return result.status === 'done' ? 'action_done' : 'action_failed';
}

function describe(actionId: string, target: string, result: ActionResult): string {
  if (result.status === 'done') return `${actionId} on ${target}: ${result.summary}`;
  if (result.status === 'skipped') return `${actionId} on ${target} skipped: ${result.reason}`;
  return `${actionId} on ${target} failed: ${result.errorName}: ${result.cause}`;
}

/** The real change an earlier run made that this run's skipped/failed result did not replace (see writeActionRecord). */
function earlierChangeKept(write: ActionRecordWrite, result: ActionResult): { at: string } | undefined {
  if (write.written || result.status === 'done' || !write.kept) return undefined;
  return write.kept.status === 'done' && !write.kept.dryRun ? { at: write.kept.at } : undefined;
}

const stillInEffect = (earlier: { at: string }) => `; the change made at ${earlier.at} is still in effect and stays recorded for rollback`;

/**
 * Runs one registered action for an incident: derive and validate its params from the finding, run it (dry-run when
 * the payload or the global config says so), record the action and a timeline entry, return the result to the playbook.
 * Throttling → Firebreak.Throttled (the state machine retries); a failed result → Firebreak.ActionFailed (it is caught and
 * the incident marked containment_failed), after the failure is recorded.
 */
export function createActHandler(deps: ActHandlerDeps): ActHandler {
  const clock = deps.now ?? (() => new Date());
  const lookup = deps.findAction ?? findAction;

  return async (input) => {
    const payload = parseOrThrow(ActPayloadSchema, input, 'act request');
    const action = lookup(payload.actionId);
    if (!action) throw new ValidationError(`act request: unknown action '${payload.actionId}'`);
    const dryRun = payload.dryRun || deps.config.dryRun;
    const now = clock();

    const record = async (target: string, result: ActionResult): Promise<{ at: string } | undefined> => {
      const actionRecord: ActionRecord = {
        actionId: action.id,
        target,
        status: result.status,
        dryRun,
        at: now.toISOString(),
        ...(result.status === 'done' && result.priorState !== undefined ? { priorState: result.priorState } : {}),
        ...(result.status === 'done' && result.appliedState !== undefined ? { appliedState: result.appliedState } : {}),
        ...(result.status === 'skipped' ? { reason: result.reason } : {}),
        ...(result.status === 'failed' ? { reason: `${result.errorName}: ${result.cause}` } : {}),
      };
      const earlier = earlierChangeKept(await deps.repository.writeActionRecord(payload.incidentId, actionRecord), result);
      await deps.repository.appendTimeline(payload.incidentId, {
        actor: 'firebreak',
        kind: timelineKind(result),
        message: describe(action.id, target, result) + (earlier ? stillInEffect(earlier) : ''),
        data: {
          actionId: action.id,
          target,
          dryRun,
          calls: result.calls,
          ...(earlier ? { earlierChange: earlier } : {}),
          ...(result.status === 'done' && result.evidence ? { evidence: result.evidence } : {}),
          ...(result.status === 'skipped' && result.escalation ? { escalation: result.escalation } : {}),
        },
      });
      if (result.status === 'skipped' && result.escalation) {
        await deps.repository.appendTimeline(payload.incidentId, {
          actor: 'firebreak',
          kind: 'escalated',
          message: `${action.id} needs a human: ${result.escalation} (${result.reason})`,
          data: { actionId: action.id, target },
        });
      }
      return earlier;
    };

    const rawParams = payload.params ?? action.paramsFromFinding(payload.finding);
    if (rawParams === undefined) {
      const result: ActionResult = {
        status: 'skipped',
        reason: `not applicable: the finding (${payload.finding.type}) names nothing ${action.id} can act on`,
        calls: [],
      };
      await record('-', result);
      return { ...result, actionId: action.id, target: '-', dryRun };
    }
    const parsed = action.params.safeParse(rawParams);
    if (!parsed.success) {
      const result: ActionResult = {
        status: 'failed',
        cause: `invalid params for ${action.id}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        errorName: 'ValidationError',
        calls: [],
      };
      await record('-', result);
      throw new ActionFailedError(result.cause);
    }
    const params: unknown = parsed.data;
    const target = action.target(params);
    // The session names the incident, so the member account's CloudTrail says which incident each call was for.
    const awsTarget = { accountId: payload.accountId, region: payload.region, session: payload.incidentId };
    const access = deps.clients.access(awsTarget);
    if (access.via === 'refused') {
      // Never with the home credentials: the same names in the wrong account are someone else's resources.
      const result: ActionResult = {
        status: 'skipped',
        reason: access.reason,
        refused: true,
        escalation: `contain it in account ${payload.accountId} by hand, or configure memberAccounts and deploy the member role there`,
        calls: [],
      };
      const earlier = await record(target, result);
      return { ...result, actionId: action.id, target, dryRun, ...(earlier ? { earlierChange: earlier } : {}) };
    }
    const ctx: ActionContext = {
      clients: deps.clients,
      target: awsTarget,
      dryRun,
      incidentId: payload.incidentId,
      allowlists: deps.config.allowlists,
      now,
      ...(deps.logger ? { logger: deps.logger } : {}),
    };

    let result: ActionResult;
    try {
      result = await action.execute(params, ctx);
    } catch (error) {
      if (isThrottlingError(error)) {
        deps.logger?.warn('throttled; the state machine retries', { actionId: action.id, target, error: errorMessage(error) });
        throw new ActionThrottledError(`${action.id} on ${target} throttled: ${errorMessage(error)}`, { cause: error });
      }
      throw error;
    }
    result = throughMemberRole(result, access, dryRun);
    deps.logger?.info('action finished', { actionId: action.id, target, status: result.status, dryRun });
    const earlier = await record(target, result);
    if (earlier) deps.logger?.warn('an earlier run of this action changed the target: its record is kept', { actionId: action.id, target, status: result.status, earlierChangeAt: earlier.at });
    if (result.status === 'failed') {
      // This run failed (the playbook treats it so); the message says what is still in effect from the earlier run.
      throw new ActionFailedError(`${action.id} on ${target} failed: ${result.errorName}: ${result.cause}${earlier ? stillInEffect(earlier) : ''}`);
    }
    return { ...result, actionId: action.id, target, dryRun, ...(earlier ? { earlierChange: earlier } : {}) };
  };
}
