import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from '../ec2/instance-params.js';
import { liveInstanceOrOutcome } from '../ec2/live-instance.js';

/** An account has at most a few thousand target groups; this bounds the scan (400 at 10 pages). */
const MAX_PAGES = 10;

const TargetSchema = z.object({ targetGroupArn: z.string(), id: z.string(), port: z.number().optional(), availabilityZone: z.string().optional() });
const PriorStateSchema = z.object({ instanceId: z.string(), targets: z.array(TargetSchema) });
type Target = z.infer<typeof TargetSchema>;

const sdkTarget = (t: Target) => ({ Id: t.id, ...(t.port !== undefined ? { Port: t.port } : {}), ...(t.availabilityZone ? { AvailabilityZone: t.availabilityZone } : {}) });

/**
 * Takes the instance out of every load balancer target group in its VPC (instance targets by id, IP targets by its private
 * IPs), so no user traffic reaches it while it is investigated. Deregistration drains connections per the group's setting.
 */
export const deregisterTargets = defineAction<InstanceParams>({
  id: 'elbv2/deregister-targets',
  description: 'deregister the instance (by id and by private IP) from every load balancer target group of its VPC',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [
    { actions: ['ec2:DescribeInstances', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'], resources: ['*'] },
    { actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'], resources: ['arn:*:elasticloadbalancing:*:*:targetgroup/*/*'] },
  ],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/target-groups`,
  protection: instanceProtection,
  plan: (p) => [awsCall('elbv2', 'DeregisterTargets', { TargetGroupArn: `{each target group holding ${p.instanceId}}`, Targets: [{ Id: p.instanceId }] })],

  async apply(p, ctx, aws) {
    const live = await liveInstanceOrOutcome(aws.client('ec2'), p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const ids = new Set([p.instanceId, ...(live.instance.NetworkInterfaces ?? []).flatMap((eni) => (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress ?? ''))].filter(Boolean));
    const elbv2 = aws.client('elbv2');
    const groups: TargetGroup[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await elbv2.send(new DescribeTargetGroupsCommand(marker ? { Marker: marker } : {}));
      groups.push(...(page.TargetGroups ?? []).filter((g) => g.VpcId === live.instance.VpcId && (g.TargetType === 'instance' || g.TargetType === 'ip')));
      marker = page.NextMarker;
      pages += 1;
    } while (marker && pages < MAX_PAGES);

    const targets: Target[] = [];
    for (const group of groups) {
      const health = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }))).TargetHealthDescriptions ?? [];
      for (const description of health) {
        const target = description.Target;
        if (!target?.Id || !ids.has(target.Id) || description.TargetHealth?.State === 'draining') continue;
        targets.push({ targetGroupArn: group.TargetGroupArn ?? '', id: target.Id, ...(target.Port !== undefined ? { port: target.Port } : {}), ...(target.AvailabilityZone ? { availabilityZone: target.AvailabilityZone } : {}) });
      }
    }
    if (targets.length === 0) {
      return { status: 'done', summary: `already contained: ${p.instanceId} is registered in no target group${marker ? ' (scan truncated)' : ''}`, priorState: { instanceId: p.instanceId, targets: [] }, appliedState: { targets: [] } };
    }
    for (const arn of [...new Set(targets.map((t) => t.targetGroupArn))]) {
      await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: targets.filter((t) => t.targetGroupArn === arn).map(sdkTarget) }));
    }
    return { status: 'done', summary: `deregistered ${p.instanceId} from ${new Set(targets.map((t) => t.targetGroupArn)).size} target group(s)`, priorState: { instanceId: p.instanceId, targets }, appliedState: { targets: [] } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return [...new Set(prior.targets.map((t) => t.targetGroupArn))].map((arn) =>
      awsCall('elbv2', 'RegisterTargets', { TargetGroupArn: arn, Targets: prior.targets.filter((t) => t.targetGroupArn === arn).map(sdkTarget) }),
    );
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.targets.length === 0) return { status: 'skipped', reason: 'the instance was in no target group before Firebreak acted: nothing to restore' };
    const elbv2 = aws.client('elbv2');
    let restored = 0;
    for (const arn of [...new Set(prior.targets.map((t) => t.targetGroupArn))]) {
      const registered = new Set(((await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State !== 'draining').map((d) => d.Target?.Id));
      const missing = prior.targets.filter((t) => t.targetGroupArn === arn && !registered.has(t.id));
      if (missing.length === 0) continue;
      await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: missing.map(sdkTarget) }));
      restored += missing.length;
    }
    if (restored === 0) return { status: 'skipped', reason: 'changed since containment: every target is registered again; not touched' };
    return { status: 'done', summary: `registered ${restored} target(s) of ${prior.instanceId} again` };
  },
});
