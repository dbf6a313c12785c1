import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import type { ActionContext } from '../action.js';
import { isNotFoundError } from '../aws-errors.js';
import { refused, type Outcome } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

export const InstanceIdSchema = z.string().regex(/^i-[0-9a-f]{8,17}$/, { message: 'expected an EC2 instance id (i-...)' });

/** Params of every action on one EC2 instance; what the finding knows, the action re-reads live before it changes anything. */
export const InstanceParamsSchema = z.strictObject({
  instanceId: InstanceIdSchema,
  vpcId: z.string().optional(),
  networkInterfaceIds: z.array(z.string()).default([]),
  subnetIds: z.array(z.string()).default([]),
  privateIps: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.string()).default({}),
});
export type InstanceParams = z.infer<typeof InstanceParamsSchema>;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The instance named by a finding (GuardDuty EC2/Runtime findings, and EKS/ECS findings that name their node). */
export function instanceFromFinding(finding: Finding): InstanceParams | undefined {
  const resource = finding.resources.find((r) => r.type === 'AWS::EC2::Instance');
  if (!resource || !InstanceIdSchema.safeParse(resource.id).success) return undefined;
  const details = resource.details;
  return {
    instanceId: resource.id,
    ...(typeof details.vpcId === 'string' ? { vpcId: details.vpcId } : {}),
    networkInterfaceIds: strings(details.networkInterfaceIds),
    subnetIds: strings(details.subnetIds),
    privateIps: strings(details.privateIps),
    tags: resource.tags,
  };
}

export const instanceProtection = (p: InstanceParams) => ({ tags: p.tags });

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
