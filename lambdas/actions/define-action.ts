import type { z } from 'zod';
import type { Finding } from '../core/findings/finding.js';
import type { ActionRecord } from '../core/incidents/incident.js';
import type { ActionContext, ActionDefinition, ActionPermission, ActionResult, AwsCall } from './action.js';
import { errorMessage, errorName, isThrottlingError } from './aws-errors.js';
import { AwsSession } from './aws-session.js';
import { refusalReason, type ProtectionSubject } from './safety/protection.js';

/** What an action's own code returns; the wrapper adds the recorded calls. */
export type Outcome =
  | { status: 'done'; summary: string; priorState?: unknown; appliedState?: unknown; evidence?: Record<string, unknown> }
  | { status: 'skipped'; reason: string; refused?: boolean; escalation?: string }
  | { status: 'failed'; cause: string; errorName: string };

/** The parts an action author writes. Everything every action must do the same way (dry-run, refusals, errors) is in `defineAction`. */
export interface ActionSpec<P> {
  readonly id: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  readonly permissions: readonly ActionPermission[];
  readonly destructive: boolean;
  paramsFromFinding(finding: Finding): P | undefined;
  target(params: P): string;
  /** Checked before anything else, in dry-run too: what the finding already says about the subject. */
  protection?(params: P): ProtectionSubject;
  /** Refusals that need no AWS call (e.g. a service-linked role by its ARN); in dry-run too. */
  precheck?(params: P, ctx: ActionContext): Outcome | undefined;
  plan(params: P, ctx: ActionContext): AwsCall[];
  /** The real run. May refuse again with live facts (tags, paths) it reads first. */
  apply(params: P, ctx: ActionContext, aws: AwsSession): Promise<Outcome>;
  rollbackPlan(record: ActionRecord, ctx: ActionContext): AwsCall[];
  /** The real rollback: check the target still is as `record.appliedState` says, then restore `record.priorState`. */
  revert(record: ActionRecord, ctx: ActionContext, aws: AwsSession): Promise<Outcome>;
}

function withCalls(outcome: Outcome, calls: AwsCall[]): ActionResult {
  return { ...outcome, calls } as ActionResult;
}

/** Runs `body`, turning any non-throttling error into `failed`; throttling propagates so Step Functions retries with backoff. */
async function guarded(aws: AwsSession, body: () => Promise<Outcome>): Promise<ActionResult> {
  try {
    return withCalls(await body(), aws.calls);
  } catch (error) {
    if (isThrottlingError(error)) throw error;
    return { status: 'failed', cause: errorMessage(error), errorName: errorName(error), calls: aws.calls };
  }
}

export function refused(reason: string, escalation?: string): Outcome {
  return escalation ? { status: 'skipped', reason: `refused: ${reason}`, refused: true, escalation } : { status: 'skipped', reason: `refused: ${reason}`, refused: true };
}

export function defineAction<P>(spec: ActionSpec<P>): ActionDefinition<P> {
  return {
    id: spec.id,
    description: spec.description,
    params: spec.params,
    permissions: spec.permissions,
    destructive: spec.destructive,
    paramsFromFinding: (finding) => spec.paramsFromFinding(finding),
    target: (params) => spec.target(params),
    plan: (params, ctx) => spec.plan(params, ctx),
    rollbackPlan: (record, ctx) => spec.rollbackPlan(record, ctx),

    async execute(params, ctx) {
      const refusal = spec.protection ? refusalReason(spec.protection(params), ctx.allowlists) : undefined;
      if (refusal) return withCalls(refused(refusal), []);
      const early = spec.precheck?.(params, ctx);
      if (early) return withCalls(early, []);
      if (ctx.dryRun) return { status: 'done', summary: `dry run: ${spec.description}`, calls: spec.plan(params, ctx) };
      const aws = new AwsSession(ctx);
      return guarded(aws, () => spec.apply(params, ctx, aws));
    },

    async rollback(record, ctx) {
      if (record.actionId !== spec.id) {
        return { status: 'failed', cause: `record of ${record.actionId} given to ${spec.id}`, errorName: 'ValidationError', calls: [] };
      }
      if (record.dryRun) return { status: 'skipped', reason: 'the action ran in dry-run: nothing was changed', calls: [] };
      if (record.status !== 'done') return { status: 'skipped', reason: `the action ended ${record.status}: nothing to restore`, calls: [] };
      if (ctx.dryRun) return { status: 'done', summary: `dry run: roll back ${spec.id} on ${record.target}`, calls: spec.rollbackPlan(record, ctx) };
      const aws = new AwsSession(ctx);
      return guarded(aws, () => spec.revert(record, ctx, aws));
    },
  };
}
