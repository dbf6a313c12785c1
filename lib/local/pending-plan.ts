import type { AwsCall } from '../../lambdas/actions/action.js';
import { awsCall } from '../../lambdas/actions/aws-session.js';
import { findAction } from '../../lambdas/actions/registry.js';
import type { AwsClients } from '../../lambdas/aws/clients.js';
import type { FirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import type { Incident } from '../../lambdas/core/incidents/incident.js';
import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/** One playbook step as it would run once the pending approval is given. */
export interface PlannedStep {
  readonly step: string;
  readonly actionId: string;
  /**
   * `planned`: these exact calls; `not-applicable`: the action does not apply to this finding (it will skip itself);
   * `refused`: the finding's account cannot be reached (another account without memberAccounts, or one not allowed).
   */
  readonly status: 'planned' | 'not-applicable' | 'unknown-action' | 'refused';
  readonly calls: readonly AwsCall[];
  /** Why, when refused. */
  readonly reason?: string;
  readonly requiresApproval: boolean;
}

/**
 * What approving would do: the playbook's steps from the waiting gate on (`ApprovalGate` → all of them, `Approve<Step>` →
 * that step and the ones after it), each with the exact calls its action plans for the incident's finding. Planning makes
 * no call (ActionDefinition.plan), so this is safe to show before anyone decides.
 */
export function planAfterGate(
  playbook: PlaybookDefinition,
  gateStateName: string,
  incident: Incident,
  context: { clients: AwsClients; config: FirebreakConfig; now: Date },
): PlannedStep[] {
  const gatedStep = gateStateName.startsWith('Approve') ? gateStateName.slice('Approve'.length) : undefined;
  const from = gatedStep ? playbook.steps.findIndex((step) => step.name === gatedStep) : 0;
  const finding = incident.primaryFinding;
  return playbook.steps.slice(Math.max(from, 0)).map((step) => {
    const requiresApproval = step.requiresApproval === true && step.name !== gatedStep;
    const action = findAction(step.actionId);
    if (!action) return { step: step.name, actionId: step.actionId, status: 'unknown-action', calls: [], requiresApproval };
    const params = action.paramsFromFinding(finding);
    if (params === undefined) return { step: step.name, actionId: step.actionId, status: 'not-applicable', calls: [], requiresApproval };
    // As the act handler: the member account's role is assumed first (or the account refused) before any action call.
    const target = { accountId: finding.accountId, region: finding.region, session: incident.incidentId };
    const access = context.clients.access(target);
    if (access.via === 'refused') return { step: step.name, actionId: step.actionId, status: 'refused', calls: [], reason: access.reason, requiresApproval };
    const calls = action.plan(params, {
      clients: context.clients,
      target,
      dryRun: true,
      incidentId: incident.incidentId,
      allowlists: context.config.allowlists,
      now: context.now,
    });
    const assumeRole = access.via === 'role' && calls.length > 0 ? [awsCall('sts', 'AssumeRole', access.assumeRole)] : [];
    return { step: step.name, actionId: step.actionId, status: 'planned', calls: [...assumeRole, ...calls], requiresApproval };
  });
}
