import type { z } from 'zod';
import type { AwsClients, AwsTarget, ClientName } from '../aws/clients.js';
import type { FirebreakConfig } from '../core/config/firebreak-config.js';
import type { Finding } from '../core/findings/finding.js';
import type { ActionRecord } from '../core/incidents/incident.js';

/** One AWS API call, as made or as it would be made in dry-run: the audit trail a responder reads. */
export interface AwsCall {
  /** The AwsClients name of the service (`iam`, `ec2`, `autoScaling` ...). */
  service: ClientName | string;
  /** The API operation, e.g. `UpdateAccessKey`. */
  operation: string;
  params: Record<string, unknown>;
}

/**
 * Three states. `skipped` covers "not applicable", "already contained by someone else" and refusals; a refusal
 * (allowlist, protected resource, a role we must not touch) carries `refused: true` and, when a human must act
 * instead, `escalation`. Read-only steps (evidence gathering) put what they found in `evidence` (kept small: it travels in
 * the Step Functions payload and onto the incident timeline).
 */
export type ActionResult =
  | { status: 'done'; summary: string; calls: AwsCall[]; priorState?: unknown; appliedState?: unknown; evidence?: Record<string, unknown> }
  | { status: 'skipped'; reason: string; calls: AwsCall[]; refused?: boolean; escalation?: string }
  | { status: 'failed'; cause: string; errorName: string; calls: AwsCall[] };

/** An IAM statement the act Lambda needs for an action; infra builds the least-privilege policy from the union. */
export interface ActionPermission {
  readonly actions: readonly string[];
  readonly resources?: readonly string[];
  /** IAM condition block, e.g. `{ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }` for iam:PassRole. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export type Allowlists = FirebreakConfig['allowlists'];

/** Minimal logger surface, so tests and the local runtime can pass anything that logs. */
export interface ActionLogger {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

/** Everything an action may touch is injected here; actions never create clients or read the clock themselves. */
export interface ActionContext {
  readonly clients: AwsClients;
  /** Account and region the action runs against (the finding's). */
  readonly target: AwsTarget;
  readonly dryRun: boolean;
  readonly incidentId: string;
  readonly allowlists: Allowlists;
  readonly now: Date;
  readonly logger?: ActionLogger;
}

export interface ActionDefinition<P> {
  /** `<service>/<action>`, e.g. `iam/deactivate-access-key`; also the file path under lambdas/actions. */
  readonly id: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Every IAM action the code below may call, and nothing more (a meta-test checks both directions). */
  readonly permissions: readonly ActionPermission[];
  /** True when it changes something a workload may depend on (all containment); false for read-only evidence/notify steps. */
  readonly destructive: boolean;
  /** Params derived from a normalized finding; undefined when the action does not apply to it. */
  paramsFromFinding(finding: Finding): P | undefined;
  /** The thing changed, stable across runs (the action record key together with the action id). */
  target(params: P): string;
  /** The calls `execute` would make, exactly; what dry-run returns. Makes no call. */
  plan(params: P, ctx: ActionContext): AwsCall[];
  /** Runs it (or, with ctx.dryRun, returns the plan and makes no call). Throttling errors propagate; others become `failed`. */
  execute(params: P, ctx: ActionContext): Promise<ActionResult>;
  /** Restores `record.priorState` if nobody changed the target since (compared with `record.appliedState`). */
  rollback(record: ActionRecord, ctx: ActionContext): Promise<ActionResult>;
  /** The calls `rollback` would make for this record; what a dry-run rollback returns. */
  rollbackPlan(record: ActionRecord, ctx: ActionContext): AwsCall[];
}

// The registry holds actions of different param types; callers validate params with `action.params` first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = ActionDefinition<any>;
