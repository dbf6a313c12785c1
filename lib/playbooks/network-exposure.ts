import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/** A security group opened to the internet (CloudTrail AuthorizeSecurityGroupIngress, Security Hub EC2.x, a GuardDuty port probe). */
export const networkExposure: PlaybookDefinition = {
  id: 'network-exposure',
  title: 'Security group open to the internet',
  steps: [{ name: 'RevokeWorldOpenIngress', actionId: 'ec2/revoke-world-open-ingress' }],
  approvalTimeoutSeconds: 4 * 3600,
  onApprovalTimeout: 'escalate',
};
