import { AttachInstancesCommand, DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from '../ec2/instance-params.js';
import { liveInstanceOrOutcome } from '../ec2/live-instance.js';

const PriorStateSchema = z.object({ instanceId: z.string(), autoScalingGroupName: z.string().optional() });

/**
 * Before isolating: an Auto Scaling group would mark the isolated instance unhealthy and terminate it (with the evidence).
 * Detached without decrementing the desired capacity, so the group launches a clean replacement and the service keeps running.
 */
export const detachFromAutoScaling = defineAction<InstanceParams>({
  id: 'autoscaling/detach-instance',
  description: 'detach the instance from its Auto Scaling group (ShouldDecrementDesiredCapacity=false: a replacement is launched)',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [
    { actions: ['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingInstances'], resources: ['*'] },
    { actions: ['autoscaling:DetachInstances', 'autoscaling:AttachInstances'], resources: ['arn:*:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*'] },
  ],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/auto-scaling`,
  protection: instanceProtection,
  plan: (p) => [
    awsCall('autoScaling', 'DetachInstances', { InstanceIds: [p.instanceId], AutoScalingGroupName: `{group of ${p.instanceId}}`, ShouldDecrementDesiredCapacity: false }),
  ],

  async apply(p, ctx, aws) {
    const live = await liveInstanceOrOutcome(aws.client('ec2'), p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const autoScaling = aws.client('autoScaling');
    const membership = (await autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [p.instanceId] }))).AutoScalingInstances?.[0];
    if (!membership?.AutoScalingGroupName) {
      return { status: 'done', summary: `already contained: ${p.instanceId} is in no Auto Scaling group`, priorState: { instanceId: p.instanceId }, appliedState: { autoScalingGroupName: null } };
    }
    if (membership.LifecycleState?.startsWith('Detach')) {
      return { status: 'done', summary: `already contained: ${p.instanceId} is ${membership.LifecycleState} from ${membership.AutoScalingGroupName}`, priorState: { instanceId: p.instanceId, autoScalingGroupName: membership.AutoScalingGroupName }, appliedState: { autoScalingGroupName: null } };
    }
    await autoScaling.send(new DetachInstancesCommand({ InstanceIds: [p.instanceId], AutoScalingGroupName: membership.AutoScalingGroupName, ShouldDecrementDesiredCapacity: false }));
    return {
      status: 'done',
      summary: `detached ${p.instanceId} from ${membership.AutoScalingGroupName} (the group launches a replacement)`,
      priorState: { instanceId: p.instanceId, autoScalingGroupName: membership.AutoScalingGroupName },
      appliedState: { autoScalingGroupName: null },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.autoScalingGroupName ? [awsCall('autoScaling', 'AttachInstances', { InstanceIds: [prior.instanceId], AutoScalingGroupName: prior.autoScalingGroupName })] : [];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (!prior.autoScalingGroupName) return { status: 'skipped', reason: 'the instance was in no Auto Scaling group before Firebreak acted: nothing to restore' };
    const autoScaling = aws.client('autoScaling');
    const membership = (await autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [prior.instanceId] }))).AutoScalingInstances?.[0];
    if (membership?.AutoScalingGroupName) return { status: 'skipped', reason: `changed since containment: ${prior.instanceId} is in ${membership.AutoScalingGroupName} again; not touched` };
    // Attaching raises the desired capacity by one: the replacement launched at detach time stays.
    await autoScaling.send(new AttachInstancesCommand({ InstanceIds: [prior.instanceId], AutoScalingGroupName: prior.autoScalingGroupName }));
    return { status: 'done', summary: `re-attached ${prior.instanceId} to ${prior.autoScalingGroupName} (desired capacity +1; scale in when ready)` };
  },
});
