import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * A compromised EC2 instance. Evidence first and protected (tag, termination protection, snapshots), then out of the
 * fleet without losing it (Auto Scaling detach without decrement, load balancer deregistration), then isolated with its
 * tracked connections cut, its role taken away; stopping it loses memory evidence, so that waits for a responder.
 */
export const compromisedInstance: PlaybookDefinition = {
  id: 'compromised-instance',
  title: 'Compromised EC2 instance',
  steps: [
    { name: 'TagInstance', actionId: 'ec2/tag-instance', optional: true },
    { name: 'EnableTerminationProtection', actionId: 'ec2/enable-termination-protection' },
    { name: 'SnapshotVolumes', actionId: 'ec2/snapshot-volumes', optional: true },
    { name: 'DetachFromAutoScaling', actionId: 'autoscaling/detach-instance' },
    { name: 'DeregisterFromTargetGroups', actionId: 'elbv2/deregister-targets' },
    { name: 'IsolateInstance', actionId: 'ec2/isolate-instance' },
    { name: 'RemoveInstanceProfile', actionId: 'ec2/remove-instance-profile' },
    { name: 'StopInstance', actionId: 'ec2/stop-instance', requiresApproval: true },
  ],
  approvalTimeoutSeconds: 4 * 3600,
  onApprovalTimeout: 'escalate',
};
