import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';

/** Per VPC: a group with no rules at all, and a transit group that allows everything (so tracked flows become untracked). */
export const ISOLATION_GROUP_NAME = 'firebreak-isolation';
export const TRANSIT_GROUP_NAME = 'firebreak-isolation-transit';

const ALL_TRAFFIC: IpPermission[] = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];
const DEFAULT_EGRESS: IpPermission[] = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

const PriorStateSchema = z.object({
  instanceId: z.string(),
  vpcId: z.string(),
  networkInterfaces: z.array(z.object({ id: z.string(), groups: z.array(z.string()) })),
});
const AppliedStateSchema = z.object({ isolationGroupId: z.string() });

const placeholder = (name: string, vpcId: string | undefined) => `{${name}:${vpcId ?? 'vpc-of-instance'}}`;

function createGroupCalls(name: string, vpcId: string, incidentId: string, description: string) {
  return {
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    TagSpecifications: [{ ResourceType: 'security-group' as const, Tags: [{ Key: 'firebreak:managed', Value: 'isolation' }, { Key: 'firebreak:created-for', Value: incidentId }] }],
  };
}

/** Finds the VPC's group by name or creates it exactly as isolation needs it; a concurrent creation is re-read, not failed. */
async function ensureGroup(ec2: EC2Client, name: string, vpcId: string, incidentId: string): Promise<string> {
  const find = async () =>
    (
      await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: [name] }] }))
    ).SecurityGroups?.[0]?.GroupId;
  const existing = await find();
  if (existing) return existing;
  const isolation = name === ISOLATION_GROUP_NAME;
  const description = isolation
    ? 'Firebreak isolation: no inbound or outbound rules'
    : 'Firebreak isolation transit: all traffic, so tracked connections become untracked before isolation';
  let groupId: string | undefined;
  try {
    groupId = (await ec2.send(new CreateSecurityGroupCommand(createGroupCalls(name, vpcId, incidentId, description)))).GroupId;
  } catch (error) {
    if ((error as Error).name !== 'InvalidGroup.Duplicate') throw error;
    const raced = await find();
    if (raced) return raced;
    throw error;
  }
  if (!groupId) throw new Error(`CreateSecurityGroup returned no GroupId for ${name} in ${vpcId}`);
  // A new group allows all egress by default: isolation removes it; transit adds the inbound and IPv6 halves.
  if (isolation) {
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: DEFAULT_EGRESS }));
  } else {
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: ALL_TRAFFIC }));
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
  }
  return groupId;
}

/**
 * Network isolation that also cuts established sessions. Changing security groups does not end tracked connections, so
 * every ENI first moves to a transit group that allows all traffic both ways (its flows become untracked), then to a group
 * with no rules (untracked flows are dropped at once). The previous groups of each ENI are recorded for rollback.
 */
export const isolateInstance = defineAction<InstanceParams>({
  id: 'ec2/isolate-instance',
  description: 'move every network interface of the instance to a no-rules isolation security group (via an all-traffic transit group, to cut tracked connections)',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [
    {
      actions: [
        'ec2:DescribeInstances',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeNetworkInterfaces',
        'ec2:CreateSecurityGroup',
        'ec2:CreateTags',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:ModifyNetworkInterfaceAttribute',
      ],
      resources: ['*'],
    },
  ],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/network`,
  protection: instanceProtection,
  plan(p, ctx) {
    const transit = placeholder(TRANSIT_GROUP_NAME, p.vpcId);
    const isolation = placeholder(ISOLATION_GROUP_NAME, p.vpcId);
    const vpcId = p.vpcId ?? 'vpc-of-instance';
    const enis = p.networkInterfaceIds.length > 0 ? p.networkInterfaceIds : [`{network-interfaces-of:${p.instanceId}}`];
    return [
      // Only when the VPC has no isolation groups yet (they are created once per VPC and reused).
      awsCall('ec2', 'CreateSecurityGroup', createGroupCalls(TRANSIT_GROUP_NAME, vpcId, ctx.incidentId, 'Firebreak isolation transit: all traffic, so tracked connections become untracked before isolation')),
      awsCall('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: transit, IpPermissions: ALL_TRAFFIC }),
      awsCall('ec2', 'AuthorizeSecurityGroupEgress', { GroupId: transit, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }),
      awsCall('ec2', 'CreateSecurityGroup', createGroupCalls(ISOLATION_GROUP_NAME, vpcId, ctx.incidentId, 'Firebreak isolation: no inbound or outbound rules')),
      awsCall('ec2', 'RevokeSecurityGroupEgress', { GroupId: isolation, IpPermissions: DEFAULT_EGRESS }),
      ...enis.map((id) => awsCall('ec2', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, Groups: [transit] })),
      ...enis.map((id) => awsCall('ec2', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, Groups: [isolation] })),
    ];
  },

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const vpcId = live.instance.VpcId;
    if (!vpcId) return { status: 'skipped', reason: `instance ${p.instanceId} is not in a VPC: security-group isolation does not apply` };
    const enis = (live.instance.NetworkInterfaces ?? []).map((eni) => ({
      id: eni.NetworkInterfaceId ?? '',
      groups: (eni.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    }));
    if (enis.length === 0) return { status: 'skipped', reason: `instance ${p.instanceId} has no network interfaces` };

    const isolationGroupId = await ensureGroup(ec2, ISOLATION_GROUP_NAME, vpcId, ctx.incidentId);
    const isIsolated = (groups: string[]) => groups.length === 1 && groups[0] === isolationGroupId;
    if (enis.every((eni) => isIsolated(eni.groups))) {
      return { status: 'done', summary: `already contained: every interface of ${p.instanceId} is in ${isolationGroupId}`, priorState: { instanceId: p.instanceId, vpcId, networkInterfaces: [] }, appliedState: { isolationGroupId } };
    }
    const transitGroupId = await ensureGroup(ec2, TRANSIT_GROUP_NAME, vpcId, ctx.incidentId);
    const toIsolate = enis.filter((eni) => !isIsolated(eni.groups));
    for (const eni of toIsolate) await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.id, Groups: [transitGroupId] }));
    for (const eni of toIsolate) await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.id, Groups: [isolationGroupId] }));
    return {
      status: 'done',
      summary: `isolated ${p.instanceId}: ${toIsolate.length} interface(s) moved through ${transitGroupId} to ${isolationGroupId}`,
      priorState: { instanceId: p.instanceId, vpcId, networkInterfaces: toIsolate },
      appliedState: { isolationGroupId },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.networkInterfaces.map((eni) => awsCall('ec2', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eni.id, Groups: eni.groups }));
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const applied = parseOrThrow(AppliedStateSchema, record.appliedState, 'recorded applied state');
    if (prior.networkInterfaces.length === 0) return { status: 'skipped', reason: 'the instance was already isolated before this run: nothing to restore' };
    const ec2 = aws.client('ec2');
    const current = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: prior.networkInterfaces.map((e) => e.id) }))).NetworkInterfaces ?? [];
    const restored: string[] = [];
    const changed: string[] = [];
    for (const eni of prior.networkInterfaces) {
      const now = current.find((c) => c.NetworkInterfaceId === eni.id);
      const groups = (now?.Groups ?? []).map((g) => g.GroupId);
      if (!now || groups.length !== 1 || groups[0] !== applied.isolationGroupId) {
        changed.push(eni.id);
        continue;
      }
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.id, Groups: eni.groups }));
      restored.push(eni.id);
    }
    if (restored.length === 0) return { status: 'skipped', reason: `changed since containment: ${changed.join(', ')} no longer in the isolation group; not touched` };
    return { status: 'done', summary: `restored the security groups of ${restored.join(', ')}${changed.length > 0 ? `; left ${changed.join(', ')} (changed since)` : ''}` };
  },
});
