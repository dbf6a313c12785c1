import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { detail, findResource } from '../safety/finding-resources.js';

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
  const resource = findResource(finding, 'AWS::EC2::Instance');
  if (!resource || !InstanceIdSchema.safeParse(resource.plainId).success) return undefined;
  const vpcId = detail(resource, 'vpcId');
  const subnet = detail(resource, 'subnetId');
  return {
    instanceId: resource.plainId,
    ...(typeof vpcId === 'string' ? { vpcId } : {}),
    networkInterfaceIds: strings(detail(resource, 'networkInterfaceIds')),
    subnetIds: [...strings(detail(resource, 'subnetIds')), ...(typeof subnet === 'string' ? [subnet] : [])],
    privateIps: strings(detail(resource, 'privateIps')),
    tags: resource.tags,
  };
}

export const instanceProtection = (p: InstanceParams) => ({ tags: p.tags });

