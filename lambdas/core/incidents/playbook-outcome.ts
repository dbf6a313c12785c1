import { z } from 'zod';
import type { ActionRecord } from './incident.js';

/**
 * What a playbook execution that reached its end actually did: contained something, or only rehearsed (dry run).
 *
 * The state machine cannot know: the global config `dryRun` is applied inside the act Lambda, not in the execution input.
 * So the record Lambda decides from what the act Lambda reported for each step of THIS execution (`$.results.<Step>.result`
 * carries the action, its target and whether it ran in dry run) and checks every step that claims a real change against the
 * incident's action record — the record rollback relies on — before it calls the incident contained.
 */

const CallSchema = z.object({ service: z.string(), operation: z.string(), params: z.record(z.string(), z.unknown()) });

/** One step's act result as the act Lambda returns it (lambdas/act/create-act-handler.ts, `ActOutcome`). */
const StepResultSchema = z.object({
  actionId: z.string(),
  target: z.string(),
  dryRun: z.boolean(),
  status: z.enum(['done', 'skipped', 'failed']),
  summary: z.string().optional(),
  reason: z.string().optional(),
  calls: z.array(CallSchema).default([]),
});

export interface StepReport {
  readonly step: string;
  readonly actionId: string;
  readonly target: string;
  readonly status: 'done' | 'skipped' | 'failed';
  readonly dryRun: boolean;
  /** The summary of a done step, the reason of a skipped one. */
  readonly detail?: string;
  readonly calls: readonly z.infer<typeof CallSchema>[];
}

/**
 * The steps of `$.results` (`{ <Step>: { result: <act result> } }`). Entries without an act result (an optional step's caught
 * error `{Error, Cause}`, or results of an older act Lambda) are left out: they changed nothing anyone can vouch for.
 */
export function stepReports(results: unknown): StepReport[] {
  if (!results || typeof results !== 'object') return [];
  const reports: StepReport[] = [];
  for (const [step, value] of Object.entries(results as Record<string, unknown>)) {
    const parsed = StepResultSchema.safeParse((value as { result?: unknown } | null)?.result);
    if (!parsed.success) continue;
    const { actionId, target, status, dryRun, calls, summary, reason } = parsed.data;
    const detail = status === 'done' ? summary : reason;
    reports.push({ step, actionId, target, status, dryRun, calls, ...(detail !== undefined ? { detail } : {}) });
  }
  return reports;
}

export type PlaybookOutcome =
  | {
      /** At least one step changed something for real (its action record says so). */
      readonly kind: 'contained';
      readonly real: readonly StepReport[];
      /** Steps of the same run that only rehearsed (a mixed run): not contained by them. */
      readonly dryRunOnly: readonly StepReport[];
      /**
       * Steps the act Lambda reports as a real change that the incident's action records do not show (a record overwritten
       * since): the change was made, but rollback has no record of it. Named on the timeline.
       */
      readonly unconfirmed: readonly StepReport[];
    }
  | {
      /** Every step that ran, ran in dry run: nothing changed. */
      readonly kind: 'dry_run';
      readonly wouldHave: readonly StepReport[];
      readonly skipped: readonly StepReport[];
    }
  | {
      /** No step changed anything and none was a dry run (every step skipped: not applicable, already contained elsewhere). */
      readonly kind: 'nothing_to_change';
    };

const recordKey = (actionId: string, target: string) => `${actionId}\u0000${target}`;

/**
 * Decides the outcome of an execution from its step reports and the incident's action records.
 * Without step reports (an execution of an older definition), the records alone decide: dry run when every `done`
 * record is a dry run.
 */
export function decidePlaybookOutcome(steps: readonly StepReport[], records: readonly ActionRecord[]): PlaybookOutcome {
  const byKey = new Map(records.map((record) => [recordKey(record.actionId, record.target), record]));
  if (steps.length === 0) {
    const done = records.filter((record) => record.status === 'done');
    if (done.length > 0 && done.every((record) => record.dryRun)) {
      return { kind: 'dry_run', wouldHave: done.map(reportOfRecord), skipped: [] };
    }
    return done.length > 0 ? { kind: 'contained', real: done.map(reportOfRecord), dryRunOnly: [], unconfirmed: [] } : { kind: 'nothing_to_change' };
  }
  const doneSteps = steps.filter((step) => step.status === 'done');
  const dryRunOnly = doneSteps.filter((step) => step.dryRun);
  const claimedReal = doneSteps.filter((step) => !step.dryRun);
  const isConfirmed = (step: StepReport) => {
    const record = byKey.get(recordKey(step.actionId, step.target));
    return record !== undefined && record.status === 'done' && !record.dryRun;
  };
  const real = claimedReal.filter(isConfirmed);
  const unconfirmed = claimedReal.filter((step) => !isConfirmed(step));
  if (real.length > 0 || unconfirmed.length > 0) return { kind: 'contained', real, dryRunOnly, unconfirmed };
  if (steps.some((step) => step.dryRun)) return { kind: 'dry_run', wouldHave: dryRunOnly, skipped: steps.filter((step) => step.status === 'skipped') };
  return { kind: 'nothing_to_change' };
}

function reportOfRecord(record: ActionRecord): StepReport {
  return { step: record.actionId, actionId: record.actionId, target: record.target, status: 'done', dryRun: record.dryRun, calls: [] };
}

/** `iam/deactivate-access-key on user/alice/access-key/AKIA… (iam UpdateAccessKey)` */
export function describeStep(step: StepReport): string {
  const calls = step.calls.map((call) => `${call.service} ${call.operation}`);
  return `${step.actionId} on ${step.target}${calls.length > 0 ? ` (${calls.join(', ')})` : ''}`;
}
