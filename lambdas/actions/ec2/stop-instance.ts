import { StartInstancesCommand, StopInstancesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';

const PriorStateSchema = z.object({ instanceId: z.string(), state: z.string() });

/** Stops the instance. Memory (running processes, keys in RAM) is lost, which is why playbooks put this behind an approval. */
export const stopInstance = defineAction<InstanceParams>({
  id: 'ec2/stop-instance',
  description: 'stop the instance (memory evidence is lost)',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [{ actions: ['ec2:DescribeInstances', 'ec2:StopInstances', 'ec2:StartInstances'], resources: ['*'] }],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/state`,
  protection: instanceProtection,
  plan: (p) => [awsCall('ec2', 'StopInstances', { InstanceIds: [p.instanceId] })],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const state = live.instance.State?.Name ?? 'unknown';
    if (state === 'stopped' || state === 'stopping') {
      return { status: 'done', summary: `already contained: ${p.instanceId} is ${state}`, priorState: { instanceId: p.instanceId, state }, appliedState: { state: 'stopped' } };
    }
    await ec2.send(new StopInstancesCommand({ InstanceIds: [p.instanceId] }));
    return { status: 'done', summary: `stopping ${p.instanceId} (was ${state})`, priorState: { instanceId: p.instanceId, state }, appliedState: { state: 'stopped' } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.state === 'running' ? [awsCall('ec2', 'StartInstances', { InstanceIds: [prior.instanceId] })] : [];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.state !== 'running') return { status: 'skipped', reason: `the instance was ${prior.state} before Firebreak acted: nothing to restore` };
    const ec2 = aws.client('ec2');
    const state = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [prior.instanceId] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
    if (state !== 'stopped') return { status: 'skipped', reason: `changed since containment: ${prior.instanceId} is ${state ?? 'gone'}, not stopped; not touched` };
    await ec2.send(new StartInstancesCommand({ InstanceIds: [prior.instanceId] }));
    return { status: 'done', summary: `starting ${prior.instanceId} again` };
  },
});
