import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * An S3 bucket exposed to the internet. Block Public Access first (it overrides any public ACL or policy at once), then
 * remove the public statements so the policy says what is enforced. Turning on account-wide Block Public Access affects
 * every bucket of the account, so that step waits for a responder (and skips itself unless the finding is account-level).
 */
export const dataExposure: PlaybookDefinition = {
  id: 'data-exposure',
  title: 'Exposed S3 data',
  steps: [
    { name: 'BlockBucketPublicAccess', actionId: 's3/block-public-access' },
    { name: 'RemovePublicPolicyStatements', actionId: 's3/remove-public-policy-statements' },
    { name: 'BlockAccountPublicAccess', actionId: 's3/block-account-public-access', requiresApproval: true },
  ],
  approvalTimeoutSeconds: 4 * 3600,
  onApprovalTimeout: 'escalate',
};
