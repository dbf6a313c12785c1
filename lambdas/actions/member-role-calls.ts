import type { TargetAccess } from '../aws/clients.js';
import type { ActionResult } from './action.js';
import { awsCall } from './aws-session.js';

/**
 * An action's result in a member account, as the audit trail shows it. A dry run lists the AssumeRole it would make first,
 * as one of its exact calls. A real run's calls are the action's own (the role's credentials are cached across steps, so
 * AssumeRole is not made on every step); the role and session are named in the summary or cause instead.
 */
export function throughMemberRole(result: ActionResult, access: TargetAccess, dryRun: boolean): ActionResult {
  if (access.via !== 'role') return result;
  if (dryRun) {
    return result.status === 'done' && result.calls.length > 0 ? { ...result, calls: [awsCall('sts', 'AssumeRole', access.assumeRole), ...result.calls] } : result;
  }
  const via = ` (as ${access.roleArn}, session ${access.assumeRole.RoleSessionName})`;
  if (result.status === 'done') return { ...result, summary: result.summary + via };
  if (result.status === 'failed') return { ...result, cause: result.cause + via };
  return result;
}
