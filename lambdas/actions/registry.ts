import type { ActionPermission, AnyAction } from './action.js';
import { detachFromAutoScaling } from './autoscaling/detach-instance.js';
import { gatherPrincipalActivity } from './cloudtrail/gather-principal-activity.js';
import { startLogging } from './cloudtrail/start-logging.js';
import { startRecorder } from './config/start-recorder.js';
import { denyIpInNetworkAcl } from './ec2/deny-ip-in-network-acl.js';
import { enableFlowLogs } from './ec2/enable-flow-logs.js';
import { stopTask } from './ecs/stop-task.js';
import { enableDetector } from './guardduty/enable-detector.js';
import { throttleFunction } from './lambda/throttle-function.js';
import { enableHub } from './securityhub/enable-hub.js';
import { blockIp } from './wafv2/block-ip.js';
import { enableTerminationProtection } from './ec2/enable-termination-protection.js';
import { isolateInstance } from './ec2/isolate-instance.js';
import { removeInstanceProfile } from './ec2/remove-instance-profile.js';
import { snapshotVolumes } from './ec2/snapshot-volumes.js';
import { stopInstance } from './ec2/stop-instance.js';
import { tagInstance } from './ec2/tag-instance.js';
import { revokeWorldOpenIngress } from './ec2/revoke-world-open-ingress.js';
import { deregisterTargets } from './elbv2/deregister-targets.js';
import { blockAccountPublicAccess } from './s3/block-account-public-access.js';
import { blockBucketPublicAccess } from './s3/block-public-access.js';
import { removePublicPolicyStatements } from './s3/remove-public-policy-statements.js';
import { deactivateAccessKey } from './iam/deactivate-access-key.js';
import { forcePasswordReset } from './iam/force-password-reset.js';
import { quarantineUser } from './iam/quarantine-user.js';
import { removeConsoleAccess } from './iam/remove-console-access.js';
import { revokeRoleSessions } from './iam/revoke-role-sessions.js';
import { revokeUserSessions } from './iam/revoke-user-sessions.js';

/** Every containment action. The act Lambda dispatches on `id`; infra builds its IAM policy from the union of `permissions`. */
export const ACTIONS: readonly AnyAction[] = [
  // IAM
  deactivateAccessKey,
  revokeUserSessions,
  revokeRoleSessions,
  forcePasswordReset,
  removeConsoleAccess,
  quarantineUser,
  // EC2 instance
  tagInstance,
  enableTerminationProtection,
  snapshotVolumes,
  detachFromAutoScaling,
  deregisterTargets,
  isolateInstance,
  removeInstanceProfile,
  stopInstance,
  // S3
  blockBucketPublicAccess,
  removePublicPolicyStatements,
  blockAccountPublicAccess,
  // Network
  revokeWorldOpenIngress,
  blockIp,
  denyIpInNetworkAcl,
  // Logging and defenses
  startLogging,
  enableDetector,
  enableHub,
  startRecorder,
  enableFlowLogs,
  // Workloads
  throttleFunction,
  stopTask,
  // Evidence
  gatherPrincipalActivity,
];

const BY_ID: ReadonlyMap<string, AnyAction> = new Map(ACTIONS.map((action) => [action.id, action]));

export function findAction(id: string): AnyAction | undefined {
  return BY_ID.get(id);
}

export function actionIds(): string[] {
  return ACTIONS.map((action) => action.id);
}

/** Union of every action's permissions, one statement per distinct resource set and condition, actions sorted and de-duplicated. */
export function actionPermissions(actions: readonly AnyAction[] = ACTIONS): ActionPermission[] {
  const byScope = new Map<string, Set<string>>();
  for (const action of actions) {
    for (const permission of action.permissions) {
      const key = JSON.stringify([[...(permission.resources ?? ['*'])].sort(), permission.conditions ?? null]);
      const set = byScope.get(key) ?? new Set<string>();
      permission.actions.forEach((a) => set.add(a));
      byScope.set(key, set);
    }
  }
  return [...byScope.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, set]) => {
      const [resources, conditions] = JSON.parse(key) as [string[], ActionPermission['conditions'] | null];
      return { actions: [...set].sort(), resources, ...(conditions ? { conditions } : {}) };
    });
}
