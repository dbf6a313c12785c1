import { z } from 'zod';
import { PlaybookIdSchema } from '../config/firebreak-config.js';
import { parseOrThrow } from '../zod-issues.js';

/**
 * A playbook is data: an ordered list of containment steps, each running one registered action through the act Lambda.
 * lib/playbooks/playbook-state-machine.ts turns it into a Step Functions state machine; tests and the CLI read it as is.
 */

/** State names the builder uses itself; a step may not take one. */
export const RESERVED_STATE_NAMES = [
  'ChooseMode', 'UnknownMode', 'NotifyOnly', 'NotifiedOnly', 'ApprovalGate', 'MarkContained', 'NotifyContained', 'Contained',
  'RecordOutcome', 'ChooseOutcome', 'NotifyDryRun', 'DryRunCompleted',
  'MarkContainmentFailed', 'Escalate', 'ContainmentFailed', 'RecordRejected', 'NotifyRejected', 'Rejected',
  'RecordApprovalTimeout', 'EscalateApprovalTimeout', 'ApprovalTimedOut',
] as const;

export const PlaybookStepSchema = z.strictObject({
  /** State name, PascalCase (e.g. `DeactivateAccessKeys`); results land under `$.results.<name>`. */
  name: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]{0,63}$/, { message: 'expected a PascalCase state name (letters and digits, at most 64)' })
    .refine((name) => !(RESERVED_STATE_NAMES as readonly string[]).includes(name) && !/^(Approve|Light)[A-Z0-9]/.test(name), {
      message: `is reserved (builder states: ${RESERVED_STATE_NAMES.join(', ')}, Approve*, Light*)`,
    }),
  /** Id of an action in lambdas/actions/registry.ts. */
  actionId: z.string().min(1),
  /** Ask a responder before this step, whatever the playbook mode (e.g. stopping an instance). */
  requiresApproval: z.boolean().optional(),
  /** A failure of this step is recorded under `$.results.<name>` and the playbook goes on (evidence gathering, tagging). */
  optional: z.boolean().optional(),
  /**
   * Light containment: reversible and safe to apply without a human (e.g. deactivate an access key). With
   * `onApprovalTimeout: 'contain-light'`, these steps run when an approval is not answered in time.
   */
  light: z.boolean().optional(),
});
export type PlaybookStep = z.infer<typeof PlaybookStepSchema>;

/**
 * What happens when nobody answers an approval in time; both record `approval_timeout` and send an escalation first.
 * `escalate`: change nothing more. `contain-light`: then run the steps marked `light` (states `Light<Step>`) and mark the
 * incident contained, so an unanswered page still stops a leaked key while the heavier steps wait for a human.
 */
export const ApprovalTimeoutPolicySchema = z.enum(['escalate', 'contain-light']);
export type ApprovalTimeoutPolicy = z.infer<typeof ApprovalTimeoutPolicySchema>;

export const PlaybookDefinitionSchema = z
  .strictObject({
    id: PlaybookIdSchema,
    title: z.string().min(1),
    steps: z.array(PlaybookStepSchema).min(1, { message: 'a playbook needs at least one step' }),
    /** How long an approval gate waits (Step Functions task TimeoutSeconds): 1 minute to 7 days. */
    approvalTimeoutSeconds: z.number().int().min(60).max(7 * 24 * 3600),
    onApprovalTimeout: ApprovalTimeoutPolicySchema,
  })
  .superRefine((definition, ctx) => {
    if (definition.onApprovalTimeout === 'contain-light' && !definition.steps.some((step) => step.light)) {
      ctx.addIssue({ code: 'custom', path: ['onApprovalTimeout'], message: "'contain-light' needs at least one step with light: true" });
    }
    definition.steps.forEach((step, index) => {
      if (step.light && step.requiresApproval) {
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'light'], message: 'a light step runs without approval: it cannot also require one' });
      }
    });
    const seen = new Set<string>();
    definition.steps.forEach((step, index) => {
      if (seen.has(step.name)) ctx.addIssue({ code: 'custom', path: ['steps', index, 'name'], message: `duplicate step name '${step.name}'` });
      seen.add(step.name);
    });
  });
export type PlaybookDefinition = z.infer<typeof PlaybookDefinitionSchema>;

/** Validates a definition; throws a ValidationError naming the playbook and each bad field. */
export function parsePlaybookDefinition(input: unknown): PlaybookDefinition {
  const id = (input as { id?: unknown } | undefined)?.id;
  return parseOrThrow(PlaybookDefinitionSchema, input, `playbook definition ${typeof id === 'string' ? id : '(no id)'}`);
}
