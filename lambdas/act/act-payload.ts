import { z } from 'zod';
import { FindingSchema } from '../core/findings/finding.js';

/**
 * What a playbook Task sends the act Lambda (INTERFACES.md): the action to run and the finding its params derive from.
 * `params` may be given explicitly (CLI, tests); otherwise the action derives them from the finding.
 */
export const ActPayloadSchema = z.object({
  incidentId: z.string().min(1),
  actionId: z.string().min(1),
  dryRun: z.boolean(),
  accountId: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit account id' }),
  region: z.string().min(1),
  finding: FindingSchema,
  params: z.record(z.string(), z.unknown()).optional(),
});
export type ActPayload = z.infer<typeof ActPayloadSchema>;

/**
 * What the rollback state machine sends the act Lambda: undo the incident's containment (lambdas/actions/rollback), with
 * the same "only if nobody changed it since" checks as `firebreak rollback`.
 */
export const RollbackPayloadSchema = z.object({
  operation: z.literal('rollback'),
  incidentId: z.string().min(1),
  dryRun: z.boolean(),
  /** Who asked for it (the StartExecution caller's identity, as the CLI or console passes it). */
  actor: z.string().min(1).default('firebreak'),
});
export type RollbackPayload = z.infer<typeof RollbackPayloadSchema>;
