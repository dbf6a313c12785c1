import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * A leaked or misused IAM credential (the SecOps brief's flow): contain the credential first, cut the sessions minted from
 * it, gather the evidence while it is fresh, then (after a responder approves) force a new console password. Each step
 * skips itself when the finding's principal is not its kind (a user key vs. a role session), so one playbook serves both.
 * The builder adds the notification and the report on the incident (RecordOutcome records what every step did, or that it was a dry run).
 */
export const credentialCompromise: PlaybookDefinition = {
  id: 'credential-compromise',
  title: 'Compromised IAM credentials',
  steps: [
    { name: 'DeactivateAccessKey', actionId: 'iam/deactivate-access-key' },
    { name: 'RevokeUserSessions', actionId: 'iam/revoke-user-sessions' },
    { name: 'RevokeRoleSessions', actionId: 'iam/revoke-role-sessions' },
    { name: 'GatherEvidence', actionId: 'cloudtrail/gather-principal-activity', optional: true },
    { name: 'ForcePasswordReset', actionId: 'iam/force-password-reset', requiresApproval: true },
  ],
  approvalTimeoutSeconds: 4 * 3600,
  onApprovalTimeout: 'escalate',
};
