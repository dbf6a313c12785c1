import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { ActionContext } from '../action.js';
import { isNotFoundError } from '../aws-errors.js';
import { refused, type Outcome } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

/** Describes the instance; gone or terminated → skipped; protected by a live tag → refused. */
export async function liveInstanceOrOutcome(ec2: EC2Client, instanceId: string, ctx: ActionContext): Promise<{ instance: Instance } | { outcome: Outcome }> {
  let instance: Instance | undefined;
  try {
    const reservations = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations ?? [];
    instance = reservations.flatMap((r) => r.Instances ?? [])[0];
  } catch (error) {
    if (isNotFoundError(error)) return { outcome: { status: 'skipped', reason: `instance ${instanceId} does not exist (InvalidInstanceID.NotFound): nothing to contain` } };
    throw error;
  }
  if (!instance) return { outcome: { status: 'skipped', reason: `instance ${instanceId} does not exist: nothing to contain` } };
  const state = instance.State?.Name;
  if (state === 'terminated' || state === 'shutting-down') return { outcome: { status: 'skipped', reason: `instance ${instanceId} is ${state}: nothing to contain` } };
  const reason = refusalReason({ tags: tagRecord(instance.Tags) }, ctx.allowlists);
  return reason ? { outcome: refused(`instance ${instanceId}: ${reason}`) } : { instance };
}
