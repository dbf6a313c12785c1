import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * Someone turned a defense off (CloudTrail, GuardDuty, Security Hub, AWS Config, VPC flow logs). Each step restores the
 * one the finding is about and skips itself otherwise; none of them is ever undone by a rollback. They are optional:
 * a defense that cannot be restored (e.g. a deleted recorder) is escalated without stopping the others.
 */
export const defenseTampering: PlaybookDefinition = {
  id: 'defense-tampering',
  title: 'Logging or security service disabled',
  steps: [
    { name: 'RestartCloudTrailLogging', actionId: 'cloudtrail/start-logging', optional: true },
    { name: 'EnableGuardDuty', actionId: 'guardduty/enable-detector', optional: true },
    { name: 'EnableSecurityHub', actionId: 'securityhub/enable-hub', optional: true },
    { name: 'StartConfigRecording', actionId: 'config/start-recorder', optional: true },
    { name: 'EnableFlowLogs', actionId: 'ec2/enable-flow-logs', optional: true },
  ],
  approvalTimeoutSeconds: 3600,
  onApprovalTimeout: 'escalate',
};
