import { App, Aspects } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromObject } from '../../../lib/config.js';
import { FirebreakStack, type FirebreakStackProps } from '../../../lib/firebreak-stack.js';
import type { PlaybookDefinition } from '../../../lambdas/core/playbooks/playbook-definition.js';

/**
 * A playbook definition of the test's own, so the builder and stack tests do not depend on which definitions the contain
 * engineer ships: one plain step, one optional step, one step behind its own approval.
 */
export const TEST_PLAYBOOK: PlaybookDefinition = {
  id: 'credential-compromise',
  title: 'Credential compromise (test definition)',
  steps: [
    { name: 'DeactivateAccessKeys', actionId: 'iam/deactivate-access-key' },
    { name: 'RevokeRoleSessions', actionId: 'iam/revoke-role-sessions', optional: true },
    { name: 'QuarantineUser', actionId: 'iam/revoke-role-sessions', requiresApproval: true },
  ],
  approvalTimeoutSeconds: 3600,
  onApprovalTimeout: 'escalate',
};

export interface SynthOptions {
  readonly config?: unknown;
  readonly playbooks?: readonly PlaybookDefinition[];
  readonly nag?: boolean;
  readonly props?: Partial<FirebreakStackProps>;
}

/** The Firebreak stack, fast: bundling and CloudFormation validation off (TESTING.md), cdk-nag on request. */
export function synthFirebreak(options: SynthOptions = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new FirebreakStack(app, 'Firebreak', {
    config: configFromObject(options.config ?? {}),
    playbooks: options.playbooks ?? [TEST_PLAYBOOK],
    ...options.props,
  });
  if (options.nag) Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = Template.fromStack(stack);
  return { app, stack, template };
}

/** Logical ids of the resources of one type whose properties match `predicate`. */
export function logicalIds(template: Template, type: string, predicate: (properties: Record<string, unknown>) => boolean = () => true): string[] {
  return Object.entries(template.findResources(type))
    .filter(([, resource]) => predicate((resource as { Properties?: Record<string, unknown> }).Properties ?? {}))
    .map(([id]) => id);
}
