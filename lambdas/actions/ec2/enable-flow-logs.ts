import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, type FlowLog } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { findingIsAbout } from '../safety/finding-is-about.js';

const ParamsSchema = z.strictObject({
  /** VPCs the finding names; empty: every VPC of the Region without an active flow log. */
  vpcIds: z.array(z.string().regex(/^vpc-[0-9a-f]{8,17}$/)).default([]),
});
type Params = z.infer<typeof ParamsSchema>;

/**
 * Puts VPC flow logs back. A deleted flow log leaves no trace of where it delivered, so the new ones deliver where the
 * account's remaining flow logs deliver (the central bucket or log group); with none to copy, a human decides.
 */
export const enableFlowLogs = defineAction<Params>({
  id: 'ec2/enable-flow-logs',
  description: 'create VPC flow logs (all traffic) for the VPCs without one, to the destination the account already uses',
  params: ParamsSchema,
  destructive: false,
  permissions: [
    { actions: ['ec2:DescribeVpcs', 'ec2:DescribeFlowLogs', 'ec2:CreateFlowLogs', 'ec2:CreateTags'], resources: ['*'] },
    // Delivery: S3 / CloudWatch Logs destinations need log-delivery rights; CloudWatch Logs also passes the delivery role.
    { actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery'], resources: ['*'] },
    { actions: ['iam:PassRole'], resources: ['arn:*:iam::*:role/*'], conditions: { StringEquals: { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' } } },
  ],

  paramsFromFinding(finding) {
    if (!findingIsAbout(finding, { rules: ['vpc-flow-logs-deleted'], controls: ['EC2.6', 'cis-1.2.0/2.9'] })) return undefined;
    return { vpcIds: finding.resources.filter((r) => r.type === 'AWS::EC2::VPC' || r.type === 'AwsEc2Vpc').map((r) => r.id.replace(/^.*vpc\//, '')).filter((id) => /^vpc-/.test(id)) };
  },
  target: (p) => `flow-logs/${p.vpcIds.length > 0 ? p.vpcIds.join('+') : 'all-vpcs'}`,
  plan: (p) => [
    awsCall('ec2', 'CreateFlowLogs', {
      ResourceIds: p.vpcIds.length > 0 ? p.vpcIds : ['{each VPC without an active flow log}'],
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: '{as the account\'s existing flow logs}',
      LogDestination: '{as the account\'s existing flow logs}',
    }),
  ],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const vpcIds = p.vpcIds.length > 0 ? p.vpcIds : ((await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? []).map((v) => v.VpcId ?? '').filter(Boolean);
    const flowLogs: FlowLog[] = (await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs ?? [];
    const covered = new Set(flowLogs.filter((f) => f.FlowLogStatus === 'ACTIVE').map((f) => f.ResourceId));
    const missing = vpcIds.filter((id) => !covered.has(id));
    if (missing.length === 0) return { status: 'done', summary: `already contained: ${vpcIds.length} VPC(s) have active flow logs`, priorState: { missing: [] }, appliedState: { flowLogIds: [] } };
    const reference = flowLogs.find((f) => f.FlowLogStatus === 'ACTIVE' && (f.LogDestinationType === 's3' || (f.LogDestinationType === 'cloud-watch-logs' && f.DeliverLogsPermissionArn)));
    if (!reference?.LogDestination) {
      return { status: 'skipped', reason: `no flow log left in the account to copy a destination from (VPCs without: ${missing.join(', ')})`, refused: true, escalation: 'create VPC flow logs to your log archive for these VPCs' };
    }
    const created = await ec2.send(
      new CreateFlowLogsCommand({
        ResourceIds: missing,
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: reference.LogDestinationType,
        LogDestination: reference.LogDestination,
        ...(reference.DeliverLogsPermissionArn ? { DeliverLogsPermissionArn: reference.DeliverLogsPermissionArn } : {}),
        TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'firebreak:incident', Value: ctx.incidentId }] }],
      }),
    );
    if ((created.Unsuccessful ?? []).length > 0) {
      return { status: 'failed', cause: `CreateFlowLogs failed for ${(created.Unsuccessful ?? []).map((u) => `${u.ResourceId}: ${u.Error?.Message ?? u.Error?.Code}`).join('; ')}`, errorName: 'CreateFlowLogsUnsuccessful' };
    }
    return { status: 'done', summary: `created flow logs for ${missing.join(', ')} → ${reference.LogDestination}`, priorState: { missing }, appliedState: { flowLogIds: created.FlowLogIds ?? [] } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'Firebreak never deletes flow logs; delete them by hand if that is really intended' };
  },
});
