import { z } from 'zod';
import { FindingSchema } from './findings/finding.js';

/**
 * What the detect Lambda starts a playbook execution with, and what every Task in a playbook receives as `$.incident`.
 * Kept small: Step Functions payloads are limited to 256 KB.
 */
export const PlaybookInputSchema = z.object({
  incidentId: z.string(),
  accountId: z.string(),
  region: z.string(),
  playbook: z.string(),
  mode: z.enum(['auto', 'approve', 'notify']),
  dryRun: z.boolean(),
  finding: FindingSchema,
});
export type PlaybookInput = z.infer<typeof PlaybookInputSchema>;

/** Payload of the act Lambda: run one registered action for an incident. */
export const ActRequestSchema = z.object({
  incidentId: z.string(),
  actionId: z.string(),
  params: z.record(z.string(), z.unknown()),
  dryRun: z.boolean(),
  accountId: z.string(),
  region: z.string(),
});
export type ActRequest = z.infer<typeof ActRequestSchema>;

/**
 * Every Lambda carries env FIREBREAK_FUNCTION=<kind>. The local runtime maps a Task's FunctionName → template logical id
 * → this kind → the in-process handler, so the synthesized state machine runs unchanged on a laptop.
 */
export const FUNCTION_KINDS = ['detect', 'act', 'notify', 'approval-request', 'approve', 'record', 'sla'] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];
