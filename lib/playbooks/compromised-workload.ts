import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * A compromised workload: a Lambda function (throttled to zero), an ECS task (stopped after approval: it cannot be
 * resumed), or a container on an EC2 / EKS node (the node instance is isolated like a compromised instance, evidence
 * first). Each step skips itself when the finding names no such resource.
 */
export const compromisedWorkload: PlaybookDefinition = {
  id: 'compromised-workload',
  title: 'Compromised workload (Lambda, ECS, EKS / EC2 runtime)',
  steps: [
    { name: 'ThrottleFunction', actionId: 'lambda/throttle-function' },
    { name: 'TagNodeInstance', actionId: 'ec2/tag-instance', optional: true },
    { name: 'SnapshotNodeVolumes', actionId: 'ec2/snapshot-volumes', optional: true },
    { name: 'DetachNodeFromAutoScaling', actionId: 'autoscaling/detach-instance' },
    { name: 'IsolateNodeInstance', actionId: 'ec2/isolate-instance' },
    { name: 'StopTask', actionId: 'ecs/stop-task', requiresApproval: true },
  ],
  approvalTimeoutSeconds: 4 * 3600,
  onApprovalTimeout: 'escalate',
};
